"""Operation and order events: each one moves its operation and order through their
lifecycles (plantops.execution.lifecycle) with the order locked (execution.floor_locks), so
two terminals reporting on one order at once are taken one after the other.

An event sent live (it arrives within minutes of when it occurred) must fit the operation
as it is now: a move the table refuses is a 409, a report beyond what was started a 422.
One buffered by an offline terminal is a fact to fit in, never refused for that: its
operation's events are taken again in the order they occurred, every quantity counts, and
what does not fit is flagged for a supervisor (execution.checks.Timing)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import InvalidTransition, ValidationFailed
from plantops.execution import references, stock
from plantops.execution.checks import fraction_problems, timing
from plantops.execution.floor_locks import locked_order, operations_of
from plantops.execution.floor_tally import (
    buffered_tally,
    live_tally,
    order_status_after,
    statuses_after,
)
from plantops.execution.lifecycle import (
    ORDER_EVENT_TARGET,
    EventKind,
    Report,
    Tally,
    order_status,
    order_transition,
)
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.execution.outcome import Outcome
from plantops.execution.schemas import EventIn, OperationTallyOut
from plantops.inventory import floor_moves
from plantops.masterdata.models import Item
from plantops.planning.models import ProductionOrder
from plantops.types import OperationStatus, OrderStatus

E, O, Op = EventKind, OrderStatus, OperationStatus  # noqa: E741
STOPPED = frozenset({O.on_hold, O.closed, O.cancelled})
ZERO = Decimal(0)


def operation_event(session: Session, caller: Caller, event: EventIn, now: datetime) -> Outcome:
    known = session.get(OrderOperation, event.order_operation_id)  # its order never changes
    if known is None or not caller.scope.allows(known.site_id):
        raise references.missing("order_operation_id", "order operation")
    order = locked_order(session, caller, known.production_order_id)
    ops = operations_of(session, order.id)
    op = next(o for o in ops if o.id == event.order_operation_id)
    references.check_people_and_reasons(session, caller, op.site_id, event)
    item = session.get(Item, order.item_id)  # pieces are counted whole (execution.checks)
    if fractions := fraction_problems(event, item.uom if item else ""):
        first = fractions[0]
        raise ValidationFailed(f"{first.location[0]}: {first.message}", fractions)
    moved = event.work_center_id is not None and event.work_center_id != op.work_center_id
    if moved:
        assert event.work_center_id is not None
        references.check_alternative(session, op.operation_id, event.work_center_id)
    when = timing(event.occurred_at, now, op.last_occurred_at)
    late, buffered, flags = when.late, when.buffered, when.flags
    report = _report(event, op)
    what = f"operation {op.sequence} of order {order.code}"
    if order.status in STOPPED:
        if not buffered:
            raise InvalidTransition(
                f"order {order.code} is {order.status}: its operations take no events"
            )
        flags.append(f"arrived when its order was {order.status}")
    if buffered:
        tally = buffered_tally(session, op, event, report, flags)
    else:
        tally = live_tally(op, report, what)
    statuses = statuses_after(ops, op, tally.status)
    order_after = order.status
    if order.status not in STOPPED:
        order_after = order_status_after(order, statuses, buffered, flags)
    # Decided: from here on only a stock shortage refuses the event (execution.recording
    # runs those events in a savepoint).
    if moved:
        assert event.work_center_id is not None
        op.work_center_id = event.work_center_id
    _store(op, tally, event)
    for each, status in zip(ops, statuses, strict=True):
        if each.status is not status:
            each.status = status
    if order.status is not order_after:
        order.status = order_after
    _book_stock(session, caller, order, ops, op, report, event, now, flags, buffered)
    return Outcome(
        site_id=op.site_id,
        late=late,
        flags=flags,
        production_order_id=order.id,
        order_operation_id=op.id,
        work_center_id=op.work_center_id,
        started=report.started,
        good=report.good,
        scrap=report.scrap,
        rework=report.rework,
        operation=tally_out(op),
        order_status=order.status,
    )


def order_event(session: Session, caller: Caller, event: EventIn, now: datetime) -> Outcome:
    order = locked_order(session, caller, event.production_order_id)
    ops = operations_of(session, order.id)
    latest = session.scalar(
        select(func.max(ShopEvent.occurred_at)).where(ShopEvent.production_order_id == order.id)
    )
    when = timing(event.occurred_at, now, latest)
    late, flags = when.late, when.flags
    what = f"order {order.code}"
    if event.kind is E.order_release_hold:
        if order.status is not O.on_hold:
            raise InvalidTransition(f"{what} is {order.status}, not on hold")
        wanted = order_status([o.status for o in ops], O.ready)
    else:
        wanted = ORDER_EVENT_TARGET[event.kind]
    try:
        if event.kind is E.order_release_hold and wanted is O.ready:
            stock.settle(session, order)  # nothing started: ready, or waiting for material
        else:
            order.status = order_transition(order.status, wanted, what)
    except InvalidTransition as refused:
        if not when.buffered:
            raise
        flags.append(f"not applied: {refused.detail}")
    if order.status is O.cancelled:
        for op in ops:
            if op.status is not Op.completed:
                op.status = Op.cancelled
    return Outcome(
        site_id=order.site_id,
        late=late,
        flags=flags,
        production_order_id=order.id,
        order_status=order.status,
    )


def tally_out(op: OrderOperation) -> OperationTallyOut:
    return OperationTallyOut(
        id=op.id, status=op.status, started=op.started, good=op.good, scrap=op.scrap,
        rework=op.rework,
    )  # fmt: skip


def _report(event: EventIn, op: OrderOperation) -> Report:
    started = ZERO
    if event.kind is E.operation_start:
        # the first start takes the whole operation unless it says how many; a second
        # operator joining starts nothing more
        default = op.planned_quantity if op.started == 0 else ZERO
        started = event.quantity if event.quantity is not None else default
    return Report(
        event.kind, started, event.good or ZERO, event.scrap or ZERO, event.rework or ZERO
    )


def _book_stock(
    session: Session, caller: Caller, order: ProductionOrder, ops: list[OrderOperation],
    op: OrderOperation, report: Report, event: EventIn, now: datetime, flags: list[str],
    buffered: bool,
) -> None:  # fmt: skip
    """Components backflushed for what the first operation processed, what the last made
    good received into stock (plantops.inventory.floor_moves)."""
    processed = report.good + report.scrap if op is ops[0] else ZERO
    made = report.good if op is ops[-1] else ZERO
    if processed or made:
        booked = floor_moves.Report(
            event.idempotency_key, event.occurred_at, caller.username, processed, made, buffered
        )
        floor_moves.book(session, order, booked, now)
        flags.extend(booked.flags)


def _store(op: OrderOperation, tally: Tally, event: EventIn) -> None:
    op.status, op.started, op.good = tally.status, tally.started, tally.good
    op.scrap, op.rework = tally.scrap, tally.rework
    at = event.occurred_at
    if event.kind is E.operation_start and (op.actual_start is None or at < op.actual_start):
        op.actual_start = at
    if tally.status is Op.completed and event.kind is E.operation_complete:
        op.actual_end = at if op.actual_end is None else max(op.actual_end, at)
    op.last_occurred_at = at if op.last_occurred_at is None else max(op.last_occurred_at, at)
