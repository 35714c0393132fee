"""Importing and exporting whole plants, on both databases: round trips through every format,
all-or-nothing validation with every problem located, cycles, sites and conflicts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from plantops.access.caller import SYSTEM, Caller
from plantops.access.roles import Role
from plantops.access.scope import Scope
from plantops.cli.main import app
from plantops.config import settings
from plantops.errors import FieldError, ValidationFailed
from plantops.integration.document import BY_NAME
from plantops.integration.files import FORMATS, read_plant, write_plant
from plantops.integration.service import export_plant, import_file, import_plant
from plantops.storage.engine import unit_of_work

_PLANT: dict[str, Any] = {
    "format": "plantops-plant",
    "format_version": 1,
    "regions": [{"code": "EU", "name": "Europe"}],
    "sites": [
        {"code": "B1", "name": "Berlin", "region": "EU", "time_zone": "Europe/Berlin",
         "currency": "EUR"},
        {"code": "L1", "name": "Lyon", "region": "EU", "time_zone": "Europe/Paris",
         "currency": "EUR"},
    ],
    "areas": [{"site": "B1", "code": "A1", "name": "Assembly"}],
    "calendars": [
        {"site": "B1", "code": "2S", "name": "Two shifts",
         "shifts": [
             {"name": "early", "weekday": "mon", "start_time": "06:00:00", "end_time": "14:00:00"},
             {"name": "night", "weekday": "fri", "start_time": "22:00:00", "end_time": "06:00:00"},
         ],
         "exceptions": [{"kind": "closed", "starts_local": "2025-12-24T00:00:00",
                         "ends_local": "2025-12-27T00:00:00", "name": "Christmas"}]},
    ],
    "skills": [{"site": "B1", "code": "WELD", "name": "Welding"}],
    "work_centers": [
        {"site": "B1", "code": "WC1", "name": "Press", "kind": "machine", "area": "A1",
         "calendar": "2S", "parallel_capacity": 2, "cost_rate_per_hour": 85.5,
         "setup_matrix": [{"from_family": "F1", "to_family": "F2", "changeover_seconds": 900}],
         "downtime_windows": [{"starts_at": "2025-03-01T06:00:00+00:00",
                               "ends_at": "2025-03-01T10:00:00+00:00", "reason": "service"}]},
        {"site": "B1", "code": "WC2", "name": "Bench", "kind": "manual_station", "area": "A1",
         "calendar": "2S"},
    ],
    "items": [
        {"site": "B1", "code": "FG1", "name": "Bike", "item_type": "finished_good",
         "make_or_buy": "make", "uom": "pc", "standard_cost": 120.25, "lot_size_rule": "fixed",
         "lot_size_fixed": 50},
        {"site": "B1", "code": "SA1", "name": "Frame", "item_type": "manufactured_part",
         "make_or_buy": "make", "uom": "pc"},
        {"site": "B1", "code": "RM1", "name": "=Tube, \"steel\"", "item_type": "raw_material",
         "make_or_buy": "buy", "uom": "m", "lead_time_days": 5, "safety_stock": 100.5},
        {"site": "L1", "code": "0042", "name": "Paint ü", "item_type": "raw_material",
         "make_or_buy": "buy", "uom": "l"},
    ],
    "boms": [
        {"site": "B1", "code": "B-FG1", "item": "FG1", "valid_from": "2025-01-01",
         "lines": [{"component_item": "SA1", "quantity_per": 1},
                   {"component_item": "RM1", "quantity_per": 0.5, "scrap_factor": 0.02,
                    "valid_to": "2026-01-31"}]},
        {"site": "B1", "code": "B-SA1", "item": "SA1", "quantity": 2,
         "lines": [{"component_item": "RM1", "quantity_per": 2.25}]},
    ],
    "routings": [
        {"site": "B1", "code": "R-FG1", "item": "FG1", "operations": [
            {"sequence": 10, "name": "Weld", "setup_family": "F1", "skill": "WELD",
             "crew_size": 2, "overlap": 0.5, "alternatives": [
                 {"work_center": "WC1", "setup_seconds": 600, "run_seconds_per_unit": 42.5},
                 {"work_center": "WC2", "run_seconds_per_unit": 90, "preference": 2}]},
            {"sequence": 20, "name": "Pack",
             "alternatives": [{"work_center": "WC2", "run_seconds_per_unit": 30}]},
        ]},
    ],
    "reason_codes": [{"site": "B1", "code": "BRK", "name": "Breakdown", "kind": "downtime",
                      "loss_category": "breakdown"}],
    "locations": [{"site": "B1", "code": "STORE", "name": "Main store"}],
    "employees": [
        {"site": "B1", "code": "E001", "name": "Ada", "shift_calendar": "2S", "hourly_cost": 31.5,
         "skills": [{"skill": "WELD", "level": 3, "certified_until": "2026-06-30"}]},
    ],
    "customers": [{"site": "B1", "code": "C1", "name": "Velo GmbH"}],
    "sales_orders": [
        {"site": "B1", "code": "SO1", "customer": "C1", "lines": [
            {"line_no": 1, "item": "FG1", "quantity": 10, "due_date": "2025-04-01", "priority": 1},
            {"line_no": 2, "item": "FG1", "quantity": 5, "due_date": "2025-05-01"}]},
    ],
}  # fmt: skip


def plant() -> dict[str, Any]:
    """A small plant with every section and every child level (a fresh copy)."""
    return copy.deepcopy(_PLANT)


def _import(
    sessions: sessionmaker[Session], document: Any, caller: Caller = SYSTEM
) -> dict[str, int]:
    with unit_of_work(sessions) as session:
        return import_plant(session, caller, document)


def _export(sessions: sessionmaker[Session], **options: Any) -> dict[str, Any]:
    with unit_of_work(sessions) as session:
        return export_plant(session, SYSTEM, **options)


def _problems(sessions: sessionmaker[Session], document: Any) -> set[tuple[Any, ...]]:
    with pytest.raises(ValidationFailed) as failed:
        _import(sessions, document)
    return {(e.source, e.row, e.location) for e in failed.value.errors}


def _rows(sessions: sessionmaker[Session]) -> int:
    with unit_of_work(sessions) as session:
        return sum(
            session.scalar(select(func.count()).select_from(level.table)) or 0
            for level in BY_NAME.values()
        )


def test_the_sample_covers_every_section_and_child_level() -> None:
    document = plant()

    def covered(records: list[dict[str, Any]], level: Any) -> None:
        assert records, level.name
        for child in level.children:
            covered([r for record in records for r in record.get(child.field, [])], child)

    for name, level in BY_NAME.items():
        if "." not in name:
            covered(document[name], level)


@pytest.mark.parametrize("kind", FORMATS)
def test_round_trip_gives_the_same_plant_and_the_same_bytes(
    sessions: sessionmaker[Session], tmp_path: Path, kind: str
) -> None:
    """Export, import the files into an empty database, export again: identical files."""
    with sessions() as session:  # rolled back: the database is empty again afterwards
        counts = import_plant(session, SYSTEM, plant())
        first = export_plant(session, SYSTEM)
        session.rollback()
    assert counts["routings.operations.alternatives"] == 3 and counts["boms.lines"] == 3
    written = write_plant(first, tmp_path / "first", kind)
    with unit_of_work(sessions) as session:
        import_file(
            session, SYSTEM, read_plant(written[0] if kind != "csv" else tmp_path / "first")
        )
    second = _export(sessions)
    assert second == first
    again = write_plant(second, tmp_path / "second", kind)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]
    assert first["items"][1]["name"] == '=Tube, "steel"' and first["items"][3]["code"] == "0042"


def test_xlsx_round_trip_keeps_values_a_spreadsheet_could_mistake(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """Number-like codes, decimals, a float that needs 17 digits, local and UTC instants and
    markup-like names come back from the database through XLSX exactly."""
    document = plant()
    document["items"] += [
        {"site": "L1", "code": "00123", "name": "<r>x</r>", "item_type": "raw_material",
         "make_or_buy": "buy", "uom": "kg", "standard_cost": 1234.5678, "safety_stock": 0.1},
        {"site": "L1", "code": "1E3", "name": "_x0041_ & <b>", "item_type": "raw_material",
         "make_or_buy": "buy", "uom": "kg", "lot_size_rule": "fixed", "lot_size_fixed": 12},
    ]  # fmt: skip
    alternative = document["routings"][0]["operations"][0]["alternatives"][0]
    alternative["run_seconds_per_unit"] = 0.1 + 0.2  # 0.30000000000000004, a float column
    with sessions() as session:  # rolled back: the database is empty again afterwards
        import_plant(session, SYSTEM, document)
        first = export_plant(session, SYSTEM)
        session.rollback()
    written = write_plant(first, tmp_path / "first", "xlsx")
    with unit_of_work(sessions) as session:
        import_file(session, SYSTEM, read_plant(written[0]))
    second = _export(sessions)
    assert second == first
    assert (
        write_plant(second, tmp_path / "second", "xlsx")[0].read_bytes() == written[0].read_bytes()
    )
    lyon = {i["code"]: i for i in second["items"] if i["site"] == "L1"}
    assert lyon["00123"]["name"] == "<r>x</r>" and lyon["1E3"]["name"] == "_x0041_ & <b>"
    assert lyon["00123"]["standard_cost"] == 1234.5678 and lyon["00123"]["safety_stock"] == 0.1
    run = second["routings"][0]["operations"][0]["alternatives"][0]["run_seconds_per_unit"]
    assert run == 0.30000000000000004
    calendar, press = second["calendars"][0], second["work_centers"][0]
    assert calendar["exceptions"][0]["starts_local"] == "2025-12-24T00:00:00"
    assert press["downtime_windows"][0]["starts_at"] == "2025-03-01T06:00:00+00:00"


def test_export_is_sorted_and_fills_defaults(sessions: sessionmaker[Session]) -> None:
    _import(sessions, plant())
    document = _export(sessions)
    assert [(i["site"], i["code"]) for i in document["items"]] == [
        ("B1", "FG1"), ("B1", "RM1"), ("B1", "SA1"), ("L1", "0042")
    ]  # fmt: skip
    bench = document["work_centers"][1]
    assert bench["parallel_capacity"] == 1 and bench["setup_matrix"] == []
    assert "lot_size_min" not in document["items"][0]  # empty optional fields are left out
    assert document["calendars"][0]["shifts"][1]["end_time"] == "06:00:00"


def test_every_problem_in_every_section_is_reported_and_nothing_written(
    sessions: sessionmaker[Session],
) -> None:
    document = plant()
    document["widgets"] = []
    document["items"][1]["code"] = "FG1"  # twice at the same site
    document["items"][2]["standard_cost"] = "cheap"
    document["items"][2]["colour"] = "red"
    document["boms"][0]["lines"][0]["component_item"] = "NOPE"
    document["routings"][0]["operations"][0]["alternatives"][0]["work_center"] = "WC9"
    document["employees"][0]["site"] = "ZZ"
    document["sales_orders"][0]["lines"][1]["line_no"] = 1
    document["customers"][0]["name"] = "x" * 201
    document["sites"][1]["time_zone"] = "America"  # a directory of the zone database
    problems = _problems(sessions, document)
    assert problems >= {
        ("widgets", None, ()),
        ("items", 2, ("code",)),
        ("items", 3, ("standard_cost",)),
        ("items", 3, ("colour",)),
        ("boms", 1, ("lines", 0, "component_item")),
        ("boms", 2, ("item",)),  # SA1 is no longer defined
        ("routings", 1, ("operations", 0, "alternatives", 0, "work_center")),
        ("employees", 1, ("site",)),
        ("sales_orders", 1, ()),
        ("customers", 1, ("name",)),
    }
    assert ("sites", 2) in {(source, row) for source, row, _ in problems}
    assert _rows(sessions) == 0


def test_bom_cycles_are_reported_on_the_lines_that_close_them(
    sessions: sessionmaker[Session],
) -> None:
    document = plant()
    document["boms"][1]["lines"].append({"component_item": "FG1", "quantity_per": 1})
    problems = _problems(sessions, document)
    assert problems == {("boms", 1, ("lines", 0, "component_item")),
                        ("boms", 2, ("lines", 1, "component_item"))}  # fmt: skip
    _import(sessions, plant())
    closing = {"boms": [{"site": "B1", "code": "B-RM1", "item": "SA1",
                         "lines": [{"component_item": "FG1", "quantity_per": 1}]}]}  # fmt: skip
    with pytest.raises(ValidationFailed) as failed:  # with a BOM already in the database
        _import(sessions, closing)
    assert [e.message for e in failed.value.errors] == ["BOM cycle: SA1 -> FG1 -> SA1"]


def test_only_made_items_take_a_bom_or_a_routing(sessions: sessionmaker[Session]) -> None:
    document = plant()
    document["items"][1]["make_or_buy"] = "buy"  # SA1, which has a BOM
    document["routings"][0]["item"] = "SA1"
    with pytest.raises(ValidationFailed) as failed:
        _import(sessions, document)
    messages = {(e.source, e.message) for e in failed.value.errors}
    assert messages == {
        ("boms", "item SA1 is bought, not made: it takes no BOM"),
        ("routings", "item SA1 is bought, not made: it takes no routing"),
    }


def test_a_reference_to_another_sites_item_is_refused(sessions: sessionmaker[Session]) -> None:
    document = plant()
    document["boms"][1]["lines"][0]["component_item"] = "0042"  # an item of L1, not B1
    with pytest.raises(ValidationFailed) as failed:
        _import(sessions, document)
    [error] = failed.value.errors
    assert error == FieldError(
        ("lines", 0, "component_item"), "item '0042' does not exist at site 'B1'", "boms", 2
    )


def test_existing_records_are_conflicts_and_references_to_them_resolve(
    sessions: sessionmaker[Session],
) -> None:
    _import(sessions, plant())
    before = _rows(sessions)
    again = {"items": [plant()["items"][0]]}
    assert _problems(sessions, again) == {("items", 1, ("code",))}
    more = {
        "items": [{"site": "L1", "code": "FG9", "name": "Cart", "item_type": "finished_good",
                   "make_or_buy": "make", "uom": "pc"}],
        "boms": [{"site": "L1", "code": "B-FG9", "item": "FG9",
                  "lines": [{"component_item": "0042", "quantity_per": 3}]}],
    }  # fmt: skip
    counts = _import(sessions, more)  # "0042" is in the database already
    assert counts["items"] == 1 and counts["boms.lines"] == 1
    assert _rows(sessions) == before + 3


def test_a_scoped_user_cannot_create_sites(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ValidationFailed) as failed:
        _import(sessions, plant(), Caller(7, "planner", Role.director, Scope(frozenset({1}))))
    problems = {(e.source, e.row) for e in failed.value.errors}
    assert {("regions", 1), ("sites", 1), ("sites", 2)} <= problems


def test_export_of_one_site_brings_its_region_only(sessions: sessionmaker[Session]) -> None:
    document = plant()
    document["regions"].append({"code": "NA", "name": "North America"})
    _import(sessions, document)
    lyon = _export(sessions, site_codes=["L1"])
    assert [r["code"] for r in lyon["regions"]] == ["EU"]
    assert [i["code"] for i in lyon["items"]] == ["0042"] and lyon["boms"] == []
    assert len(_export(sessions)["regions"]) == 2
    with pytest.raises(ValidationFailed):
        _export(sessions, site_codes=["XX"])


def test_tabular_problems_point_at_files_rows_and_columns(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    write_plant(plant_exported(sessions), tmp_path, "csv")
    lines = tmp_path / "boms.lines.csv"
    rows = lines.read_text().splitlines()
    rows[2] = rows[2].replace("0.5", "half")  # the 2nd data row: not a number
    rows.append("B1,B-NONE,RM1,1,,,")  # no such BOM in boms.csv
    lines.write_text("\n".join(rows) + "\n")
    items = tmp_path / "items.csv"
    items.write_text(items.read_text().replace("uom", "unit", 1))
    with pytest.raises(ValidationFailed) as failed, unit_of_work(sessions) as session:
        import_file(session, SYSTEM, read_plant(tmp_path))
    found = {(e.source, e.row, e.location) for e in failed.value.errors}
    assert {
        ("items.csv", None, ("unit",)),
        ("boms.lines.csv", 2, ("quantity_per",)),
        ("boms.lines.csv", 4, ("bom",)),
    } <= found
    assert _rows(sessions) == 0


def plant_exported(sessions: sessionmaker[Session]) -> dict[str, Any]:
    """The sample as exported (defaults filled in), leaving the database empty."""
    with sessions() as session:
        import_plant(session, SYSTEM, plant())
        document = export_plant(session, SYSTEM)
        session.rollback()
    return document


def test_cli_imports_exports_and_lists_problems(configured: Engine, tmp_path: Path) -> None:
    runner = CliRunner()
    source = write_plant(plant(), tmp_path / "in", "json")[0]
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", str(tmp_path / "out"), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "plant.xlsx").exists()
    result = runner.invoke(app, ["import", str(source)])  # everything exists already now
    output = " ".join(result.output.split())  # as if not wrapped at the terminal's width
    assert result.exit_code == 1
    assert "items:1: code: item 'FG1' already exists at site 'B1'" in output
    assert "(20 problem(s))" in output  # one per record
    result = runner.invoke(app, ["import", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1 and "does not exist" in " ".join(result.output.split())


def test_cli_imports_into_a_new_database_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plantops import` on a fresh machine: the database file does not exist yet."""

    def run(database: str, *args: str) -> None:
        monkeypatch.setenv("PLANTOPS_DATABASE_URL", f"sqlite:///{tmp_path / database}")
        settings.cache_clear()
        result = CliRunner().invoke(app, list(args))
        assert result.exit_code == 0, result.output

    try:
        source = write_plant(plant(), tmp_path / "in", "yaml")[0]
        run("first.db", "import", str(source))
        run("first.db", "export", str(tmp_path / "a"))
        run("second.db", "import", str(tmp_path / "a" / "plant.yaml"))
        run("second.db", "export", str(tmp_path / "b"))
        exported = (tmp_path / "a" / "plant.yaml").read_bytes()
        assert b"code: FG1" in exported
        assert (tmp_path / "b" / "plant.yaml").read_bytes() == exported
    finally:
        settings.cache_clear()


def test_an_import_leaves_one_audit_record_per_imported_record(
    sessions: sessionmaker[Session],
) -> None:
    from plantops.access import audit
    from plantops.access.models import AuditRecord

    document = plant()
    planner = Caller(7, "planner", Role.director, Scope())
    _import(sessions, document, planner)
    with unit_of_work(sessions) as session:
        records = list(session.scalars(select(AuditRecord).order_by(AuditRecord.id)))
        assert audit.verify(session).intact
    sections = [name for name in BY_NAME if "." not in name and document.get(name)]
    for name in sections:
        mine = [r for r in records if r.entity == name]
        assert len(mine) == len(document[name]), name
    assert {(r.action, r.username, r.reason) for r in records} == {
        ("create", "planner", "plant file import")
    }
    bom = next(r for r in records if r.entity == "boms")
    lines = audit.json.loads(bom.new or "")["lines"]
    assert len(lines) == len(document["boms"][0]["lines"]) and lines[0]["quantity_per"] == 1
