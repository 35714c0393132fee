"""The plant file as one XLSX workbook, one sheet per table: written by XlsxWriter in its
constant-memory mode and read by calamine (python-calamine), on a large plant about 1.6 and 5
times as fast as openpyxl.

Excel limits sheet names to 31 characters, so a longer table name loses its leading parts:
`routings.operations.alternatives` is the sheet `operations.alternatives`. The workbook carries
a fixed creation time (and XlsxWriter fixed zip entry times) so the same plant gives the same
bytes. Texts are always written as texts ("0042", "=x" stay so), numbers as numbers; calamine
hands numbers back as floats, which the schemas and key columns accept for integers."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from python_calamine import CalamineSheet, CalamineWorkbook, SheetTypeEnum
from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from plantops.errors import FieldError, ValidationFailed
from plantops.integration.tabular import LAYOUTS, RawTable, Table, Unflattened, unflatten

MAX_TITLE = 31
MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included
_CREATED = datetime(2000, 1, 1)
_OPTIONS = {
    "constant_memory": True,  # rows go to a temporary file as written, not kept in memory
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# What XlsxWriter escapes as _xHHHH_, and escapes twice inside a rich text
_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


def sheet_title(table: str) -> str:
    parts = table.split(".")
    while len(".".join(parts)) > MAX_TITLE and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)[:MAX_TITLE]


TITLES = {sheet_title(name): name for name in LAYOUTS}
assert len(TITLES) == len(LAYOUTS), "two tables share a sheet title"


def _problem(sheet: str, row: int | None, message: str) -> ValidationFailed:
    return ValidationFailed(message, [FieldError((), message, sheet, row)])


def _text(sheet: Worksheet, row: int, col: int, value: str, *_: Any) -> int | None:
    """XlsxWriter takes a text shaped "<r>...</r>" for rich-text XML and writes it unescaped;
    split into three rich fragments it is escaped and reads back whole. None: as usual."""
    if not (value.startswith("<r>") and value.endswith("</r>")):
        return None
    if _ESCAPED.search(value):
        message = "XLSX cannot store a text shaped <r>...</r> with a control character in it"
        raise _problem(sheet.name, row, message)
    fragments = (value[:1], value[1:2], value[2:])
    return sheet.write_rich_string(row, col, *fragments)  # type: ignore[no-any-return]


def _number(sheet: Worksheet, row: int, col: int, value: float, *_: Any) -> int | None:
    """XlsxWriter writes 16 significant digits: a float that needs 17 (or is inf or nan) goes
    as its exact text instead, which the schemas read back as the same float."""
    if value - value == 0 and float(f"{value:.16G}") == value:
        return None
    return sheet.write_string(row, col, repr(value))  # type: ignore[no-any-return]


def _iso(sheet: Worksheet, row: int, col: int, value: date | time, *_: Any) -> int:
    """Dates and times as ISO text, as in YAML (a date cell would read back as a number)."""
    return sheet.write_string(row, col, value.isoformat())  # type: ignore[no-any-return]


_HANDLERS = {str: _text, float: _number, date: _iso, datetime: _iso, time: _iso}


def _write_table(workbook: Workbook, table: Table) -> None:
    title = sheet_title(table.name)
    if len(table.rows) >= MAX_ROWS:
        message = f"{len(table.rows)} rows: an XLSX sheet holds {MAX_ROWS - 1}; use CSV or YAML"
        raise _problem(title, None, message)
    sheet = workbook.add_worksheet(title)
    for kind, handler in _HANDLERS.items():
        sheet.add_write_handler(kind, handler)
    sheet.write_row(0, 0, table.columns)
    for number, row in enumerate(table.rows, start=1):
        if sheet.write_row(number, 0, row):  # -2, the only error left: a text cut short
            raise _problem(title, number, "a text is longer than an XLSX cell holds (32767)")


def write_xlsx(tables: list[Table], target: Path | IO[bytes]) -> None:
    """The workbook is built in a directory of our own (with XlsxWriter's temporary files) and
    reaches the target only whole: a refused row leaves neither a partial file nor litter."""
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / "plant.xlsx"
        workbook = Workbook(str(built), {**_OPTIONS, "tmpdir": scratch})
        workbook.set_properties({"created": _CREATED})
        try:
            for table in tables:
                _write_table(workbook, table)
        finally:
            workbook.close()  # closes the temporary files, whatever happened
        if isinstance(target, Path):
            shutil.move(built, target)
        else:
            with built.open("rb") as stream:
                shutil.copyfileobj(stream, target, 1 << 20)


def _numbered(rows: Iterator[list[Any]]) -> Iterator[tuple[int, list[Any]]]:
    # a generator: once the rows are read it lets go of them, and calamine frees the sheet
    yield from enumerate(rows, start=1)


def _raw_table(sheet: CalamineSheet) -> RawTable:
    rows: Iterator[list[Any]] = sheet.iter_rows()  # from row 1, but from the first used column
    skipped = sheet.start[1] if sheet.start else 0
    if skipped:  # put empty leading columns back, so a column's position is the sheet's own
        rows = ([*[""] * skipped, *row] for row in rows)
    header = next(rows, [])
    return RawTable(TITLES.get(sheet.name, sheet.name), sheet.name, header, _numbered(rows))


def read_xlsx(source: Path | IO[bytes], name: str) -> Unflattened:
    """Every worksheet is a table; the first row of each is its header. An empty cell reads as
    "", a number as a float, a date or time typed in a spreadsheet as a date, datetime or time."""
    try:
        with CalamineWorkbook.from_object(source) as workbook:  # parses each sheet whole here
            tables = [
                _raw_table(workbook.get_sheet_by_name(sheet.name))
                for sheet in workbook.sheets_metadata
                if sheet.typ == SheetTypeEnum.WorkSheet
            ]
    except Exception as error:  # calamine's kinds of error, or whatever else a bad file causes
        message = f"not a readable .xlsx workbook ({type(error).__name__}: {error})"
        raise _problem(name, None, message) from None
    return unflatten(tables)
