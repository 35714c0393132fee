"""The authorization matrix's rules for the floor (test_authorization_matrix.py): per site, an
order released onto the floor, its operation started, the work center running and an
employee clocked in there, every event's note carrying the site's canary."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.roles import Action, Domain, Role, allowed
from plantops.planning.models import ProductionOrder
from plantops.types import OrderStatus

KEYS = itertools.count(1)
Found = tuple[str, str, set[int], Any, dict[str, Any] | None]  # method, url, expected, body, params


def is_floor(path: str) -> bool:
    """The floor's and stock's endpoints."""
    return path.startswith(
        ("/api/v1/events", "/api/v1/floor/", "/api/v1/stock", "/api/v1/lots")
    ) or path.endswith(
        ("/release", "/operations", "/dispatch_list", "/material", "/inventory_policy")
    )


@dataclass
class OnTheFloor:
    order: int
    operation: int
    work_center: int
    employee: int
    item: int
    canary: str
    location: int
    lot: int


def approved_order(sessions: sessionmaker[Session], site_id: int, item_id: int, code: str) -> int:
    with sessions.begin() as session:
        order = ProductionOrder(
            site_id=site_id, code=code, item_id=item_id, quantity=Decimal(10_000),
            status=OrderStatus.approved, release_date=date(2030, 1, 7),
            due_date=date(2030, 1, 9), priority=3,
        )  # fmt: skip
        session.add(order)
        session.flush()
        return order.id


def event(kind: str, canary: str, **fields: Any) -> dict[str, Any]:
    return {
        "idempotency_key": f"matrix-{next(KEYS)}", "kind": kind,
        "occurred_at": datetime.now(UTC).isoformat(), "note": f"{canary} note", **fields,
    }  # fmt: skip


def floor_site(
    sessions: sessionmaker[Session],
    admin: httpx.Client,
    site_id: int,
    canary: str,
    records: dict[str, dict[str, Any]],
) -> OnTheFloor:
    """`records`: the site's canary records by resource (routings, employees, locations)."""
    item = int(records["routings"]["item_id"])
    order = approved_order(sessions, site_id, item, f"{canary}-FLOOR-{next(KEYS)}")
    assert admin.post(f"/production_orders/{order}/release", json={}).status_code == 200
    (operation, *_) = admin.get(f"/production_orders/{order}/operations").json()
    center, employee = operation["work_center_id"], records["employees"]["id"]
    for body in (
        event("operation_start", canary, order_operation_id=operation["id"]),
        event("work_center_state", canary, work_center_id=center, state="running"),
        event("clock_in", canary, employee_id=employee, work_center_id=center),
    ):
        answer = admin.post("/events", json=body)
        assert answer.status_code == 201, answer.text
    location = records["locations"]["id"]
    receipt = event("receipt", canary) | {
        "item_id": item, "location_id": location, "quantity": 5, "lot": f"{canary}-LOT",
        "reason": f"{canary} delivery",
    }  # fmt: skip
    receipt.pop("note")
    answer = admin.post("/stock_moves", json=receipt)
    assert answer.status_code == 201, answer.text
    lot = answer.json()["moves"][0]["lot_id"]
    return OnTheFloor(order, operation["id"], center, employee, item, canary, location, lot)


def floor_cases(
    role: Role,
    method: str,
    path: str,
    sites: dict[str, tuple[int, bool, OnTheFloor]],
    fresh_order: Callable[[str], int],
) -> list[Found]:
    """`sites`: letter -> (site id, visible to the role, what is on its floor)."""
    stock = {a: allowed(role, Domain.inventory, a) for a in Action}
    if path.startswith(("/api/v1/stock", "/api/v1/lots")) or path.endswith(
        ("/material", "/inventory_policy")
    ):
        return _stock_cases(stock, method, path, sites)
    may = {a: allowed(role, Domain.execution, a) for a in Action}
    reads = {200} if may[Action.read] else {403}
    if method == "get" and path in ("/api/v1/events", "/api/v1/floor/work_centers",
                                    "/api/v1/floor/clocked_in",
                                    "/api/v1/floor/schedule_adherence"):  # fmt: skip
        url = path.removeprefix("/api/v1")
        return [("GET", url, reads, None, None)] + [
            ("GET", url, reads, None, {"site_id": site}) for site, _, _ in sites.values()
        ]
    out: list[Found] = []
    for letter, (_, visible, floor) in sites.items():
        report = event("operation_report", floor.canary, order_operation_id=floor.operation, good=1)
        hold = event("order_hold", floor.canary, production_order_id=floor.order)
        if path == "/api/v1/events":
            recorded = ({201} if visible else {422}) if may[Action.create] else {403}
            out.append(("POST", "/events", recorded, report, None))
            held = ({201} if visible else {422}) if may[Action.update] else {403}
            out.append(("POST", "/events", held, hold, None))
            release_hold = event(
                "order_release_hold", floor.canary, production_order_id=floor.order
            )
            out.append(("POST", "/events", held, release_hold, None))
        elif path == "/api/v1/events/batch":
            out.append(("POST", path[7:], {200} if may[Action.create] else {403},
                        {"events": [report]}, None))  # fmt: skip
        elif path.endswith("/release"):
            planner = allowed(role, Domain.planning, Action.update)
            expected = ({200} if visible else {404}) if planner else {403}
            out.append(("POST", f"/production_orders/{fresh_order(letter)}/release", expected,
                        {}, None))  # fmt: skip
        elif path.endswith("/operations"):
            shown = ({200} if visible else {404}) if may[Action.read] else {403}
            out.append(("GET", f"/production_orders/{floor.order}/operations", shown, None, None))
        elif path.endswith("/dispatch_list"):
            shown = ({200} if visible else {404}) if may[Action.read] else {403}
            out.append(("GET", f"/work_centers/{floor.work_center}/dispatch_list", shown, None,
                        None))  # fmt: skip
    return out


def _stock_cases(
    may: dict[Action, bool], method: str, path: str, sites: dict[str, tuple[int, bool, OnTheFloor]]
) -> list[Found]:
    def gate(action: Action, visible: bool, ok: int) -> set[int]:
        return ({ok} if visible else {404}) if may[action] else {403}

    reads = {200} if may[Action.read] else {403}
    if method == "get" and path in ("/api/v1/stock_moves", "/api/v1/stock", "/api/v1/lots"):
        url = path.removeprefix("/api/v1")
        return [("GET", url, reads, None, None)] + [
            ("GET", url, reads, None, {"site_id": site}) for site, _, _ in sites.values()
        ]
    out: list[Found] = []
    for site, visible, floor in sites.values():
        if path == "/api/v1/stock_moves":
            receipt = event("receipt", floor.canary) | {
                "item_id": floor.item, "location_id": floor.location, "quantity": 1,
            }  # fmt: skip
            receipt.pop("note")
            made = ({201} if visible else {422}) if may[Action.create] else {403}
            out.append(("POST", "/stock_moves", made, receipt, None))
        elif path.endswith("/genealogy"):
            out.append(("GET", f"/lots/{floor.lot}/genealogy", gate(Action.read, visible, 200),
                        None, None))  # fmt: skip
        elif path.endswith("/material"):
            url = f"/production_orders/{floor.order}/material"
            out.append(("GET", url, gate(Action.read, visible, 200), None, None))
        elif path.endswith("/inventory_policy"):
            url = f"/sites/{site}/inventory_policy"
            if method == "get":
                out.append(("GET", url, gate(Action.read, visible, 200), None, None))
            else:
                out.append(("PUT", url, gate(Action.update, visible, 200), {}, None))
    return out
