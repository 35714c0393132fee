"""Domain rules the record API enforces, over real HTTP, on both databases."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.builder import Plant
from tests.api.http import if_match, pointers, problem


@pytest.fixture
def plant(api: httpx.Client) -> Plant:
    return Plant(api)


def _item(plant: Plant, code: str, make_or_buy: str = "make") -> dict[str, Any]:
    return plant.create("items", code=code, make_or_buy=make_or_buy)


def _bom(plant: Plant, parent: dict[str, Any], *components: dict[str, Any]) -> httpx.Response:
    lines = [{"component_item_id": c["id"], "quantity_per": 1} for c in components]
    body = {"site_id": plant.site(), "code": plant.code("BOM"), "item_id": parent["id"]}
    return plant.client.post("/boms", json=body | {"lines": lines})


def test_bom_cycle_is_422_with_the_path(plant: Plant) -> None:
    a, b, c = (_item(plant, code) for code in ("A", "B", "C"))
    assert _bom(plant, a, b).status_code == 201
    assert _bom(plant, b, c).status_code == 201
    answer = problem(_bom(plant, c, a), 422)
    assert "A -> B -> C -> A" in answer["detail"] or "C -> A -> B -> C" in answer["detail"]
    assert "/lines/0/component_item_id" in pointers(answer)
    problem(_bom(plant, a, a), 422)  # an item made from itself
    assert plant.client.get("/boms").json()["total"] == 2


def test_bom_cycle_through_a_patch_is_refused_and_changes_nothing(plant: Plant) -> None:
    a, b = _item(plant, "A"), _item(plant, "B")
    first = _bom(plant, a, b).json()
    second = _bom(plant, b, _item(plant, "C")).json()
    lines = [{"component_item_id": a["id"], "quantity_per": 2}]
    url = f"/boms/{second['id']}"
    answer = problem(plant.client.patch(url, json={"lines": lines}, headers=if_match(1)), 422)
    assert "BOM cycle" in answer["detail"]
    assert plant.client.get(url).json() == second
    assert plant.client.get(f"/boms/{first['id']}").json() == first


def test_reference_to_another_sites_item_is_422(api: httpx.Client, plant: Plant) -> None:
    elsewhere = Plant(api)
    foreign = _item(elsewhere, "FOREIGN")
    own = _item(plant, "OWN")
    answer = problem(_bom(plant, own, foreign), 422)
    assert pointers(answer) == ["/lines/0/component_item_id"]
    assert "another site" in answer["detail"]
    answer = problem(_bom(plant, foreign, own), 422)
    assert "/item_id" in pointers(answer)
    patch = {
        "lines": [{"item_id": foreign["id"], "line_no": 1, "quantity": 1, "due_date": "2030-01-01"}]
    }
    order = plant.create("sales_orders")
    answer = problem(
        api.patch(f"/sales_orders/{order['id']}", json=patch, headers=if_match(1)), 422
    )
    assert pointers(answer) == ["/lines/0/item_id"]


@pytest.mark.parametrize("resource", ["boms", "routings"])
def test_a_bought_item_takes_no_bom_or_routing(plant: Plant, resource: str) -> None:
    bought = _item(plant, "BOUGHT", "buy")
    body = plant.payload(resource) | {"item_id": bought["id"]}
    answer = problem(plant.client.post(f"/{resource}", json=body), 422)
    assert pointers(answer) == ["/item_id"]
    assert "bought" in answer["detail"]
    assert plant.client.get(f"/{resource}").json()["total"] == 0


def test_an_item_with_a_bom_cannot_become_bought(plant: Plant) -> None:
    parent, component = _item(plant, "MADE"), _item(plant, "PART", "buy")
    assert _bom(plant, parent, component).status_code == 201
    path = f"/items/{parent['id']}"
    answer = problem(
        plant.client.patch(path, json={"make_or_buy": "buy"}, headers=if_match(1)), 422
    )
    assert pointers(answer) == ["/make_or_buy"]
    assert "has BOM" in answer["detail"]
    assert plant.client.get(path).json()["make_or_buy"] == "make"  # nothing changed


def test_reason_code_loss_category_must_fit_its_kind(plant: Plant) -> None:
    body = plant.payload("reason_codes") | {"kind": "scrap", "loss_category": "breakdown"}
    answer = problem(plant.client.post("/reason_codes", json=body), 422)
    assert "scrap" in answer["detail"]
    assert plant.client.post("/reason_codes", json=body | {"loss_category": "scrap"}).is_success
    downtime = plant.create("reason_codes", kind="downtime", loss_category="breakdown")
    url = f"/reason_codes/{downtime['id']}"
    problem(plant.client.patch(url, json={"kind": "rework"}, headers=if_match(1)), 422)
    both = {"kind": "rework", "loss_category": "rework"}
    assert plant.client.patch(url, json=both, headers=if_match(1)).status_code == 200


def test_calendar_exception_must_end_after_it_starts(plant: Plant) -> None:
    exception = {
        "kind": "closed",
        "starts_local": "2030-05-02T00:00",
        "ends_local": "2030-05-01T00:00",
    }
    body = plant.payload("calendars") | {"exceptions": [exception]}
    answer = problem(plant.client.post("/calendars", json=body), 422)
    assert pointers(answer) == ["/exceptions/0"]
    assert "ends_local must be after starts_local" in answer["detail"]
    aware = exception | {"starts_local": "2030-04-30T00:00:00+02:00"}
    problem(plant.client.post("/calendars", json=body | {"exceptions": [aware]}), 422)


def test_lot_size_rule_fixed_needs_lot_size_fixed(plant: Plant) -> None:
    body = plant.payload("items") | {"lot_size_rule": "fixed"}
    answer = problem(plant.client.post("/items", json=body), 422)
    assert "lot_size_fixed" in answer["detail"]
    assert pointers(answer) == [""]  # a rule across fields points at the whole record
    created = plant.client.post("/items", json=body | {"lot_size_fixed": 250})
    assert created.status_code == 201
    url = f"/items/{created.json()['id']}"
    problem(plant.client.patch(url, json={"lot_size_fixed": None}, headers=if_match(1)), 422)
    problem(
        plant.client.patch(url, json={"lot_size_min": 9, "lot_size_max": 3}, headers=if_match(1)),
        422,
    )
    assert plant.client.get(url).json() == created.json()


def test_period_order_quantity_needs_its_period(plant: Plant) -> None:
    body = plant.payload("items") | {"lot_size_rule": "period"}
    answer = problem(plant.client.post("/items", json=body), 422)
    assert "lot_size_rule 'period' needs lot_size_periods" in answer["detail"]
    answer = problem(plant.client.post("/items", json=body | {"lot_size_periods": 0}), 422)
    assert pointers(answer) == ["/lot_size_periods"]
    created = plant.client.post("/items", json=body | {"lot_size_periods": 5})
    assert created.status_code == 201 and created.json()["lot_size_periods"] == 5


def test_shift_times_are_local_and_fit_their_columns(plant: Plant) -> None:
    shift = {"name": "early", "weekday": "mon", "start_time": "06:00", "end_time": "14:00"}
    body = plant.payload("calendars") | {"shifts": [shift]}
    created = plant.client.post("/calendars", json=body)
    assert created.status_code == 201, created.text
    assert plant.client.get(created.headers["location"][7:]).json() == created.json()
    offset = {**shift, "start_time": "06:00:00+02:00"}
    answer = problem(plant.client.post("/calendars", json=body | {"shifts": [offset]}), 422)
    assert pointers(answer) == ["/shifts/0/start_time"]
    long_name = {**shift, "name": "n" * 201}  # schema and column both keep 200
    answer = problem(plant.client.post("/calendars", json=body | {"shifts": [long_name]}), 422)
    assert pointers(answer) == ["/shifts/0/name"]
