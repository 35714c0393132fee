"""Plant files as flat tables and back, without a database: layout, nesting, problems located
in files, rows and columns, and the CSV, XLSX and YAML readers."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from plantops.errors import FieldError, ValidationFailed
from plantops.integration import yaml_events
from plantops.integration.csv_io import read_csv_dir, write_csv_dir
from plantops.integration.files import read_plant, read_plant_bytes
from plantops.integration.tabular import LAYOUTS, RawTable, flatten, unflatten
from plantops.integration.xlsx_io import TITLES, read_xlsx, sheet_title, write_xlsx
from plantops.masterdata.schemas import BomLineIn
from tests.integration.test_import_export import plant


def _without_empty_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_empty_lists(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_without_empty_lists(v) for v in value]
    return value


def _raw(name: str, header: list[str], *rows: list[Any]) -> RawTable:
    return RawTable(name, f"{name}.csv", header, list(enumerate(rows, start=1)))


def test_every_child_row_names_its_parent() -> None:
    assert LAYOUTS["boms.lines"].parent_columns == ("site", "bom")
    assert LAYOUTS["routings.operations.alternatives"].columns[:4] == (
        "site", "routing", "sequence", "work_center"
    )  # fmt: skip
    assert LAYOUTS["regions"].parent_columns == ()


def test_flatten_then_unflatten_gives_the_document_back() -> None:
    document = plant()
    tables = {t.name: t for t in flatten(document)}
    assert set(tables) == set(LAYOUTS)
    assert tables["routings.operations.alternatives"].rows[1][:4] == ["B1", "R-FG1", 10, "WC2"]
    raw = [RawTable(t.name, t.name, list(t.columns), enumerate(t.rows, 1)) for t in tables.values()]
    result = unflatten(raw)
    assert result.problems == []
    sections = {k: v for k, v in document.items() if not k.startswith("format")}
    assert result.document == _without_empty_lists(sections)


def test_child_rows_find_their_parent_whatever_the_table_order() -> None:
    operations = _raw("routings.operations", ["site", "routing", "sequence", "name"],
                      ["B1", "R1", "10", "Cut"])  # fmt: skip
    alternatives = _raw("routings.operations.alternatives",
                        ["site", "routing", "sequence", "work_center", "run_seconds_per_unit"],
                        ["B1", "R1", 10.0, "WC1", "2.5"])  # fmt: skip
    routings = _raw("routings", ["site", "code", "item"], ["B1", "R1", "FG1"])
    result = unflatten([alternatives, operations, routings])
    [routing] = result.document["routings"]
    assert routing["operations"][0]["alternatives"] == [
        {"work_center": "WC1", "run_seconds_per_unit": "2.5"}
    ]
    assert result.origins[("routings", 0, "operations", 0, "alternatives", 0)] == (
        "routings.operations.alternatives.csv", 1
    )  # fmt: skip


def test_header_and_row_problems_name_file_row_and_column() -> None:
    boms = _raw("boms", ["site", "code", "item", "colour", "code"], ["B1", "B1", "X", "", ""])
    lines = _raw("boms.lines", ["site", "component_item", "quantity_per"], ["B1", "X", "1"])
    orphans = _raw("calendars.shifts", ["site", "calendar", "name"], ["B1", "NOPE", "early"])
    wide = _raw("items", ["site", "code"], ["B1", "I1", "", "extra"], ["", "", ""])
    unknown = _raw("bom", ["site"])
    result = unflatten([boms, lines, orphans, wide, unknown])
    assert {(e.source, e.row, e.location) for e in result.problems} == {
        ("bom.csv", None, ()),
        ("boms.csv", None, ("colour",)),
        ("boms.csv", None, ("code",)),
        ("boms.lines.csv", None, ("bom",)),
        ("calendars.shifts.csv", 1, ("calendar",)),
        ("items.csv", 1, ()),
    }
    assert result.document["items"] == [{"site": "B1", "code": "I1"}]  # the empty row skipped


def test_locate_turns_section_rows_into_file_rows() -> None:
    lines = _raw(
        "boms.lines", ["site", "bom", "component_item"], ["B1", "B", "X"], ["B1", "B", "Y"]
    )
    boms = _raw("boms", ["site", "code"], ["B1", "A"], ["B1", "B"])
    result = unflatten([boms, lines])
    errors = [
        FieldError(("lines", 1, "component_item"), "no such item", "boms", 2),
        FieldError(("lines",), "too few", "boms", 1),
        FieldError((), "unknown section", "widgets", None),
    ]
    assert result.locate(errors) == [
        FieldError(("component_item",), "no such item", "boms.lines.csv", 2),
        FieldError(("lines",), "too few", "boms.csv", 1),
        FieldError((), "unknown section", "widgets", None),
    ]


def test_csv_files_round_trip_and_accept_a_byte_order_mark(tmp_path: Path) -> None:
    write_csv_dir(flatten(plant()), tmp_path)
    items = tmp_path / "items.csv"
    items.write_bytes(b"\xef\xbb\xbf" + items.read_bytes())
    (tmp_path / "notes.txt").write_text("ignored")
    result = read_csv_dir(tmp_path)
    assert result.problems == []
    assert result.document["items"][3] == {
        "site": "L1", "code": "0042", "name": "Paint ü", "item_type": "raw_material",
        "make_or_buy": "buy", "uom": "l",
    }  # fmt: skip


def test_unreadable_csv_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "items.csv").write_bytes(b"site,code,name\nB1,\xff\xfe,x\n")
    result = read_csv_dir(tmp_path)
    assert [(e.source, e.row) for e in result.problems] == [("items.csv", None)]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert read_csv_dir(empty).problems[0].message.startswith("no .csv files")


def test_xlsx_sheet_titles_fit_excel_and_text_stays_text() -> None:
    assert sheet_title("routings.operations.alternatives") == "operations.alternatives"
    assert all(len(title) <= 31 for title in TITLES)
    buffer = io.BytesIO()
    write_xlsx(flatten(plant()), buffer)
    buffer.seek(0)
    result = read_xlsx(buffer, "plant.xlsx")
    assert result.problems == []
    assert result.document["items"][2]["name"] == '=Tube, "steel"'  # no formula
    assert result.document["items"][3]["code"] == "0042"


def test_xlsx_cells_typed_in_a_spreadsheet_are_accepted() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "operations.alternatives"  # the short title of a long table name
    sheet.append(["site", "routing", "sequence", "work_center", "run_seconds_per_unit", None])
    sheet.append(["B1", "R1", 10, 1001, 2.5])
    lines = workbook.create_sheet("boms.lines")
    lines.append(["site", "bom", "component_item", "quantity_per", "valid_from"])
    lines.append(["B1", "B1", "X", 1, datetime(2025, 4, 1)])  # a date typed in Excel
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = read_xlsx(buffer, "plant.xlsx")
    assert [(e.source, e.location) for e in result.problems] == [
        ("boms.lines", ("bom",)),  # no boms sheet: no parent row
        ("operations.alternatives", ("sequence",)),
    ]
    line = BomLineIn.model_validate({"component_item_id": 1, "quantity_per": 1,
                                     "valid_from": datetime(2025, 4, 1)})  # fmt: skip
    assert line.valid_from == date(2025, 4, 1)
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
    with pytest.raises(ValidationFailed):
        read_xlsx(damaged, "plant.xlsx")


def test_yaml_events_match_pyyaml() -> None:
    tricky = {"s": ["yes", "null", "", "0755", "1_000", "1:20", ".inf", "2025-01-01", "14:00:00",
                    "a: b", "- x", "#", "ü", "line\nbreak"],
              "n": [0, -5, 10**20, 0.1, 1e-06, 1e17, True, None, [], {}]}  # fmt: skip
    options: dict[str, Any] = {"allow_unicode": True, "width": 120}
    stream = io.StringIO()
    yaml_events.dump(tricky, stream, **options)
    expected = yaml.dump(tricky, sort_keys=False, default_flow_style=False, **options)
    assert stream.getvalue() == expected
    assert yaml_events.load(expected) == yaml.safe_load(expected)
    text = "a: 0o17\nb: 0x1F\nc: 1:30\nd: 2025-01-01\ne: ~\nf: '14:00'\ng: 12:30:00\n"
    assert yaml_events.load(text) == yaml.safe_load(text)
    for unusual in ("a: &x 1\nb: *x\n", "<<: {a: 1}\n", "a: !!str 1\n"):
        with pytest.raises(yaml_events.Unsupported):  # left to PyYAML's full loader
            yaml_events.load(unusual)
        assert read_plant_bytes(unusual.encode(), "p.yaml").document == yaml.safe_load(unusual)
    with pytest.raises(ValidationFailed):  # as PyYAML says: "found unhashable key"
        read_plant_bytes(b"? [a]\n: 1\n", "p.yaml")


def test_malformed_files_become_field_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as failed:
        read_plant_bytes(b"regions:\n  - code: EU\n   name: x\n", "plant.yaml")
    assert (failed.value.errors[0].source, failed.value.errors[0].row) == ("plant.yaml", 3)
    with pytest.raises(ValidationFailed) as failed:
        read_plant_bytes(b'{"regions": [}', "plant.json")
    assert failed.value.errors[0].source == "plant.json"
    (tmp_path / "plant.csv").write_text("a,b\n")
    with pytest.raises(ValidationFailed):
        read_plant(tmp_path / "plant.csv")  # a CSV plant is a directory of files
