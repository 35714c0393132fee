"""The authorization matrix's rules for the planning endpoints (test_authorization_matrix.py):
a finished plan run per site, with a released production and purchase order (every status
move from there is refused, whoever asks), an exception message and a scenario, written
straight to the database with the site's canary in every code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.roles import Action, Domain, Role, allowed
from plantops.masterdata.models import Item
from plantops.planning import models as m
from plantops.types import OrderStatus, PlanRunStatus

PATHS = ("/api/v1/plan_runs", "/api/v1/production_orders", "/api/v1/purchase_orders",
         "/api/v1/scenarios", "/api/v1/reschedules")  # fmt: skip


def is_planning(path: str) -> bool:
    return path.startswith(PATHS) or path.endswith(("/planning_policy", "/rough_cut"))


@dataclass
class Planned:
    run: int
    production_order: int
    purchase_order: int
    scenario: int
    scenario_code: str


def plan_site(sessions: sessionmaker[Session], site_id: int, canary: str, n: int) -> Planned:
    with sessions.begin() as session:
        item = session.scalars(select(Item.id).where(Item.site_id == site_id)).first()
        assert item is not None
        run = m.PlanRun(
            site_id=site_id, status=PlanRunStatus.succeeded, phase="succeeded", progress=1.0,
            today=date(2030, 1, 7), horizon_days=42, schedule_seconds=1.0,
            requested_by="admin", requested_at=datetime.now(UTC), cancel_requested=False,
            summary={"production_orders": 1},
        )  # fmt: skip
        session.add(run)
        session.flush()
        common = {
            "site_id": site_id,
            "item_id": item,
            "quantity": Decimal(5),
            "plan_run_id": run.id,
        }
        made = m.ProductionOrder(
            code=f"{canary}-MO-{n}", status=OrderStatus.released, release_date=date(2030, 1, 7),
            due_date=date(2030, 1, 9), **common,
        )  # fmt: skip
        bought = m.PurchaseOrder(
            code=f"{canary}-PR-{n}", status=OrderStatus.released, order_date=date(2030, 1, 7),
            due_date=date(2030, 1, 9), **common,
        )  # fmt: skip
        scenario = m.Scenario(site_id=site_id, code=f"{canary}-SC-{n}", name="what if", changes=[])
        session.add_all([made, bought, scenario])
        session.flush()
        session.add(
            m.PlanException(
                plan_run_id=run.id, kind="past_due", item_id=item, order_code=made.code,
                day=date(2030, 1, 7), text=f"{canary} late",
            )
        )  # fmt: skip
        return Planned(run.id, made.id, bought.id, scenario.id, scenario.code)


def planning_cases(
    role: Role,
    method: str,
    path: str,
    sites: dict[str, tuple[int, bool, Planned]],
    fresh_scenario: Callable[[str], int],
) -> list[tuple[str, str, set[int], Any, tuple[str, int] | None]]:
    """(method, url, expected statuses, body, record whose version goes in If-Match).
    `sites`: letter -> (site id, visible to the role, what was planned there)."""
    may = {a: allowed(role, Domain.planning, a) for a in Action}
    out: list[tuple[str, str, set[int], Any, tuple[str, int] | None]] = []

    def gate(action: Action, visible: bool, ok: int) -> set[int]:
        return ({ok} if visible else {404}) if may[action] else {403}

    lists = {
        "/api/v1/plan_runs", "/api/v1/production_orders", "/api/v1/purchase_orders",
        "/api/v1/scenarios",
    }  # fmt: skip
    if method == "get" and path in lists:
        listed = {200} if may[Action.read] else {403}
        return [("GET", path.removeprefix("/api/v1"), listed, None, None)]
    for letter, (site, visible, planned) in sites.items():
        ids = {
            "plan_runs": planned.run, "production_orders": planned.production_order,
            "purchase_orders": planned.purchase_order, "scenarios": planned.scenario,
            "sites": site,
        }  # fmt: skip
        resource = path.split("/")[3]
        url = path.removeprefix("/api/v1").replace("{ident}", str(ids.get(resource, 0)))
        read = gate(Action.read, visible, 200)
        if method == "get":
            out.append(("GET", url, read, None, None))
        elif path == "/api/v1/plan_runs":
            # a scenario of another site: refused after the role and scope checks, no run starts
            other = next(p for x, (_, _, p) in sites.items() if x != letter)
            body = {"site_id": site, "scenario_id": other.scenario}
            out.append(("POST", url, gate(Action.create, visible, 422), body, None))
        elif path == "/api/v1/reschedules":
            # a work center that is not there: refused after the role and scope checks
            down = [{"work_center_id": 2**40, "until": "2030-01-08T06:00:00Z"}]
            body = {"site_id": site, "down": down}
            out.append(("POST", url, gate(Action.create, visible, 422), body, None))
        elif path.endswith("/cancel"):
            out.append(("POST", url, gate(Action.update, visible, 409), None, None))
        elif path.endswith("/status"):
            body = {"status": "approved"}  # from released: never allowed
            out.append(("POST", url, gate(Action.update, visible, 409), body, None))
        elif path == "/api/v1/sites/{ident}/planning_policy":
            out.append(("PUT", url, gate(Action.update, visible, 200), {}, None))
        elif path == "/api/v1/scenarios" and method == "post":
            body = {"site_id": site, "code": f"SC-{role.value}-{letter}", "name": "new"}
            expected = ({201} if visible else {422}) if may[Action.create] else {403}
            out.append(("POST", url, expected, body, None))
        elif path == "/api/v1/scenarios/{ident}" and method == "put":
            body = {"site_id": site, "code": planned.scenario_code, "name": role.value}
            current = ("scenarios", planned.scenario)
            out.append(("PUT", url, gate(Action.update, visible, 200), body, current))
        elif path == "/api/v1/scenarios/{ident}" and method == "delete":
            fresh = fresh_scenario(letter)
            expected = gate(Action.delete, visible, 204)
            out.append(("DELETE", f"/scenarios/{fresh}", expected, None, None))
    return out
