"""Plan runs, orders, pegging, policies and scenarios over real HTTP, on both databases; each
run done by a real worker process."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.scenarios.plant import bicycle_plant

DONE = {"succeeded", "failed", "cancelled"}


@pytest.fixture
def bikes(api: httpx.Client) -> int:
    """The bicycle plant (tests/scenarios/plant.py), its calendar as the planning calendar."""
    imported = api.post("/plant/import", json=bicycle_plant())
    assert imported.status_code == 201, imported.text
    site = api.get("/sites").json()["items"][0]["id"]
    calendar = api.get("/calendars").json()["items"][0]["id"]
    policy = api.put(f"/sites/{site}/planning_policy", json={"calendar_id": calendar})
    assert policy.status_code == 200, policy.text
    return int(site)


def run(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    """Start a run and follow it at its Location until it ends."""
    started = api.post("/plan_runs", json={"today": "2026-03-02", "schedule_seconds": 1} | body)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued"
    location = started.headers["Location"].removeprefix("/api/v1")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = api.get(location).json()
        if state["status"] in DONE:
            return dict(state)
        time.sleep(0.2)
    raise AssertionError(f"the run did not end: {state}")


def test_a_plan_run_proposes_schedules_and_pegs(api: httpx.Client, bikes: int) -> None:
    done = run(api, {"site_id": bikes})
    assert done["status"] == "succeeded", done
    summary = done["summary"]
    assert summary["production_orders"] == 4 and summary["purchase_orders"] == 3
    assert summary["on_time_delivery"] == 1.0 and summary["sales_order_lines"] == 2
    made = api.get("/production_orders", params={"site_id": bikes}).json()
    assert made["total"] == 4
    assert all(o["scheduled_start"] and o["late_seconds"] == 0 for o in made["items"])
    bought = {o["code"]: o for o in api.get("/purchase_orders").json()["items"]}
    tube = bought[f"PR-{done['id']}-00003"]
    # "which order is this tube for?": the second frame order, then the second bike order
    pegged = api.get(f"/purchase_orders/{tube['id']}/pegging").json()
    assert pegged == [
        {
            "kind": "sales_order_line",
            "demand": "SO-2/1",
            "quantity": "25.000000",  # what the last order of the chain gives the line
            "via": [tube["code"], f"MO-{done['id']}-00004", f"MO-{done['id']}-00002"],
        }
    ]
    messages = api.get(f"/plan_runs/{done['id']}/exceptions").json()
    assert [m["kind"] for m in messages] == ["past_due", "past_due", "below_safety_stock"]


def test_orders_move_through_their_statuses_and_refusals_name_the_moves(
    api: httpx.Client, bikes: int
) -> None:
    run(api, {"site_id": bikes})
    order = api.get("/production_orders").json()["items"][0]
    url = f"/production_orders/{order['id']}/status"
    released = api.post(url, json={"status": "released", "reason": "material is here"})
    # on the floor: ready to start, its operations where the plan put them
    assert released.status_code == 200 and released.json()["status"] == "ready"
    (step,) = api.get(f"/production_orders/{order['id']}/operations").json()
    assert step["status"] == "ready" and step["scheduled_start"] == order["scheduled_start"]
    start = {"idempotency_key": "plan-test-start", "kind": "operation_start",
             "order_operation_id": step["id"], "occurred_at": order["scheduled_start"]}  # fmt: skip
    assert api.post("/events", json=start).status_code == 201  # buffered: it occurred in March
    kept = api.get("/floor/schedule_adherence", params={"site_id": bikes}).json()
    assert (kept["scheduled"], kept["started"], kept["started_on_time"]) == (1, 1, 1)
    assert kept["median_start_delay_seconds"] == 0 and kept["furthest"][0]["id"] == step["id"]
    back = api.post(url, json={"status": "approved"})
    assert back.status_code == 409
    assert "cannot become approved (allowed: none)" in back.json()["detail"]
    assert api.post(url, json={"status": "done"}).status_code == 422
    history = api.get("/audit", params={"entity": "production_order"}).json()
    assert any(e["reason"] == "material is here" for e in history["items"])


def test_bad_requests_name_the_field_and_start_nothing(api: httpx.Client, bikes: int) -> None:
    bad = api.post("/plan_runs", json={"site_id": bikes, "horizon_days": 0})
    assert bad.status_code == 422 and "/horizon_days" in bad.text
    assert api.post("/plan_runs", json={"site_id": 999}).status_code == 404
    odd = api.post("/plan_runs", json={"site_id": bikes, "scenario_id": 999})
    assert odd.status_code == 422 and "scenario_id" in odd.text
    assert api.get("/plan_runs").json() == []
    finished = run(api, {"site_id": bikes})
    again = api.post(f"/plan_runs/{finished['id']}/cancel")
    assert again.status_code == 409 and "nothing to cancel" in again.json()["detail"]


def test_a_scenario_is_run_beside_the_plan_and_compared(api: httpx.Client, bikes: int) -> None:
    plan = run(api, {"site_id": bikes})
    rush = {"kind": "new_demand", "item": "BIKE", "quantity": 60, "due_date": "2026-03-04"}
    down = {
        "kind": "down",
        "work_center": "ASSY",
        "starts_at": "2026-03-02T00:00:00Z",
        "ends_at": "2026-03-07T00:00:00Z",
    }
    body = {
        "site_id": bikes,
        "code": "RUSH",
        "name": "Rush order, assembly down",
        "changes": [rush, down],
    }
    created = api.post("/scenarios", json=body)
    assert created.status_code == 201, created.text
    scenario = created.json()["id"]
    what_if = run(api, {"site_id": bikes, "scenario_id": scenario})
    assert what_if["status"] == "succeeded", what_if
    # the plan's own orders are untouched; the scenario's are its own
    assert api.get("/production_orders").json()["total"] == 4
    assert api.get("/production_orders", params={"scenario_id": scenario}).json()["total"] == 6
    compared = api.get(f"/scenarios/{scenario}/comparison").json()
    assert compared["plan_run_id"] == plan["id"] and compared["scenario_run_id"] == what_if["id"]
    figures = {f["figure"]: f for f in compared["figures"]}
    assert figures["on-time delivery"]["plan"] == 1.0
    assert figures["on-time delivery"]["scenario"] < 1.0  # the rush order is late
    assert figures["on-time delivery"]["better"] == "plan"
    assert figures["late orders"]["scenario"] > 0
    wrong = api.post(
        "/scenarios", json=body | {"code": "BAD", "changes": [{"kind": "down", "work_center": "X"}]}
    )
    assert wrong.status_code == 422 and "/changes/0" in wrong.text
    assert api.delete(f"/scenarios/{scenario}").status_code == 204
    assert api.get("/production_orders", params={"scenario_id": scenario}).json()["total"] == 0


def test_rough_cut_weighs_each_weeks_load_against_its_hours(api: httpx.Client, bikes: int) -> None:
    """Hours per order: 600 s setup + 300 s a piece. FRAME 40 (3.5 h) released Wed 4 and
    Mon 9 March on WELD; BIKE 30 (2 h 40) released Mon 9 and BIKE 25 (2 h 15) Fri 13 on
    ASSY. One 8-hour shift a day: 40 hours a week, 32 in the week of the holiday."""
    run(api, {"site_id": bikes})
    weeks = api.get(f"/sites/{bikes}/rough_cut", params={"first": "2026-03-04", "weeks": 2})
    assert weeks.status_code == 200, weeks.text
    table = {
        (w["work_center"], w["week"]): (w["load_hours"], w["available_hours"]) for w in weeks.json()
    }
    assert table == {
        ("ASSY", "2026-03-02"): (0.0, 40.0),
        ("ASSY", "2026-03-09"): (4.92, 32.0),
        ("WELD", "2026-03-02"): (3.5, 40.0),
        ("WELD", "2026-03-09"): (3.5, 32.0),
    }
    assert not any(w["overloaded"] for w in weeks.json())
    # a rush of 600 bikes for Fri 20th: 50 h of assembly released Wed 18, and its 15 frame
    # orders (52.5 h of welding) released three working days before, Fri 13: both flagged
    rush = {"kind": "new_demand", "item": "BIKE", "quantity": 600, "due_date": "2026-03-20"}
    body = {"site_id": bikes, "code": "BIG", "name": "Big order", "changes": [rush]}
    scenario = api.post("/scenarios", json=body).json()["id"]
    run(api, {"site_id": bikes, "scenario_id": scenario})
    loaded = api.get(
        f"/sites/{bikes}/rough_cut",
        params={"first": "2026-03-02", "weeks": 3, "scenario_id": scenario},
    ).json()
    over = [(w["work_center"], w["week"]) for w in loaded if w["overloaded"]]
    assert over == [("ASSY", "2026-03-16"), ("WELD", "2026-03-09")]
    assert api.get(f"/sites/{bikes}/rough_cut", params={"weeks": 53}).status_code == 422
