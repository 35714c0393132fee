"""The planning board of a site: each work center's scheduled operations over time, when it
does not work (shaded on the board), what is pinned, and one order's story (its operations,
what it is for, why it is late)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound
from plantops.masterdata import calendar as cal
from plantops.masterdata import models as md
from plantops.masterdata.availability import shift_calendar, site_calendars
from plantops.planning import models as m
from plantops.planning import queries
from plantops.planning.models import OperationPin
from plantops.planning.sites import visible_site

SHADED_DAYS = 56  # off-shift shading this far ahead: past any horizon a planner zooms to
SHADED_BEFORE = 7  # and this far back, where the floor's recent work stands


@dataclass(frozen=True)
class Bar:
    """One scheduled operation."""

    id: int  # the scheduled operation's
    order_id: int
    order: str
    item: str
    status: str
    due: date
    late_seconds: int
    operation_id: int
    sequence: int
    name: str
    setup_family: str | None
    work_center_id: int
    starts_at: datetime
    ends_at: datetime
    pin_id: int | None


@dataclass(frozen=True)
class Lane:
    """A work center's row: its operations, and when it does not work."""

    id: int
    code: str
    name: str
    off: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True)
class Board:
    site_id: int
    time_zone: str
    lanes: tuple[Lane, ...]
    bars: tuple[Bar, ...]
    now: datetime


def board(session: Session, caller: Caller, site_id: int, now: datetime | None = None) -> Board:
    """The site's schedule as the last plan run or reschedule left it (the plan's own
    orders, no what-if's)."""
    caller.require(Domain.planning, Action.read, "the schedule")
    site = visible_site(session, caller, site_id)
    now = now or datetime.now(UTC)
    centers = session.scalars(
        select(md.WorkCenter)
        .where(md.WorkCenter.site_id == site.id)
        .order_by(md.WorkCenter.code)
        .options(selectinload(md.WorkCenter.downtime_windows))
    ).all()
    start = now - timedelta(days=SHADED_BEFORE)
    until = now + timedelta(days=SHADED_DAYS)
    calendars = site_calendars(session, site.id)
    lanes = tuple(
        Lane(c.id, c.code, c.name, _off(calendars[c.calendar_id], c, site.time_zone, start, until))
        for c in centers
    )
    return Board(site.id, site.time_zone, lanes, tuple(_bars(session, site.id)), now)


def _off(
    calendar: md.Calendar, center: md.WorkCenter, zone: str, start: datetime, until: datetime
) -> tuple[tuple[datetime, datetime], ...]:
    """When the work center does not work between `start` and `until`: off shift, closed,
    or down for maintenance (its calendar and downtime, as the schedule reads them)."""
    pattern = shift_calendar(calendar, zone, list(center.downtime_windows))
    gaps, cursor = [], start
    for a, b in cal.available_intervals(pattern, start, until):
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < until:
        gaps.append((cursor, until))
    return tuple(gaps)


def _bars(session: Session, site_id: int, order_id: int | None = None) -> list[Bar]:
    po, so, op = m.ProductionOrder, m.ScheduledOperation, md.Operation
    query = (
        select(
            so.id, po.id, po.code, md.Item.code, po.status, po.due_date, po.late_seconds,
            op.id, op.sequence, op.name, op.setup_family, so.work_center_id, so.starts_at,
            so.ends_at, OperationPin.id,
        )
        .join(po, po.id == so.production_order_id)
        .join(md.Item, md.Item.id == po.item_id)
        .join(op, op.id == so.operation_id)
        .outerjoin(
            OperationPin,
            (OperationPin.production_order_id == po.id)
            & (OperationPin.operation_id == so.operation_id),
        )
        .where(po.site_id == site_id, po.scenario_id.is_(None))
        .order_by(so.starts_at, so.id)
    )  # fmt: skip
    if order_id is not None:
        query = query.where(po.id == order_id)
    return [
        Bar(so_id, po_id, code, item, status.value, due, late or 0, op_id, sequence, name,
            family, center, starts_at, ends_at, pin)
        for (so_id, po_id, code, item, status, due, late, op_id, sequence, name, family, center,
             starts_at, ends_at, pin) in session.execute(query).all()
    ]  # fmt: skip


@dataclass(frozen=True)
class OrderStory:
    """What the board says of an order: its operations, what it is for, why it is late."""

    order: m.ProductionOrder
    item: str
    bars: tuple[Bar, ...]
    pegging: list[dict[str, Any]]
    alternatives: dict[int, list[tuple[int, str]]]  # operation id -> (work center id, code)


def order_story(session: Session, caller: Caller, order_id: int) -> OrderStory:
    order = queries.get_order(session, caller, m.ProductionOrder, order_id)
    item = session.get_one(md.Item, order.item_id).code
    bars = tuple(_bars(session, order.site_id, order.id))
    rows = session.execute(
        select(md.OperationAlternative.operation_id, md.WorkCenter.id, md.WorkCenter.code)
        .join(md.WorkCenter, md.WorkCenter.id == md.OperationAlternative.work_center_id)
        .where(md.OperationAlternative.operation_id.in_([b.operation_id for b in bars]))
        .order_by(md.OperationAlternative.preference, md.WorkCenter.code)
    ).all()
    alternatives: dict[int, list[tuple[int, str]]] = {}
    for operation, center, code in rows:
        alternatives.setdefault(operation, []).append((center, code))
    return OrderStory(order, item, bars, queries.pegging(session, caller, order), alternatives)


def operation_story(session: Session, caller: Caller, scheduled_operation_id: int) -> OrderStory:
    """The story of the order a scheduled operation belongs to."""
    placed = session.get(m.ScheduledOperation, scheduled_operation_id)
    if placed is None:
        raise NotFound(f"scheduled operation {scheduled_operation_id} not found")
    return order_story(session, caller, placed.production_order_id)
