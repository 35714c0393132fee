"""Operation and order events: each one moves its operation and order through their
lifecycles (plantops.execution.lifecycle) with the order locked, so two terminals reporting
on one order at once are taken one after the other.

An event sent live (it arrives within minutes of when it occurred) must fit the operation
as it is now: a move the table refuses is a 409, a report beyond what was started a 422.
One buffered by an offline terminal is a fact to fit in, never refused for that: its
operation's events are taken again in the order they occurred, every quantity counts, and
what does not fit is flagged for a supervisor (execution.checks.Timing)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import InvalidTransition, ValidationFailed
from plantops.execution import journal, references, stock
from plantops.execution.checks import fraction_problems, timing
from plantops.execution.lifecycle import (
    OPERATION_EVENTS,
    ORDER_EVENT_TARGET,
    ORDER_EVENTS,
    EventKind,
    Report,
    Tally,
    apply,
    order_status,
    order_transition,
    ready_after,
    refold,
)
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.execution.outcome import Outcome
from plantops.execution.schemas import EventIn, OperationTallyOut
from plantops.inventory import balances, floor_moves
from plantops.masterdata.models import Item
from plantops.planning.models import ProductionOrder
from plantops.storage import txcache
from plantops.types import OperationStatus, OrderStatus

E, O, Op = EventKind, OrderStatus, OperationStatus  # noqa: E741
STOPPED = frozenset({O.on_hold, O.closed, O.cancelled})
ZERO = Decimal(0)


# Built once: a terminal's event runs them every time, and building a statement costs more
# than SQLite takes to run it.
_HELD_ORDERS = (
    select(ProductionOrder)
    .where(
        ProductionOrder.id.in_(bindparam("order_ids", expanding=True))
        | ProductionOrder.id.in_(
            select(OrderOperation.production_order_id)
            .where(OrderOperation.id.in_(bindparam("operation_ids", expanding=True)))
            .scalar_subquery()
        )
    )
    .order_by(ProductionOrder.id)
    .with_for_update()
    .execution_options(populate_existing=True)
)
# Read once the orders are locked, in a statement of its own: PostgreSQL re-reads a locked
# row it waited for, but not the rows a join brought with it (those would be stale).
_THEIR_OPERATIONS = (
    select(OrderOperation)
    .where(OrderOperation.production_order_id.in_(bindparam("order_ids", expanding=True)))
    .order_by(OrderOperation.production_order_id, OrderOperation.sequence)
    .execution_options(populate_existing=True)
)


def hold(session: Session, events: Sequence[EventIn]) -> None:
    """Lock the orders the events are about and read their operations and their sites' stock
    policies, all at once, before any event changes a row: two statements for a batch of a
    thousand rather than three per order, and no flush between the reads. Orders are locked
    in order of id, so two writers holding several of them cannot deadlock."""
    operation_ids = {e.order_operation_id for e in events if e.kind in OPERATION_EVENTS}
    order_ids = {e.production_order_id for e in events if e.kind in ORDER_EVENTS}
    operation_ids.discard(None)
    order_ids.discard(None)
    if not operation_ids and not order_ids:
        return
    wanted = {"order_ids": list(order_ids), "operation_ids": list(operation_ids)}
    orders = session.scalars(_HELD_ORDERS, wanted).all()
    held_orders = txcache.of(session, "locked_orders")
    held_ops = txcache.of(session, "order_operations")
    for order in orders:
        held_orders[order.id] = order
        held_ops[order.id] = []
    for op in session.scalars(_THEIR_OPERATIONS, {"order_ids": [o.id for o in orders]}):
        held_ops[op.production_order_id].append(op)
    for site_id in sorted({o.site_id for o in orders}):
        balances.policy_of(session, site_id)


def locked_order(session: Session, caller: Caller, order_id: int | None) -> ProductionOrder:
    """The order, locked for the rest of the transaction (read once per transaction)."""
    held: dict[int | None, ProductionOrder] = txcache.of(session, "locked_orders")
    order = held.get(order_id)
    if order is None and order_id is not None:
        order = session.get(ProductionOrder, order_id, with_for_update=True, populate_existing=True)
        if order is not None:
            held[order_id] = order
    if order is None or not caller.scope.allows(order.site_id) or order.scenario_id is not None:
        raise references.missing("production_order_id", "production order")
    return order


def operations_of(session: Session, order_id: int) -> list[OrderOperation]:
    """The operations of an order locked by `locked_order`, in sequence."""
    held = txcache.of(session, "order_operations")
    if order_id not in held:
        query = select(OrderOperation).where(OrderOperation.production_order_id == order_id)
        held[order_id] = list(
            session.scalars(
                query.order_by(OrderOperation.sequence).execution_options(populate_existing=True)
            )
        )
    return list(held[order_id])


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
        tally = _buffered_tally(session, op, event, report, flags)
    else:
        tally = _tally(op, report, what)
    statuses = _statuses_after(ops, op, tally.status)
    order_after = order.status
    if order.status not in STOPPED:
        order_after = _order_after(order, statuses, buffered, flags)
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


def _tally(op: OrderOperation, report: Report, what: str) -> Tally:
    current = Tally(op.status, op.started, op.good, op.scrap, op.rework)
    try:
        return apply(current, report, what)
    except ValueError as beyond:
        field = (
            next(n for n, v in (("good", report.good), ("scrap", report.scrap)) if v)
            if (report.good or report.scrap)
            else "rework"
        )
        raise ValidationFailed.field(field, str(beyond)) from None


def _buffered_tally(
    session: Session, op: OrderOperation, event: EventIn, report: Report, flags: list[str]
) -> Tally:
    journal.write(session)  # the batch's earlier events of this operation count too
    rows = session.execute(
        select(ShopEvent.kind, ShopEvent.started, ShopEvent.good, ShopEvent.scrap,
               ShopEvent.rework, ShopEvent.occurred_at)
        .where(ShopEvent.order_operation_id == op.id, ShopEvent.kind.in_(OPERATION_EVENTS))
        .order_by(ShopEvent.occurred_at, ShopEvent.id)
    ).all()  # fmt: skip
    history = [(r.occurred_at, Report(r.kind, r.started, r.good, r.scrap, r.rework)) for r in rows]
    _, misfits_before = refold(Op.ready, [r for _, r in history])
    place = sum(1 for at, _ in history if at <= event.occurred_at)
    taken = [r for _, r in history]
    taken.insert(place, report)
    tally, misfits = refold(Op.ready, taken)
    if misfits > misfits_before:
        flags.append(f"does not fit the operation's history: {report.kind} where it occurred")
    if tally.reported > tally.started:
        flags.append(
            f"reported {tally.reported.normalize():f} but {tally.started.normalize():f} started"
        )
    return tally


def _store(op: OrderOperation, tally: Tally, event: EventIn) -> None:
    op.status, op.started, op.good = tally.status, tally.started, tally.good
    op.scrap, op.rework = tally.scrap, tally.rework
    at = event.occurred_at
    if event.kind is E.operation_start and (op.actual_start is None or at < op.actual_start):
        op.actual_start = at
    if tally.status is Op.completed and event.kind is E.operation_complete:
        op.actual_end = at if op.actual_end is None else max(op.actual_end, at)
    op.last_occurred_at = at if op.last_occurred_at is None else max(op.last_occurred_at, at)


def _statuses_after(
    ops: list[OrderOperation], op: OrderOperation, status: OperationStatus
) -> list[OperationStatus]:
    """The order's operation statuses once `op` is at `status`: an operation not started is
    ready once the one before it is complete."""
    after: list[OperationStatus] = []
    previous: OperationStatus | None = None
    for each in ops:
        now = status if each is op else each.status
        if now in (Op.released, Op.ready):
            now = ready_after(previous)
        after.append(now)
        previous = now
    return after


def _order_after(
    order: ProductionOrder, statuses: list[OperationStatus], buffered: bool, flags: list[str]
) -> OrderStatus:
    """The order's status once its operations are at `statuses`; refused (live) or flagged
    (buffered) if its table does not allow it."""
    fallback = order.status if order.status in (O.ready, O.waiting_for_material) else O.ready
    wanted = order_status(statuses, fallback)
    try:
        return order_transition(order.status, wanted, f"order {order.code}")
    except InvalidTransition as refused:
        if not buffered:
            raise
        flags.append(f"order not moved: {refused.detail}")
        return order.status
