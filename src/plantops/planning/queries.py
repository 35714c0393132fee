"""What planners look up in a plan: its orders, its exception messages, and which demand an
order is for (pegging, followed level by level up to the sales order lines)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound
from plantops.planning import models as m
from plantops.planning.run_requests import get_run
from plantops.types import OrderStatus

MAX_LEVELS = 30  # deeper than any bill of materials; a guard, not a limit anyone meets
Order = m.ProductionOrder | m.PurchaseOrder


def list_orders(
    session: Session,
    caller: Caller,
    model: type[m.ProductionOrder] | type[m.PurchaseOrder],
    site_id: int | None,
    status: OrderStatus | None,
    scenario_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[Any], int]:
    caller.require(Domain.planning, Action.read, "orders")
    query = select(model).where(m.in_scenario(model.scenario_id, scenario_id))
    if site_id is not None:
        query = query.where(model.site_id == site_id)
    if caller.scope.site_ids is not None:
        query = query.where(model.site_id.in_(caller.scope.site_ids))
    if status is not None:
        query = query.where(model.status == status)
    rows = list(session.scalars(query.order_by(model.due_date, model.code)))
    return rows[offset : offset + limit], len(rows)


def get_order(
    session: Session,
    caller: Caller,
    model: type[m.ProductionOrder] | type[m.PurchaseOrder],
    order_id: int,
) -> Any:
    caller.require(Domain.planning, Action.read, "orders")
    order: Any = session.get(model, order_id)
    if order is None or not caller.scope.allows(order.site_id):
        raise NotFound(f"{model.__tablename__.replace('_', ' ')} {order_id} not found")
    return order


def run_exceptions(session: Session, caller: Caller, run_id: int) -> list[m.PlanException]:
    run = get_run(session, caller, run_id)
    query = select(m.PlanException).where(m.PlanException.plan_run_id == run.id)
    return list(session.scalars(query.order_by(m.PlanException.day, m.PlanException.id)))


def pegging(session: Session, caller: Caller, order: Order) -> list[dict[str, Any]]:
    """The demands an order ends up serving: each a sales order line or a reserve, with the
    chain of orders in between and the quantity of the last link."""
    runs = select(m.PlanRun.id).where(
        m.PlanRun.site_id == order.site_id, m.in_scenario(m.PlanRun.scenario_id, order.scenario_id)
    )
    out: list[dict[str, Any]] = []
    frontier: list[tuple[str, list[str]]] = [(order.code, [])]
    seen = {order.code}
    for _ in range(MAX_LEVELS):
        if not frontier:
            break
        codes = [code for code, _ in frontier]
        paths = dict(frontier)
        rows = session.execute(
            select(
                m.PlanLink.supply, m.PlanLink.demand_kind, m.PlanLink.demand, m.PlanLink.quantity
            )
            .where(m.PlanLink.plan_run_id.in_(runs), m.PlanLink.supply.in_(codes))
            .order_by(m.PlanLink.id)
        ).all()
        frontier = []
        for supply, kind, demand, quantity in rows:
            via = [*paths[supply], supply]
            if kind == "order":
                if demand not in seen:
                    seen.add(demand)
                    frontier.append((demand, via))
                continue
            out.append({"kind": kind, "demand": demand, "quantity": quantity, "via": via})
    return out
