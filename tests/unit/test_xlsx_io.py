"""The XLSX reader and writer on their own: values that must come back as they went, the same
bytes every time, and damaged or odd workbooks as problems with sheet, row and column."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from xlsxwriter import Workbook

from plantops.errors import ValidationFailed
from plantops.integration import xlsx_io
from plantops.integration.tabular import LAYOUTS, Table, flatten
from plantops.integration.xlsx_io import read_xlsx, write_xlsx
from plantops.masterdata.schemas import BomLineIn, CalendarExceptionIn, DowntimeWindowIn
from tests.integration.test_import_export import plant

_TRICKY = {  # name column of items: text that a spreadsheet or XLSX might take for something else
    "formula": "=SUM(A1:A2)",
    "rich text markup": "<r>x</r>",
    "escape lookalike": "_x0041_",
    "control character": "a\x01b",
    "spaces around": "  padded  ",
    "line break": "two\nlines",
    "markup": "<b>&amp;</b>",
}


def _items(*rows: list[Any]) -> Table:
    return Table("items", LAYOUTS["items"].columns, [list(r) for r in rows])


def _item(code: Any, name: Any, **fields: Any) -> list[Any]:
    values = {"site": "B1", "code": code, "name": name, **fields}
    return [values.get(column) for column in LAYOUTS["items"].columns]


def _round_trip(*tables: Table) -> dict[str, Any]:
    buffer = io.BytesIO()
    write_xlsx(list(tables), buffer)
    buffer.seek(0)
    result = read_xlsx(buffer, "plant.xlsx")
    assert result.problems == []
    return result.document


def _workbook(sheets: dict[str, list[list[Any]]]) -> io.BytesIO:
    """A workbook as a spreadsheet program would save it (numbers, dates typed as such)."""
    buffer = io.BytesIO()
    workbook = Workbook(buffer)
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for title, rows in sheets.items():
        sheet = workbook.add_worksheet(title)
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, date | time):
                    sheet.write_datetime(number, column, value, day)
                elif value is not None:
                    sheet.write(number, column, value)
    workbook.close()
    buffer.seek(0)
    return buffer


def test_codes_texts_and_numbers_come_back_as_written() -> None:
    rows = [_item(f"T{i}", text) for i, text in enumerate(_TRICKY.values())]
    rows.append(_item("00123", "decimals", standard_cost=0.1, safety_stock=1234.5678,
                      lead_time_days=5, lot_size_fixed=0.30000000000000004))  # fmt: skip
    rows.append(_item("1001", "whole", standard_cost=-0.0, safety_stock=float("inf")))
    items = _round_trip(_items(*rows))["items"]
    assert [i["name"] for i in items[: len(_TRICKY)]] == list(_TRICKY.values())
    decimals, whole = items[len(_TRICKY) :]
    assert decimals["code"] == "00123" and whole["code"] == "1001"  # text stays text
    assert decimals["standard_cost"] == 0.1 and decimals["safety_stock"] == 1234.5678
    assert decimals["lead_time_days"] == 5  # a float, which the schemas take for the integer
    # 16 significant digits would lose it: written as its exact text, read back as the float
    assert float(decimals["lot_size_fixed"]) == 0.30000000000000004
    assert float(whole["safety_stock"]) == float("inf") and whole["standard_cost"] == 0
    assert "lot_size_min" not in decimals  # an empty optional cell is no value


def test_dates_and_times_travel_as_iso_text() -> None:
    exceptions = Table("calendars.exceptions", LAYOUTS["calendars.exceptions"].columns, [
        ["B1", "2S", "closed", "2025-12-24T00:00:00", "2025-12-27T06:30:00", None],
        ["B1", "2S", "closed", datetime(2026, 1, 1), datetime(2026, 1, 2, 6), "typed"],
    ])  # fmt: skip
    down = "work_centers.downtime_windows"
    windows = Table(down, LAYOUTS[down].columns, [
        ["B1", "WC1", "2025-03-01T06:00:00+00:00", datetime(2025, 3, 1, 10, tzinfo=UTC), "service"],
    ])  # fmt: skip
    shifts = Table("calendars.shifts", LAYOUTS["calendars.shifts"].columns,
                   [["B1", "2S", "early", "mon", time(6), "14:00:00"]])  # fmt: skip
    calendars = Table("calendars", LAYOUTS["calendars"].columns, [["B1", "2S", "Two shifts"]])
    centers = Table("work_centers", LAYOUTS["work_centers"].columns, [["B1", "WC1", "Press"]])
    document = _round_trip(calendars, shifts, exceptions, centers, windows)
    calendar = document["calendars"][0]
    assert calendar["exceptions"] == [
        {"kind": "closed", "starts_local": "2025-12-24T00:00:00",
         "ends_local": "2025-12-27T06:30:00"},
        {"kind": "closed", "starts_local": "2026-01-01T00:00:00",
         "ends_local": "2026-01-02T06:00:00", "name": "typed"},
    ]  # fmt: skip
    assert calendar["shifts"][0]["start_time"] == "06:00:00"
    window = document["work_centers"][0]["downtime_windows"][0]
    assert window["ends_at"] == "2025-03-01T10:00:00+00:00"
    parsed = DowntimeWindowIn.model_validate(window)
    assert parsed.starts_at == datetime(2025, 3, 1, 6, tzinfo=UTC)
    local = CalendarExceptionIn.model_validate(calendar["exceptions"][0])
    assert local.starts_local == datetime(2025, 12, 24) and local.starts_local.tzinfo is None


def test_cells_typed_in_a_spreadsheet_keep_their_meaning() -> None:
    source = _workbook({
        "boms": [["site", "code", "item"], ["B1", "B1", 1001]],
        "boms.lines": [["site", "bom", "component_item", "quantity_per", "valid_from"],
                       ["B1", "B1", 42, 1.5, date(2025, 4, 1)]],
        "calendars": [["site", "code", "name"], ["B1", "2S", "Two shifts"]],
        "calendars.exceptions": [["site", "calendar", "kind", "starts_local", "ends_local"],
                                 ["B1", "2S", "closed", date(2025, 12, 24),
                                  datetime(2025, 12, 27, 6, 30)]],
    })  # fmt: skip
    result = read_xlsx(source, "plant.xlsx")
    assert result.problems == []
    [line] = result.document["boms"][0]["lines"]
    assert line["component_item"] == 42.0 and result.document["boms"][0]["item"] == 1001.0
    values = {k: v for k, v in line.items() if k != "component_item"}
    parsed = BomLineIn.model_validate({**values, "component_item_id": 1})
    assert parsed.valid_from == date(2025, 4, 1) and parsed.quantity_per == 1.5
    [closed] = result.document["calendars"][0]["exceptions"]
    parsed_closed = CalendarExceptionIn.model_validate(closed)
    assert parsed_closed.starts_local == datetime(2025, 12, 24)
    assert parsed_closed.ends_local == datetime(2025, 12, 27, 6, 30)


def test_the_same_plant_gives_the_same_bytes(tmp_path: Path) -> None:
    tables = flatten(plant())
    first, second = io.BytesIO(), io.BytesIO()
    write_xlsx(tables, first)
    write_xlsx(tables, second)
    write_xlsx(tables, tmp_path / "plant.xlsx")
    assert first.getvalue() == second.getvalue() == (tmp_path / "plant.xlsx").read_bytes()
    with zipfile.ZipFile(first) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 31, 0, 0, 0)}
    assert "2000-01-01T00:00:00Z" in core


def test_damaged_workbooks_are_problems_not_tracebacks() -> None:
    no_workbook = io.BytesIO()
    with zipfile.ZipFile(no_workbook, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
    good = io.BytesIO()
    write_xlsx(flatten(plant()), good)
    truncated = good.getvalue()[: len(good.getvalue()) // 2]
    for data in (b"not a zip at all", b"", no_workbook.getvalue(), truncated):
        with pytest.raises(ValidationFailed) as failed:
            read_xlsx(io.BytesIO(data), "plant.xlsx")
        [error] = failed.value.errors
        assert (error.source, error.row) == ("plant.xlsx", None)
        assert error.message.startswith("not a readable .xlsx workbook")


def test_wrong_headers_and_missing_sheets_are_located() -> None:
    source = _workbook({
        "items": [[None, "site", "code", "unit"], [None, "B1", "I1", "pc"]],
        "boms.lines": [["site", "bom", "component_item"], ["B1", "B-NONE", "I1"]],
        "widgets": [["site"]],
    })  # fmt: skip
    found = {(e.source, e.row, e.location) for e in read_xlsx(source, "plant.xlsx").problems}
    assert found == {
        ("items", None, ("(empty header in column 1)",)),  # the position is the sheet's own
        ("items", None, ("unit",)),
        ("boms.lines", 1, ("bom",)),  # no boms sheet: no such parent row
        ("widgets", None, ()),
    }


def test_what_xlsx_cannot_hold_is_refused_with_sheet_and_row(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cases = [
        (_items(_item("I1", "x"), _item("I2", "y" * 40_000)), ("items", 2)),
        (_items(_item("I1", "<r>\x01</r>")), ("items", 1)),
    ]
    for table, where in cases:
        with pytest.raises(ValidationFailed) as failed:
            write_xlsx([table], tmp_path / "plant.xlsx")
        assert [(e.source, e.row) for e in failed.value.errors] == [where]
        assert not (tmp_path / "plant.xlsx").exists()  # no half-written workbook
    monkeypatch.setattr(xlsx_io, "MAX_ROWS", 3)
    with pytest.raises(ValidationFailed) as failed:
        write_xlsx([_items(*[_item(f"I{i}", "x") for i in range(3)])], io.BytesIO())
    assert "an XLSX sheet holds 2" in failed.value.errors[0].message
