"""Where a pinned operation can stand: what the schedule keeps in place (operations of firm
orders and of orders on the floor, and pinned ones), and when a work center works, read as the
plan run reads it (its calendar, downtime and the crews on shift)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from plantops.errors import ValidationFailed
from plantops.masterdata import models as md
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.models import OperationPin
from plantops.planning.shop import Shop, read_shop
from plantops.planning.snapshot import policy_of
from plantops.types import ON_THE_FLOOR, OrderStatus

KEPT = (OrderStatus.firm, *ON_THE_FLOOR)  # a run keeps every operation of these where it is


@dataclass(frozen=True)
class Slot:
    """An operation the schedule keeps where it is."""

    label: str  # "MO-12 op 20"
    starts_at: datetime
    ends_at: datetime


def site_shop(session: Session, site_id: int, day: date) -> Shop:
    """The site as a plan run from `day` sees it (over its planning horizon)."""
    site = session.get_one(Site, site_id)
    horizon = policy_of(session, site.id).horizon_days
    return read_shop(session, site.id, site.time_zone, day, horizon)


def local_day(session: Session, site_id: int, instant: datetime) -> date:
    return instant.astimezone(ZoneInfo(session.get_one(Site, site_id).time_zone)).date()


def working_slot(
    shop: Shop,
    center: str,
    alternative: md.OperationAlternative,
    quantity: float,
    starts_at: datetime,
) -> tuple[datetime, datetime]:
    """The operation's slot on `center` from `starts_at`, or from when the work center next
    works: it runs its setup and quantity, pausing over breaks, as the schedule runs it."""
    work = max(
        1, alternative.setup_seconds + math.ceil(alternative.run_seconds_per_unit * quantity)
    )
    resource = next((r for r in shop.resources if r.id == center), None)
    at = shop.seconds(starts_at)
    if resource is None or resource.available is None:
        return starts_at, starts_at + timedelta(seconds=work)
    start, left = None, work
    for a, b in resource.available:
        if b <= at:
            continue
        begin = max(a, at)
        if start is None:
            start = begin
        if b - begin >= left:
            return shop.at(start), shop.at(begin + left)
        left -= b - begin
    raise ValidationFailed.field(
        "starts_at", f"{center} is not working long enough after this to run the operation"
    )


def kept_slots(session: Session, site_id: int, work_center_id: int, leaving: int) -> list[Slot]:
    """The operations a run keeps on the work center (the one `leaving` aside)."""
    pinned = exists().where(
        OperationPin.production_order_id == m.ScheduledOperation.production_order_id,
        OperationPin.operation_id == m.ScheduledOperation.operation_id,
    )
    rows = session.execute(
        _slots().where(
            m.ProductionOrder.site_id == site_id,
            m.ProductionOrder.scenario_id.is_(None),
            m.ScheduledOperation.work_center_id == work_center_id,
            m.ScheduledOperation.id != leaving,
            or_(m.ProductionOrder.status.in_(KEPT), pinned),
            m.ProductionOrder.status.not_in((OrderStatus.completed, OrderStatus.closed)),
        )
    ).all()
    return [_slot(*row) for row in rows]


def neighbours(
    session: Session, placed: m.ScheduledOperation, order: m.ProductionOrder
) -> tuple[Slot | None, Slot | None]:
    """The order's nearest operations before and after this one that a run keeps where they
    are: the pinned operation must fit between them."""
    mine = session.get_one(md.Operation, placed.operation_id)
    pinned = exists().where(
        OperationPin.production_order_id == order.id,
        OperationPin.operation_id == m.ScheduledOperation.operation_id,
    )
    rows = session.execute(
        _slots().where(
            m.ScheduledOperation.production_order_id == order.id,
            m.ScheduledOperation.id != placed.id,
            or_(and_(m.ProductionOrder.status.in_(KEPT)), pinned),
        )
    ).all()
    before = [r for r in rows if r[1] < mine.sequence]
    after = [r for r in rows if r[1] > mine.sequence]
    return (
        _slot(*max(before, key=lambda r: r[1])) if before else None,
        _slot(*min(after, key=lambda r: r[1])) if after else None,
    )


def _slots() -> Select[str, int, datetime, datetime]:
    return (
        select(
            m.ProductionOrder.code,
            md.Operation.sequence,
            m.ScheduledOperation.starts_at,
            m.ScheduledOperation.ends_at,
        )
        .join(m.ProductionOrder, m.ProductionOrder.id == m.ScheduledOperation.production_order_id)
        .join(md.Operation, md.Operation.id == m.ScheduledOperation.operation_id)
    )


def _slot(code: str, sequence: int, starts_at: datetime, ends_at: datetime) -> Slot:
    return Slot(f"{code} op {sequence}", starts_at, ends_at)
