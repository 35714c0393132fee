"""The demo plant generator: deterministic, valid against the API's rules row by row, and shaped
like a real discrete manufacturer (shared multi-level BOMs, alternatives, calendars...)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Table

from plantops.catalog import RESOURCES
from plantops.demo import build_plant, week_start
from plantops.demo.equipment import COLOURS
from plantops.masterdata.bom_graph import Bom, BomLine, explode, find_cycle
from plantops.resources.spec import ChildSpec
from plantops.types import LossCategory

START = date(2025, 4, 14)  # Holy Week: Good Friday and Easter Monday fall in the plan
SITES = ("DE-STR", "US-MKE", "CN-SUZ")
Row = dict[str, Any]


@pytest.fixture(scope="module")
def plant() -> dict[str, Any]:
    return build_plant(seed=1, scale=1, start=START)


def per_site(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["site"]].append(row)
    return grouped


class Resolver:
    """Maps document rows to create-schema input: `<x>` (a code) becomes `<x>_id` (an id), looked
    up among the records of the row's site when the target has a site, like the importer."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str | None], dict[str, int]] = defaultdict(dict)
        self.numbers = count(1)
        self.problems: list[str] = []

    def register(self, table: Table, site: str | None, code: str) -> None:
        self.ids[(table.name, site)][code] = next(self.numbers)

    def convert(self, row: Row, model: Any, schema: Any, children: tuple[ChildSpec, ...],
                site: str | None, where: str) -> Row:  # fmt: skip
        table: Table = model.__table__
        nested = {c.field: c for c in children}
        data: Row = {}
        allowed = set()
        for name in schema.model_fields:
            targets = (
                [fk.column.table for fk in table.c[name].foreign_keys] if name in table.c else []
            )
            key = name.removesuffix("_id") if name.endswith("_id") and targets else name
            allowed.add(key)
            if key not in row:
                continue
            if name in nested:
                child = nested[name]
                data[name] = [
                    self.convert(r, child.model, child.schema, child.children, site, f"{where}.{i}")
                    for i, r in enumerate(row[name])
                ]
            elif key != name:
                scope = site if "site_id" in targets[0].c else None
                ident = self.ids[(targets[0].name, scope)].get(row[key])
                if ident is None:
                    self.problems.append(f"{where}: {key} {row[key]!r} does not resolve")
                data[name] = ident or 1
            else:
                data[name] = row[key]
        if set(row) - allowed:
            self.problems.append(f"{where}: unknown fields {sorted(set(row) - allowed)}")
        return data


def validate(document: dict[str, Any]) -> list[str]:
    """Every row of every section against the catalog's create schema, in section order."""
    resolver = Resolver()
    for spec in RESOURCES:
        for index, row in enumerate(document[spec.name]):
            site = row.get("site")
            where = f"{spec.name}[{index}]"
            data = resolver.convert(row, spec.model, spec.create, spec.children, site, where)
            try:
                spec.create.model_validate(data)
            except ValidationError as error:
                resolver.problems.append(f"{where} {row.get('code')}: {error}")
            resolver.register(spec.table, site if spec.site_owned else None, row["code"])
    return resolver.problems


def test_the_same_seed_and_start_give_the_same_plant(plant: dict[str, Any]) -> None:
    again = build_plant(seed=1, scale=1, start=START)
    assert json.dumps(again, sort_keys=True) == json.dumps(plant, sort_keys=True)
    other = build_plant(seed=2, scale=1, start=START)
    assert other["items"] != plant["items"]
    assert other["routings"] != plant["routings"]


def test_only_dates_follow_the_start(plant: dict[str, Any]) -> None:
    later = build_plant(seed=1, scale=1, start=START + timedelta(weeks=5))
    for section in ("items", "routings", "skills", "customers", "reason_codes"):
        assert later[section] == plant[section], section

    def undated(people: list[Row]) -> list[Row]:
        return [p | {"skills": [s | {"certified_until": 0} for s in p["skills"]]} for p in people]

    assert undated(later["employees"]) == undated(plant["employees"])
    assert later["sales_orders"] != plant["sales_orders"]


def test_the_plan_starts_on_this_weeks_monday() -> None:
    assert week_start(date(2025, 4, 17)) == date(2025, 4, 14)
    assert week_start(date(2025, 4, 14)) == date(2025, 4, 14)
    assert week_start().weekday() == 0
    document = build_plant()
    due = [line["due_date"] for order in document["sales_orders"] for line in order["lines"]]
    assert min(due) >= week_start().isoformat()


def test_the_whole_document_validates_against_the_api_rules(plant: dict[str, Any]) -> None:
    assert plant["format"] == "plantops-plant" and plant["format_version"] == 1
    assert validate(plant) == []
    assert validate(build_plant(seed=7, scale=2, start=date(2026, 12, 21))) == []


def test_sizes_at_scale_1(plant: dict[str, Any]) -> None:
    assert len(plant["regions"]) == 2
    assert [s["code"] for s in plant["sites"]] == list(SITES)
    assert len({s["time_zone"] for s in plant["sites"]}) == 3
    assert len({s["currency"] for s in plant["sites"]}) == 3
    for site in SITES:
        items = per_site(plant["items"])[site]
        assert len(per_site(plant["areas"])[site]) == 3
        assert 12 <= len(per_site(plant["work_centers"])[site]) <= 20
        assert 70 <= len(items) <= 110
        assert 10 <= sum(i["item_type"] == "finished_good" for i in items) <= 15
        assert 38 <= len(per_site(plant["employees"])[site]) <= 42
        assert len(per_site(plant["customers"])[site]) == 12
        assert len(per_site(plant["sales_orders"])[site]) >= 50
        assert {i["lot_size_rule"] for i in items} == {"lot_for_lot", "fixed", "min_max_multiple"}


def _boms(plant: dict[str, Any], site: str) -> dict[str, Bom]:
    return {
        b["item"]: Bom(
            b["item"],
            Decimal(str(b["quantity"])),
            tuple(
                BomLine(
                    line["component_item"],
                    Decimal(str(line["quantity_per"])),
                    Decimal(str(line.get("scrap_factor", 0))),
                    date.fromisoformat(line["valid_from"]) if "valid_from" in line else None,
                    date.fromisoformat(line["valid_to"]) if "valid_to" in line else None,
                )
                for line in b["lines"]
            ),
        )
        for b in per_site(plant["boms"])[site]
    }


def test_boms_are_acyclic_and_finished_goods_have_three_or_four_levels(
    plant: dict[str, Any],
) -> None:
    for site in SITES:
        boms = _boms(plant, site)
        assert (
            find_cycle({item: [line.component for line in bom.lines] for item, bom in boms.items()})
            is None
        )
        finished = [
            i["code"] for i in per_site(plant["items"])[site] if i["item_type"] == "finished_good"
        ]
        depths = [max(r.level for r in explode(boms, fg, Decimal(1), START)) for fg in finished]
        assert set(depths) <= {3, 4} and set(depths) == {3, 4}, depths


def test_components_and_sub_assemblies_are_shared(plant: dict[str, Any]) -> None:
    for site in SITES:
        parents: Counter[str] = Counter()
        for bom in per_site(plant["boms"])[site]:
            parents.update({line["component_item"] for line in bom["lines"]})
        shared = {code for code, n in parents.items() if n > 1}
        assert any(code.startswith("SA-") for code in shared)
        assert any(code.startswith("MP-") for code in shared)
        assert any(code.startswith("PP-") for code in shared)


def test_every_made_item_has_a_routing_on_its_sites_work_centers(plant: dict[str, Any]) -> None:
    for site in SITES:
        made = {i["code"] for i in per_site(plant["items"])[site] if i["make_or_buy"] == "make"}
        routings = per_site(plant["routings"])[site]
        centers = {w["code"] for w in per_site(plant["work_centers"])[site]}
        assert {r["item"] for r in routings} == made
        assert {b["item"] for b in per_site(plant["boms"])[site]} == made
        operations = [op for r in routings for op in r["operations"]]
        assert all(2 <= len(r["operations"]) <= 6 for r in routings)
        assert all(alt["work_center"] in centers for op in operations for alt in op["alternatives"])
        assert any(op.get("overlap", 1) < 1 for op in operations)
        several = [op["alternatives"] for op in operations if len(op["alternatives"]) > 1]
        assert several and all(
            len({a["run_seconds_per_unit"] for a in alts}) > 1 for alts in several
        )
        assert {op["crew_size"] for op in operations} == {1, 2}


def test_work_centers_have_parallel_capacity_changeovers_and_maintenance(
    plant: dict[str, Any],
) -> None:
    centers = plant["work_centers"]
    names = {w["name"] for w in centers}
    assert "CNC mill 1" in names and "Laser cutter 1" in names
    assert any(w["parallel_capacity"] > 1 for w in centers)
    assert {w["kind"] for w in centers} == {"machine", "line", "manual_station"}
    windows = [d for w in centers for d in w["downtime_windows"]]
    assert len(windows) >= 6
    for window in windows:
        begins = datetime.fromisoformat(window["starts_at"])
        assert begins.utcoffset() == timedelta(0)
        assert START <= begins.date() <= START + timedelta(weeks=7)
    paint = next(w for w in centers if w["code"].startswith("PC-"))
    times = {
        (t["from_family"], t["to_family"]): t["changeover_seconds"] for t in paint["setup_matrix"]
    }
    order = list(COLOURS)
    for (before, after), seconds in times.items():
        if order.index(before) < order.index(after):  # light to dark
            assert seconds < times[(after, before)]


def test_calendars_close_on_holidays_and_open_one_saturday(plant: dict[str, Any]) -> None:
    expected = {
        "DE-STR": ("2025-04-18T00:00:00", "Good Friday"),
        "US-MKE": ("2025-05-26T00:00:00", "Memorial Day"),
        "CN-SUZ": ("2025-05-01T00:00:00", "Labour Day"),
    }
    for site, (starts, name) in expected.items():
        calendars = {c["code"]: c for c in per_site(plant["calendars"])[site]}
        assert set(calendars) == {"3-SHIFT", "2-SHIFT", "DAY", "EARLY", "LATE", "NIGHT"}
        assert len(calendars["3-SHIFT"]["shifts"]) == 15
        for calendar in calendars.values():
            closed = {
                (e["starts_local"], e["name"])
                for e in calendar["exceptions"]
                if e["kind"] == "closed"
            }
            assert (starts, name) in closed
        extra = [e for e in calendars["2-SHIFT"]["exceptions"] if e["kind"] == "open"]
        assert len(extra) == 1 and datetime.fromisoformat(extra[0]["starts_local"]).weekday() == 5


def test_reason_codes_cover_every_loss_category(plant: dict[str, Any]) -> None:
    for site in SITES:
        reasons = per_site(plant["reason_codes"])[site]
        assert {r["loss_category"] for r in reasons} == set(LossCategory)
        assert {r["kind"] for r in reasons} == {"downtime", "scrap", "rework"}


def test_employees_have_skills_shifts_and_expiring_certificates(plant: dict[str, Any]) -> None:
    for site in SITES:
        people = per_site(plant["employees"])[site]
        held = [s for p in people for s in p["skills"]]
        assert {s["level"] for s in held} == {1, 2, 3, 4}
        soon = [
            s
            for s in held
            if "certified_until" in s
            and s["certified_until"] <= (START + timedelta(days=30)).isoformat()
        ]
        assert len(soon) >= 2
        assert {p["shift_calendar"] for p in people} >= {"EARLY", "LATE", "NIGHT"}
        assert all(p["hourly_cost"] > 0 for p in people)
        needed = {op["skill"] for r in per_site(plant["routings"])[site] for op in r["operations"]}
        assert needed <= {s["skill"] for s in held}
        assert len({p["name"] for p in people}) == len(people)


def test_sales_orders_spread_over_six_weeks(plant: dict[str, Any]) -> None:
    lines = [line for order in plant["sales_orders"] for line in order["lines"]]
    due = [date.fromisoformat(line["due_date"]) for line in lines]
    assert min(due) >= START and max(due) < START + timedelta(weeks=6)
    assert len({(d - START).days // 7 for d in due}) == 6
    assert all(d.weekday() < 5 for d in due)
    assert len({line.get("priority", 3) for line in lines}) >= 4
    finished = {i["code"] for i in plant["items"] if i["item_type"] == "finished_good"}
    assert sum(line["item"] in finished for line in lines) > 0.8 * len(lines)


@pytest.mark.slow
def test_scale_200_is_sized_by_the_rule() -> None:
    # How fast it is, is measured by benchmarks/import_export.py, not here: a shared machine
    # makes any time limit in a test either loose or flaky.
    document = build_plant(seed=1, scale=200, start=START)
    items, centers = len(document["items"]), len(document["work_centers"])
    # rule: about 75 items per product range and site, 2 work centers more per 3 scale steps
    assert 0.9 * 75 * 200 * 3 <= items <= 1.1 * 75 * 200 * 3, items
    assert 3 * (14 + 133) <= centers <= 3 * (20 + 133), centers
    for site in SITES:
        edges: dict[str, list[str]] = defaultdict(list)
        for bom in per_site(document["boms"])[site]:
            edges[bom["item"]].extend(line["component_item"] for line in bom["lines"])
        assert find_cycle(edges) is None
