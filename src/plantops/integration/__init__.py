"""Import and export of whole plants: the plant file (docs/plant-file.md) as YAML, JSON, a
directory of CSV files or an XLSX workbook."""
