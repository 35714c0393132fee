"""The plant file as a directory of CSV files, one per table: `<table>.csv`, UTF-8 (a byte order
mark is accepted on reading), comma-separated, a header row, an empty cell for no value."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from plantops.errors import FieldError
from plantops.integration.tabular import RawTable, Table, Unflattened, unflatten

SUFFIX = ".csv"


def write_csv_dir(tables: list[Table], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for table in tables:
        path = directory / f"{table.name}{SUFFIX}"
        with path.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(table.columns)
            writer.writerows(table.rows)
        paths.append(path)
    return paths


def _header(path: Path, problems: list[FieldError]) -> list[str] | None:
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            return next(csv.reader(stream), [])
    except (UnicodeDecodeError, csv.Error) as error:
        problems.append(FieldError((), f"unreadable CSV header: {error}", path.name, None))
        return None


def _rows(path: Path, problems: list[FieldError]) -> Iterator[tuple[int, list[str]]]:
    """Data rows numbered from 1 (the first row under the header); read lazily."""
    number = 0
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            reader = csv.reader(stream)
            next(reader, None)
            for number, row in enumerate(reader, start=1):  # `number` outlives the loop
                yield number, row
    except (UnicodeDecodeError, csv.Error) as error:
        problems.append(FieldError((), f"unreadable CSV: {error}", path.name, number + 1))


def read_csv_dir(directory: Path) -> Unflattened:
    """Every `*.csv` of the directory is a table; other files are ignored."""
    problems: list[FieldError] = []
    tables: list[RawTable] = []
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        header = _header(path, problems)
        if header is not None:
            name = path.name.removesuffix(SUFFIX)
            tables.append(RawTable(name, path.name, header, _rows(path, problems)))
    if not tables and not problems:
        message = f"no {SUFFIX} files: expected one per table, e.g. items{SUFFIX}"
        problems.append(FieldError((), message, directory.name or str(directory), None))
    result = unflatten(tables)
    result.problems.extend(problems)
    return result
