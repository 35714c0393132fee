"""What the floor looks like, derived from the ledger and the operations' tallies: an order's
progress, a work center's dispatch list, each work center's state and WIP, who is clocked
in where, and how closely the floor keeps to the schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound
from plantops.execution.lifecycle import CLOCK_EVENTS, EventKind
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.masterdata.models import Item, WorkCenter
from plantops.planning.models import ProductionOrder
from plantops.types import OperationStatus, OrderStatus, WorkCenterState
from plantops.workforce.models import Employee

Op = OperationStatus
OPEN_OPERATIONS = (Op.released, Op.ready, Op.waiting_for_material, Op.in_progress, Op.paused)
WIP = (Op.in_progress, Op.paused)


def _read(caller: Caller) -> None:
    caller.require(Domain.execution, Action.read, "the floor")


def order_operations(session: Session, caller: Caller, order_id: int) -> list[OrderOperation]:
    _read(caller)
    order = session.get(ProductionOrder, order_id)
    if order is None or not caller.scope.allows(order.site_id):
        raise NotFound(f"production order {order_id} not found")
    query = select(OrderOperation).where(OrderOperation.production_order_id == order_id)
    return list(session.scalars(query.order_by(OrderOperation.sequence)))


@dataclass(frozen=True)
class DispatchLine:
    operation: OrderOperation
    order_code: str
    order_status: OrderStatus
    item_code: str
    uom: str  # the item's unit: pieces are counted whole
    due_date: Any
    priority: int
    waits_for: str | None  # None: it may start (or is under way)


def dispatch_list(session: Session, caller: Caller, work_center_id: int) -> list[DispatchLine]:
    """The work center's open operations in their scheduled sequence (the unscheduled after,
    most urgent first), each with what it waits for, if anything."""
    _read(caller)
    center = session.get(WorkCenter, work_center_id)
    if center is None or not caller.scope.allows(center.site_id):
        raise NotFound(f"work center {work_center_id} not found")
    rows = session.execute(
        select(OrderOperation, ProductionOrder, Item.code, Item.uom)
        .join(ProductionOrder, ProductionOrder.id == OrderOperation.production_order_id)
        .join(Item, Item.id == ProductionOrder.item_id)
        .where(
            OrderOperation.work_center_id == work_center_id,
            OrderOperation.status.in_(OPEN_OPERATIONS),
        )
        .order_by(
            OrderOperation.scheduled_start.is_(None),
            OrderOperation.scheduled_start,
            ProductionOrder.priority,
            ProductionOrder.due_date,
            OrderOperation.id,
        )
    ).all()
    before = _previous_steps(session, [op for op, _, _, _ in rows])
    return [
        DispatchLine(
            op, order.code, order.status, item, uom, order.due_date, order.priority,
            _waits_for(op, order, before.get(op.id)),
        )
        for op, order, item, uom in rows
    ]  # fmt: skip


def open_operations_per_center(
    session: Session, caller: Caller, center_ids: list[int]
) -> dict[int, int]:
    """How many open operations each work center has: its dispatch list's length."""
    _read(caller)
    if not center_ids:
        return {}
    rows = session.execute(
        select(OrderOperation.work_center_id, func.count())
        .where(
            OrderOperation.work_center_id.in_(center_ids),
            OrderOperation.status.in_(OPEN_OPERATIONS),
        )
        .group_by(OrderOperation.work_center_id)
    )
    return {center: int(count) for center, count in rows}


def _previous_steps(
    session: Session, ops: list[OrderOperation]
) -> dict[int, tuple[int, OperationStatus]]:
    """For each operation, the sequence and status of the one before it in its order."""
    if not ops:
        return {}
    orders = {op.production_order_id for op in ops}
    siblings = session.execute(
        select(OrderOperation.production_order_id, OrderOperation.sequence, OrderOperation.status)
        .where(OrderOperation.production_order_id.in_(orders))
        .order_by(OrderOperation.production_order_id, OrderOperation.sequence)
    ).all()
    by_order: dict[int, list[tuple[int, OperationStatus]]] = {}
    for order_id, sequence, status in siblings:
        by_order.setdefault(order_id, []).append((sequence, status))
    found: dict[int, tuple[int, OperationStatus]] = {}
    for op in ops:
        earlier = [s for s in by_order[op.production_order_id] if s[0] < op.sequence]
        if earlier:
            found[op.id] = earlier[-1]
    return found


def _waits_for(
    op: OrderOperation, order: ProductionOrder, before: tuple[int, OperationStatus] | None
) -> str | None:
    if order.status is OrderStatus.on_hold:
        return "its order is on hold"
    if op.status is Op.waiting_for_material:
        return "material"
    if op.status is Op.released and before is not None:
        return f"operation {before[0]} ({before[1]})"
    return None


@dataclass(frozen=True)
class CenterNow:
    work_center: WorkCenter
    state: WorkCenterState | None  # None: never reported
    since: datetime | None
    reason_code_id: int | None
    wip_operations: int
    wip_quantity: Decimal  # started and not yet reported, on the operations under way
    clocked_in: list[int]  # employee ids


def work_centers_now(session: Session, caller: Caller, site_id: int | None) -> list[CenterNow]:
    _read(caller)
    centers = session.scalars(
        select(WorkCenter)
        .where(*caller.scope.conditions(WorkCenter.site_id, site_id))
        .order_by(WorkCenter.site_id, WorkCenter.code)
    ).all()
    ids = [c.id for c in centers]
    states = {
        e.work_center_id: e
        for e in _latest(session, ShopEvent.work_center_id, ids, (EventKind.work_center_state,))
    }
    wip: dict[int, tuple[int, Decimal]] = {}
    for center_id, count, started, reported in session.execute(
        select(
            OrderOperation.work_center_id,
            func.count(),
            func.sum(OrderOperation.started),
            func.sum(OrderOperation.good + OrderOperation.scrap + OrderOperation.rework),
        )
        .where(OrderOperation.work_center_id.in_(ids), OrderOperation.status.in_(WIP))
        .group_by(OrderOperation.work_center_id)
    ):
        wip[center_id] = (count, max(Decimal(started) - Decimal(reported), Decimal(0)))
    present: dict[int, list[int]] = {}
    for person in clocked_in(session, caller, site_id):
        if person.work_center_id is not None:
            present.setdefault(person.work_center_id, []).append(person.employee_id)
    out = []
    for center in centers:
        last = states.get(center.id)
        count, quantity = wip.get(center.id, (0, Decimal(0)))
        out.append(
            CenterNow(
                center, last.state if last else None, last.occurred_at if last else None,
                last.reason_code_id if last else None, count, quantity, present.get(center.id, []),
            )
        )  # fmt: skip
    return out


def _latest(
    session: Session, subject: Any, ids: list[int], kinds: tuple[EventKind, ...]
) -> list[ShopEvent]:
    """The latest event (by when it occurred) of each subject among `ids`."""
    if not ids:
        return []
    ranked: Select[Any] = select(
        ShopEvent.id,
        func.row_number()
        .over(partition_by=subject, order_by=(ShopEvent.occurred_at.desc(), ShopEvent.id.desc()))
        .label("rank"),
    ).where(subject.in_(ids), ShopEvent.kind.in_(kinds))
    inner = ranked.subquery()
    newest = select(inner.c.id).where(inner.c.rank == 1)
    return list(session.scalars(select(ShopEvent).where(ShopEvent.id.in_(newest))))


@dataclass(frozen=True)
class Present:
    employee_id: int
    code: str
    name: str
    work_center_id: int | None
    since: datetime


def clocked_in(session: Session, caller: Caller, site_id: int | None) -> list[Present]:
    """Who is clocked in now (their latest clock event is a clock in), and where."""
    _read(caller)
    people = {
        e.id: e
        for e in session.scalars(
            select(Employee).where(*caller.scope.conditions(Employee.site_id, site_id))
        )
    }
    latest = _latest(session, ShopEvent.employee_id, list(people), tuple(CLOCK_EVENTS))
    found = [
        Present(e.employee_id, people[e.employee_id].code, people[e.employee_id].name,
                e.work_center_id, e.occurred_at)
        for e in latest
        if e.kind is EventKind.clock_in and e.employee_id is not None
    ]  # fmt: skip
    return sorted(found, key=lambda p: p.code)
