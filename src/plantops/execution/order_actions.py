"""What a person may do to a production order from its page, and doing it: a planner's
approve, firm and release (plantops.planning.orders, release onto the floor), a supervisor's
hold, release of a hold, close and cancel (recorded as shop-floor events, as a terminal
would). Which ones apply follows the two transition tables and the caller's role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound, ValidationFailed
from plantops.execution import recording, release
from plantops.execution.lifecycle import ORDER_EVENT_TARGET, ORDER_TRANSITIONS, EventKind
from plantops.execution.schemas import EventIn
from plantops.planning import models as m
from plantops.planning.orders import TRANSITIONS as PLANNING
from plantops.types import OrderStatus

O = OrderStatus  # noqa: E741
E = EventKind


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    needs_reason: bool  # a hold or a cancel says why (it is the event's note)
    status: OrderStatus | None = None  # a planner's move: the status it leads to
    event: EventKind | None = None  # a move on the floor: the event it records


MOVES = (
    Move("approve", "Approve", False, status=O.approved),
    Move("firm", "Firm", False, status=O.firm),
    Move("propose", "Back to proposed", False, status=O.proposed),
    Move("release", "Release to the floor", False, status=O.released),
    Move("hold", "Hold", True, event=E.order_hold),
    Move("release_hold", "Release the hold", False, event=E.order_release_hold),
    Move("close", "Close", False, event=E.order_close),
    Move("cancel", "Cancel", True, event=E.order_cancel),
)
BY_NAME = {move.name: move for move in MOVES}


def moves(caller: Caller, status: OrderStatus) -> list[Move]:
    """The moves the caller's role allows and the order's status admits now."""
    found = []
    for move in MOVES:
        if move.status is not None:
            fits = move.status in PLANNING[status]
            domain = Domain.planning
        else:
            target = ORDER_EVENT_TARGET.get(move.event)  # type: ignore[arg-type]
            fits = (
                status is O.on_hold
                if target is None
                else target in ORDER_TRANSITIONS.get(status, ())
            )
            domain = Domain.execution
        if fits and caller.may(domain, Action.update):
            found.append(move)
    return found


def act(
    session: Session, caller: Caller, order_id: int, name: str, reason: str | None, now: datetime
) -> m.ProductionOrder:
    """Make the move `name` on the order, audited or recorded in the ledger; refused whole
    (a DomainError naming what is wrong) when the role or the order's status does not allow
    it, or a hold or cancel says no reason."""
    move = BY_NAME.get(name)
    if move is None:
        raise ValidationFailed.field("action", f"no such action {name!r}")
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > 500:
        raise ValidationFailed.field("reason", "at most 500 characters")
    if move.status is not None:
        return release.set_production_order_status(session, caller, order_id, move.status, reason)
    if move.needs_reason and reason is None:
        raise ValidationFailed.field("reason", f"say why the order is to {move.name}")
    assert move.event is not None
    event = EventIn(
        idempotency_key=f"web-{uuid4().hex}",
        kind=move.event,
        occurred_at=now,
        production_order_id=order_id,
        note=reason if move.needs_reason else None,
    )
    recording.record(session, caller, event, now)
    order = session.get(m.ProductionOrder, order_id)
    if order is None:  # recording refuses an order out of scope first; a guard
        raise NotFound(f"production order {order_id} not found")
    return order
