"""What an operation event makes of its operation and order: the operation's tally, taken
live from where it stands or refolded from its history when buffered, and the statuses
its order's operations and the order move to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.errors import InvalidTransition, ValidationFailed
from plantops.execution import journal
from plantops.execution.lifecycle import (
    OPERATION_EVENTS,
    Report,
    Tally,
    apply,
    order_status,
    order_transition,
    ready_after,
    refold,
)
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.execution.schemas import EventIn
from plantops.planning.models import ProductionOrder
from plantops.types import OperationStatus, OrderStatus

O, Op = OrderStatus, OperationStatus  # noqa: E741


def live_tally(op: OrderOperation, report: Report, what: str) -> Tally:
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


def buffered_tally(
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


def statuses_after(
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


def order_status_after(
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
