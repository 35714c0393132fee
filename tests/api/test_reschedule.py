"""Rescheduling after a disruption, over real HTTP and a real worker process, on both
databases: a welder down and a rush order. What has started stays, the firm order keeps what
it can, nothing runs on the welder while it is down, the floor's dispatch follows, and the
planner reads what moved and why."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.masterdata.models import Operation
from plantops.planning.models import ProductionOrder, ScheduledOperation
from tests.floor import Floor, approved_order

BERLIN = ZoneInfo("Europe/Berlin")
DONE = {"succeeded", "failed", "cancelled"}
DUE = "2026-12-31"


def next_monday() -> date:
    """A working day ahead of now, wherever the week is: the plan is made for it, so its
    slots are all in the future when the reschedule runs."""
    today = datetime.now(BERLIN).date()
    return today + timedelta(days=7 - today.weekday())


def follow(api: httpx.Client, started: httpx.Response) -> dict[str, Any]:
    assert started.status_code == 202, started.text
    location = started.headers["Location"].removeprefix("/api/v1")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = api.get(location).json()
        if state["status"] in DONE:
            assert state["status"] == "succeeded", state
            return dict(state)
        time.sleep(0.2)
    raise AssertionError(f"the run did not end: {state}")


def slots(factory: sessionmaker[Session]) -> dict[tuple[str, int], tuple[datetime, int]]:
    """(order code, sequence) -> (start, work center id) in the stored schedule."""
    with factory() as session:
        rows = session.execute(
            select(ProductionOrder.code, Operation.sequence, ScheduledOperation)
            .join(ScheduledOperation, ScheduledOperation.production_order_id == ProductionOrder.id)
            .join(Operation, Operation.id == ScheduledOperation.operation_id)
        ).all()
        return {
            (code, sequence): (op.starts_at.astimezone(UTC), op.work_center_id)
            for code, sequence, op in rows
        }


def test_a_welder_down_and_a_rush_order_are_rescheduled_around(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    api = floor.api
    orders = [approved_order(factory, quantity=10) for _ in range(4)]
    codes = {o: api.get(f"/production_orders/{o}").json()["code"] for o in orders}
    monday = next_monday()
    plan = api.post(
        "/plan_runs",
        json={"site_id": floor.site_id, "today": monday.isoformat(), "schedule_seconds": 1},
    )
    follow(api, plan)
    first, *_, firm = orders
    assert api.post(f"/production_orders/{firm}/status", json={"status": "firm"}).status_code == 200
    released = api.post(f"/production_orders/{first}/release", json={})
    assert released.status_code == 200, released.text
    cut, weld = api.get(f"/production_orders/{first}/operations").json()
    start = floor.send(
        "operation_start", order_operation_id=cut["id"], employee_id=floor.employee["E1"]
    )
    assert start.status_code == 201, start.text
    before = slots(factory)
    on_weld = [key for key, (_, center) in before.items() if center == floor.center["WELD"]]
    assert on_weld, before
    # the welder breaks down until after every weld the plan gave it
    until = max(before[key][0] for key in on_weld) + timedelta(hours=1)
    down = floor.send(
        "work_center_state", work_center_id=floor.center["WELD"], state="down",
        reason_code_id=floor.reason["BRK"],
    )  # fmt: skip
    assert down.status_code == 201, down.text
    body = {
        "site_id": floor.site_id,
        "reason": "WELD breakdown; rush frames for a customer",
        "down": [{"work_center_id": floor.center["WELD"], "until": until.isoformat()}],
        "rush": [{"item_id": floor.item["FRAME"], "quantity": 5, "due_date": monday.isoformat()}],
        "schedule_seconds": 2,
    }
    done = follow(api, api.post("/reschedules", json=body))
    assert done["kind"] == "reschedule" and done["disruption"]["down"][0]["work_center"] == "WELD"
    summary = done["summary"]
    after = slots(factory)
    now = datetime.now(UTC)

    # what has started stays: the cut of the released order, on the saw, from when it started
    started_at = datetime.fromisoformat(start.json()["occurred_at"]).astimezone(UTC)
    cut_at, cut_center = after[(codes[first], 10)]
    assert abs((cut_at - started_at).total_seconds()) < 1 and cut_center == floor.center["SAW"]
    # the firm order keeps its slots but where the welder is down; nothing runs there then
    for sequence in (10, 20):
        if (codes[firm], sequence) not in on_weld:
            assert after[(codes[firm], sequence)] == before[(codes[firm], sequence)]
    for (code, sequence), (at, center) in after.items():
        if center == floor.center["WELD"] and (code, sequence) != (codes[first], 10):
            assert at >= until, (code, sequence, at, until)
    # the rush order exists, approved, and is scheduled
    rush_code = f"RUSH-{done['id']}-001"
    assert (rush_code, 10) in after and (rush_code, 20) in after
    assert summary["rush_orders"] == [rush_code]

    moves = api.get(f"/plan_runs/{done['id']}/moves").json()
    by_op = {(m["order"], m["sequence"]): m for m in moves}
    assert by_op[(rush_code, 10)]["why"] == "added" and by_op[(rush_code, 10)]["from_start"] is None
    for key in on_weld:  # each operation the welder had moved, and says why
        assert by_op[key]["why"] == "down" and by_op[key]["from_work_center"] == "WELD", key
        assert "WELD down until" in by_op[key]["detail"]
    assert (codes[firm], 10) not in by_op  # kept
    assert (codes[first], 10) not in by_op  # started: it stays
    assert summary["moved"] >= len(on_weld) and summary["why"]["down"] == len(on_weld)
    # staying close: nothing moves further than the welder's outage, give or take the shift
    outage = (until - min(before[key][0] for key in on_weld)).total_seconds()
    for move in moves:
        if move["shift_minutes"] is not None:
            assert abs(move["shift_minutes"]) * 60 <= outage + 3600, move
    for move in moves:
        assert datetime.fromisoformat(move["to_start"]) >= now - timedelta(minutes=5) or (
            move["order"],
            move["sequence"],
        ) == (codes[first], 10)
    assert summary["unchanged"] == summary["operations"] - len(moves)

    # the floor follows: the released order's weld is dispatched where and when it now runs
    weld_now = api.get(f"/production_orders/{first}/operations").json()[1]
    center_of = {v: k for k, v in floor.center.items()}
    at, center = after[(codes[first], 20)]
    assert weld_now["work_center_id"] == center
    assert datetime.fromisoformat(weld_now["scheduled_start"]) == at
    listed = api.get(f"/work_centers/{center}/dispatch_list").json()
    assert weld["id"] in [line["operation"]["id"] for line in listed], center_of[center]


def test_bad_reschedules_name_the_field_and_queue_nothing(floor: Floor) -> None:
    api = floor.api
    soon = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    past = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    site = floor.site_id
    frame = floor.item["FRAME"]
    cases = [
        ({"down": [{"work_center_id": 999_999, "until": soon}]}, "/down/0/work_center_id"),
        ({"down": [{"work_center_id": floor.center["SAW"], "until": past}]}, "/down/0/until"),
        ({"rush": [{"item_id": 999_999, "quantity": 1, "due_date": DUE}]}, "/rush/0/item_id"),
        ({"rush": [{"item_id": frame, "quantity": 0, "due_date": DUE}]}, "/rush/0/quantity"),
        ({"rush": [{"item_id": frame, "quantity": 1, "due_date": "soon"}]}, "/rush/0/due_date"),
        ({"down": [{"work_center_id": floor.center["SAW"]}]}, "/down/0/until"),
        ({"surprise": 1}, "/surprise"),
    ]  # fmt: skip
    for extra, pointer in cases:
        answer = api.post("/reschedules", json={"site_id": site} | extra)
        assert answer.status_code == 422, (extra, answer.text)
        assert pointer in {e["pointer"] for e in answer.json()["errors"]}, answer.json()
    assert api.post("/reschedules", json={"site_id": 999_999}).status_code == 404
    # a work center the floor reports down must be said until when
    down = floor.send(
        "work_center_state", work_center_id=floor.center["WELD"], state="down",
        reason_code_id=floor.reason["BRK"],
    )  # fmt: skip
    assert down.status_code == 201, down.text
    answer = api.post("/reschedules", json={"site_id": site})
    assert answer.status_code == 422
    assert "WELD is down" in answer.json()["errors"][0]["detail"]
    assert api.get("/plan_runs").json() == []


def test_a_plan_run_for_today_starts_nothing_in_the_past_and_keeps_what_runs(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    api = floor.api
    first, second = (approved_order(factory, quantity=10) for _ in range(2))
    done_order = approved_order(factory, quantity=1)
    for order in (first, done_order):
        released = api.post(f"/production_orders/{order}/release", json={})
        assert released.status_code == 200, released.text
    cut = api.get(f"/production_orders/{first}/operations").json()[0]
    e1 = floor.employee["E1"]
    assert (
        floor.send("operation_start", order_operation_id=cut["id"], employee_id=e1).status_code
        == 201
    )
    small = api.get(f"/production_orders/{done_order}/operations").json()[0]
    for kind, extra in (("operation_start", {}), ("operation_complete", {"good": 1})):
        sent = floor.send(kind, order_operation_id=small["id"], employee_id=e1, **extra)
        assert sent.status_code == 201, sent.text
    asked = datetime.now(UTC)
    follow(api, api.post("/plan_runs", json={"site_id": floor.site_id, "schedule_seconds": 1}))
    after = slots(factory)
    codes = {
        o: api.get(f"/production_orders/{o}").json()["code"] for o in (first, second, done_order)
    }
    # the cut under way stays on the saw; nothing else is scheduled to start before the run
    at, center = after[(codes[first], 10)]
    assert center == floor.center["SAW"] and at >= asked - timedelta(seconds=1)
    for key, (start, _) in after.items():
        assert start >= asked - timedelta(seconds=1), key
    # the completed cut is not scheduled again: it keeps the slot release gave it (none here)
    assert (codes[done_order], 10) not in after and (codes[done_order], 20) in after
