"""Pins: a planner moves one operation of a production order to a work center and an instant
(on the board, by dragging it) and the next plan run or reschedule of the site keeps it there,
scheduling everything else around it.

A pin is refused, naming the field, when the schedule could not keep it: a work center that is
not one of the operation's alternatives, an instant already gone or before the order may
start, a slot another kept operation holds, or one that breaks the order of its own operations.
A proposed order is approved by pinning it: the next run would replace it otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound, ValidationFailed
from plantops.masterdata import models as md
from plantops.masterdata.calendar import to_utc
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.floor_state import FloorReader
from plantops.planning.models import OperationPin
from plantops.planning.orders import set_status
from plantops.planning.pin_slots import (
    Slot,
    kept_slots,
    local_day,
    neighbours,
    site_shop,
    working_slot,
)
from plantops.planning.pinned import PINNABLE
from plantops.types import OrderStatus

FURTHEST = timedelta(days=366)  # a pin further out than any plan's horizon is a typo


@dataclass(frozen=True)
class Before:
    """Where a pin found everything, so that its Undo can put it all back: the operation's
    slot, the pin it replaced (work center, start, by whom, when) and whether pinning
    approved a proposed order."""

    scheduled_operation_id: int
    work_center_id: int
    starts_at: datetime
    ends_at: datetime
    pin: tuple[int, datetime, str, datetime] | None
    approved: bool


@dataclass(frozen=True)
class Pinned:
    """What pinning did: the pin, where the operation now stands, whether its order had to
    be approved for it, and what was there before."""

    pin: OperationPin
    ends_at: datetime
    approved: bool
    before: Before


def pin_operation(
    session: Session,
    caller: Caller,
    scheduled_operation_id: int,
    work_center_id: int,
    starts_at: datetime,
    floor: FloorReader | None = None,
    now: datetime | None = None,
) -> Pinned:
    """Pin the operation scheduled as `scheduled_operation_id` to the work center from
    `starts_at` (UTC); the board shows it there at once, the next run keeps it there.
    `floor` tells which operations have started (they stay where they run)."""
    caller.require(Domain.planning, Action.update, "the schedule")
    now = now or datetime.now(UTC)
    placed, order = _scheduled(session, caller, scheduled_operation_id, floor, now)
    alternative = _alternative(session, placed, work_center_id)
    _check_start(order, starts_at, now)
    center = session.get_one(md.WorkCenter, work_center_id)
    shop = site_shop(session, order.site_id, local_day(session, order.site_id, starts_at))
    starts_at, ends_at = working_slot(
        shop, center.code, alternative, float(order.quantity), starts_at
    )
    _check_slot(session, placed, order, alternative.work_center_id, starts_at, ends_at)
    approved = order.status is OrderStatus.proposed
    if approved:
        set_status(session, caller, "production_order", order.id, OrderStatus.approved, "pinned")
    pin = session.scalar(
        select(OperationPin).where(
            OperationPin.production_order_id == order.id,
            OperationPin.operation_id == placed.operation_id,
        )
    )
    old = _described(pin) if pin else None
    before = Before(
        placed.id, placed.work_center_id, placed.starts_at, placed.ends_at,
        (pin.work_center_id, pin.starts_at, pin.pinned_by, pin.pinned_at) if pin else None,
        approved,
    )  # fmt: skip
    if pin is None:
        pin = OperationPin(
            site_id=order.site_id,
            production_order_id=order.id,
            operation_id=placed.operation_id,
        )
        session.add(pin)
    pin.work_center_id, pin.starts_at = work_center_id, starts_at
    pin.pinned_by, pin.pinned_at = caller.username, now
    # the board shows the operation where it was put; the next run places the rest around it
    placed.work_center_id, placed.starts_at, placed.ends_at = work_center_id, starts_at, ends_at
    session.flush()
    audit.append(
        session, caller, "pin", "operation_pin", pin.id, order.site_id, old, _described(pin)
    )
    return Pinned(pin, ends_at, approved, before)


def unpin(session: Session, caller: Caller, pin_id: int) -> int:
    """Let the operation move again: the next run places it where it fits best."""
    caller.require(Domain.planning, Action.update, "the schedule")
    pin = session.get(OperationPin, pin_id)
    if pin is None or not caller.scope.allows(pin.site_id):
        raise NotFound(f"pin {pin_id} not found")
    old = _described(pin)
    session.delete(pin)
    session.flush()
    audit.append(session, caller, "unpin", "operation_pin", pin_id, pin.site_id, old, None)
    return pin_id


def undo_pin(session: Session, caller: Caller, pin_id: int, before: Before) -> int:
    """Undo a pin just made: the earlier pin back (or none), the operation back in its slot
    and its order back to proposed, where a plan run or another move has not changed them
    since (what changed since stays as it is, and the pin goes all the same)."""
    caller.require(Domain.planning, Action.update, "the schedule")
    pin = session.get(OperationPin, pin_id)
    if pin is None or not caller.scope.allows(pin.site_id):
        raise NotFound(f"pin {pin_id} not found: it was let go already")
    order = session.get_one(m.ProductionOrder, pin.production_order_id)
    placed = session.get(m.ScheduledOperation, before.scheduled_operation_id)
    if (
        placed is not None
        and (placed.work_center_id, placed.starts_at) == (pin.work_center_id, pin.starts_at)
        and placed.production_order_id == order.id
    ):
        placed.work_center_id = before.work_center_id
        placed.starts_at, placed.ends_at = before.starts_at, before.ends_at
    if before.pin is None:
        unpin(session, caller, pin_id)
    else:
        old = _described(pin)
        pin.work_center_id, pin.starts_at, pin.pinned_by, pin.pinned_at = before.pin
        session.flush()
        audit.append(
            session, caller, "pin", "operation_pin", pin_id, pin.site_id, old, _described(pin)
        )
    if before.approved and order.status is OrderStatus.approved:
        set_status(
            session, caller, "production_order", order.id, OrderStatus.proposed, "pin undone"
        )
    return pin_id


def site_pins(session: Session, caller: Caller, site_id: int) -> list[OperationPin]:
    caller.require(Domain.planning, Action.read, "the schedule")
    if not caller.scope.allows(site_id):
        return []
    query = select(OperationPin).where(OperationPin.site_id == site_id)
    return list(session.scalars(query.order_by(OperationPin.starts_at)))


def _scheduled(
    session: Session,
    caller: Caller,
    scheduled_operation_id: int,
    floor: FloorReader | None,
    now: datetime,
) -> tuple[m.ScheduledOperation, m.ProductionOrder]:
    placed = session.get(m.ScheduledOperation, scheduled_operation_id)
    order = session.get(m.ProductionOrder, placed.production_order_id) if placed else None
    if placed is None or order is None or not caller.scope.allows(order.site_id):
        raise NotFound(f"scheduled operation {scheduled_operation_id} not found")
    field = "scheduled_operation_id"
    if order.scenario_id is not None:
        raise ValidationFailed.field(field, f"{order.code} belongs to a what-if scenario")
    if order.status not in PINNABLE:
        raise ValidationFailed.field(
            field, f"{order.code} is {order.status.value.replace('_', ' ')}: it cannot move"
        )
    if floor is not None:
        on = floor(session, order.site_id, now).of(order.code, placed.operation_id)
        if on is not None and (on.done or on.started_at is not None):
            raise ValidationFailed.field(
                field, "it has started on the floor: it stays where it runs"
            )
    return placed, order


def _alternative(
    session: Session, placed: m.ScheduledOperation, work_center_id: int
) -> md.OperationAlternative:
    rows = session.execute(
        select(md.OperationAlternative, md.WorkCenter.code)
        .join(md.WorkCenter, md.WorkCenter.id == md.OperationAlternative.work_center_id)
        .where(md.OperationAlternative.operation_id == placed.operation_id)
        .order_by(md.OperationAlternative.preference, md.WorkCenter.code)
    ).all()
    for alternative, _ in rows:
        if alternative.work_center_id == work_center_id:
            return alternative
    center = session.get(md.WorkCenter, work_center_id)
    named = center.code if center else f"work center {work_center_id}"
    allowed = ", ".join(code for _, code in rows) or "none"
    raise ValidationFailed.field(
        "work_center_id", f"{named} cannot run this operation; its work centers: {allowed}"
    )


def _check_start(order: m.ProductionOrder, starts_at: datetime, now: datetime) -> None:
    if starts_at.tzinfo is None:
        raise ValidationFailed.field("starts_at", "needs a UTC offset")
    if starts_at < now:
        raise ValidationFailed.field("starts_at", "is in the past: pin to a time still to come")
    if starts_at > now + FURTHEST:
        raise ValidationFailed.field("starts_at", "is more than a year away")


def _check_slot(
    session: Session,
    placed: m.ScheduledOperation,
    order: m.ProductionOrder,
    work_center_id: int,
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    """The slot must not break what the schedule keeps: the order's release, its own kept
    operations before and after, the other operations kept on the work center."""
    release = _release(session, order)
    if starts_at < release:
        raise ValidationFailed.field(
            "starts_at", f"{order.code} may not start before {release:%Y-%m-%d %H:%M} UTC"
        )
    before, after = neighbours(session, placed, order)
    if before is not None and starts_at < before.ends_at:
        raise ValidationFailed.field(
            "starts_at", f"must be after {before.label} ends ({before.ends_at:%Y-%m-%d %H:%M} UTC)"
        )
    if after is not None and ends_at > after.starts_at:
        raise ValidationFailed.field(
            "starts_at",
            f"would end after {after.label} starts ({after.starts_at:%Y-%m-%d %H:%M} UTC)",
        )
    center = session.get_one(md.WorkCenter, work_center_id)
    taken: list[Slot] = [
        s
        for s in kept_slots(session, order.site_id, work_center_id, placed.id)
        if s.starts_at < ends_at and starts_at < s.ends_at
    ]
    if len(taken) >= center.parallel_capacity:
        first = taken[0]
        raise ValidationFailed.field(
            "starts_at",
            f"{center.code} is kept for {first.label} from {first.starts_at:%Y-%m-%d %H:%M} "
            f"to {first.ends_at:%H:%M} UTC",
        )


def _release(session: Session, order: m.ProductionOrder) -> datetime:
    site = session.get_one(Site, order.site_id)
    midnight = datetime.combine(order.release_date, datetime.min.time())
    return to_utc(midnight, ZoneInfo(site.time_zone))


def _described(pin: OperationPin) -> dict[str, object]:
    return {
        "production_order_id": pin.production_order_id,
        "operation_id": pin.operation_id,
        "work_center_id": pin.work_center_id,
        "starts_at": pin.starts_at.isoformat(),
    }
