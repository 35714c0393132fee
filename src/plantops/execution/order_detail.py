"""One production order with everything about it, as its page shows it: the order, its
operations on the floor, its shop-floor events, its material and which demand it serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound
from plantops.execution import history, stock, views
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.execution.order_views import customers_of, lateness, site_days
from plantops.inventory.material import MaterialLine
from plantops.masterdata.models import Item, ReasonCode, WorkCenter
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.queries import pegging
from plantops.workforce.models import Employee

EVENTS = 200  # the latest events shown; the total says how many there are


@dataclass(frozen=True)
class OperationLine:
    operation: OrderOperation
    work_center: str


@dataclass(frozen=True)
class EventLine:
    event: ShopEvent
    operation: str  # "10 weld", or "" for an event of the whole order
    work_center: str
    employee: str
    reason: str  # the pause's or the scrap's reason code


@dataclass(frozen=True)
class OrderSheet:
    order: m.ProductionOrder
    site: Site
    item: Item
    lateness: str | None  # "overdue", "at risk" or None
    customers: dict[str, str]  # code -> name; none: made for stock
    operations: list[OperationLine]
    events: list[EventLine]  # newest first, at most EVENTS
    event_total: int
    material: list[MaterialLine]
    pegging: list[dict[str, Any]]


def find(
    session: Session, caller: Caller, ident: str, site_ids: list[int] | None = None
) -> list[m.ProductionOrder]:
    """The plan's orders the caller may see whose code is `ident` (one per site at most), or
    whose id it is when no code matches; those of `site_ids` first."""
    caller.require(Domain.planning, Action.read, "production orders")
    visible = [m.ProductionOrder.scenario_id.is_(None)]
    visible += caller.scope.conditions(m.ProductionOrder.site_id)
    found = list(
        session.scalars(select(m.ProductionOrder).where(*visible, m.ProductionOrder.code == ident))
    )
    if not found and ident.isdigit() and int(ident) < 2**62:
        found = list(
            session.scalars(
                select(m.ProductionOrder).where(*visible, m.ProductionOrder.id == int(ident))
            )
        )
    chosen = set(site_ids or [])
    return sorted(found, key=lambda o: (o.site_id not in chosen, o.site_id))


def sheet(session: Session, caller: Caller, order_id: int, now: datetime) -> OrderSheet:
    """Everything about the order; what the caller's role may not read is left empty
    (an operator sees no material, say), not refused whole."""
    caller.require(Domain.planning, Action.read, "production orders")
    order = session.get(m.ProductionOrder, order_id)
    if order is None or not caller.scope.allows(order.site_id) or order.scenario_id is not None:
        raise NotFound(f"production order {order_id} not found")
    site = session.get_one(Site, order.site_id)
    item = session.get_one(Item, order.item_id)
    today = site_days([site], now)[site.id]
    names = customers_of(session, [(order.code, site.id)]).get((site.id, order.code), {})
    events, total = _events(session, caller, order) if _may(caller, Domain.execution) else ([], 0)
    return OrderSheet(
        order, site, item, lateness(order.status, order.due_date, order.late_seconds, today),
        names, _operations(session, caller, order) if _may(caller, Domain.execution) else [],
        events, total,
        stock.check_material(session, caller, order.id) if _may(caller, Domain.inventory) else [],
        pegging(session, caller, order),
    )  # fmt: skip


def _may(caller: Caller, domain: Domain) -> bool:
    return caller.may(domain, Action.read)


def _operations(session: Session, caller: Caller, order: m.ProductionOrder) -> list[OperationLine]:
    ops = views.order_operations(session, caller, order.id)
    centers = _codes(session, WorkCenter, {op.work_center_id for op in ops})
    return [OperationLine(op, centers.get(op.work_center_id, "")) for op in ops]


def _events(
    session: Session, caller: Caller, order: m.ProductionOrder
) -> tuple[list[EventLine], int]:
    where = history.EventFilter(site_id=order.site_id, production_order_id=order.id)
    rows, total = history.list_events(session, caller, where, EVENTS, 0)
    ops = {
        op.id: f"{op.sequence} {op.name}"
        for op in session.scalars(
            select(OrderOperation).where(OrderOperation.production_order_id == order.id)
        )
    }
    centers = _codes(session, WorkCenter, {e.work_center_id for e in rows})
    reasons = _names(
        session,
        ReasonCode,
        {e.reason_code_id for e in rows} | {e.scrap_reason_code_id for e in rows},
    )
    people = _names(session, Employee, {e.employee_id for e in rows})
    lines = [
        EventLine(
            e,
            ops.get(e.order_operation_id, "") if e.order_operation_id else "",
            centers.get(e.work_center_id, "") if e.work_center_id else "",
            people.get(e.employee_id, "") if e.employee_id else "",
            ", ".join(
                reasons[r] for r in (e.reason_code_id, e.scrap_reason_code_id) if r in reasons
            ),
        )
        for e in rows
    ]
    return lines, total


def _codes(session: Session, model: Any, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.execute(select(model.id, model.code).where(model.id.in_(wanted))).all())


def _names(session: Session, model: Any, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.execute(select(model.id, model.name).where(model.id.in_(wanted))).all())


def made(operations: list[OperationLine]) -> Decimal:
    """Good quantity of the last operation: what left the line."""
    return operations[-1].operation.good if operations else Decimal(0)
