"""The measures of issue 8 not computed from the work centers' time elements: on-time
delivery, lead time, schedule adherence, WIP, personnel attendance and work time (ISO 22400-2
APAT, APWT) and inventory turns, for sites the caller has scoped (no access checks here);
sums and counts taken by the database, on SQLite and PostgreSQL alike.

- Completed in [start, end): an order completed (or since closed) whose last operation
  completed in the span; on time when by the end of its due date (`due_date`) on its site's
  wall clock, as planning counts lateness (kpi.delivery).
- Lead time: completed minus released, released being the release the audit trail recorded
  (planning.orders.set_status), or the first start where earlier (kpi.delivery.released).
- Schedule adherence: operations with a scheduled start first started in the span, on
  schedule within 15 minutes of it either way (execution.adherence.ON_TIME), to the second.
- WIP at `end`: released orders on the floor then, whatever became of them since;
  late_open: those past their due date then. Labour: `Labour`. Turns: `inventory_turns`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import and_, case, exists, extract, func, or_, select
from sqlalchemy.orm import Session

from plantops.access.models import AuditRecord
from plantops.execution.adherence import ON_TIME
from plantops.execution.lifecycle import CLOCK_EVENTS, EventKind
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.inventory.models import StockBalance, StockMove
from plantops.kpi import delivery
from plantops.kpi import labour as clocking
from plantops.masterdata.models import Item
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.types import ON_THE_FLOOR, OperationStatus, OrderStatus, StockMoveKind
from plantops.workforce.models import Employee

Op, PO = OrderOperation, ProductionOrder
DONE = (OrderStatus.completed, OrderStatus.closed)
# an order's release as planning.orders.set_status audits it (access.audit's JSON)
RELEASED = json.dumps({"status": OrderStatus.released.value}, sort_keys=True, separators=(",", ":"))
CONSUMED = (StockMoveKind.issue, StockMoveKind.backflush)
YEAR = timedelta(days=365)
HOUR = 3600.0
DAY = 86400


@dataclass(frozen=True)
class OrderMeasures:
    completed: int  # production orders completed in [start, end)
    on_time: int  # of those, completed by the end of their due date (site's wall clock)
    lead_time_hours: float | None  # mean (completed - released) of those; None when none
    operations_started: int  # scheduled operations first started in [start, end)
    started_on_schedule: int  # of those, within 15 min of their scheduled start
    wip: int  # orders on the floor at `end`
    late_open: int  # of those, past their due date at `end`

    @property
    def on_time_delivery(self) -> float | None:
        return self.on_time / self.completed if self.completed else None

    @property
    def schedule_adherence(self) -> float | None:
        started = self.operations_started
        return self.started_on_schedule / started if started else None


@dataclass(frozen=True)
class Labour:
    """Personnel time of the sites' employees (home site) in [start, end), summed over
    people (kpi.labour has the rules). Attendance (APAT): clocked in, clipped to the span.
    Work (APWT): of that, while the work center they clocked in at had an operation open
    (first start to completion); the ledger says where a person clocked in, not which
    operation they were on, so a clock-in without a work center is attendance only."""

    attendance_seconds: int
    work_seconds: int
    people: int  # distinct employees clocked in during the span

    @property
    def utilisation(self) -> float | None:
        attendance = self.attendance_seconds
        return self.work_seconds / attendance if attendance else None


def order_measures(
    session: Session, site_ids: Collection[int], start: datetime, end: datetime
) -> OrderMeasures:
    rows = session.execute(select(Site.id, Site.time_zone).where(Site.id.in_(site_ids)))
    zones = {ident: str(zone) for ident, zone in rows}  # sites and their time zones
    if not zones:
        return OrderMeasures(0, 0, None, 0, 0, 0, 0)
    completed, on_time, lead = _completions(session, zones, start, end)
    started, on_schedule = _starts(session, list(zones), start, end)
    wip, late = _floor_at(session, zones, end)
    return OrderMeasures(completed, on_time, lead, started, on_schedule, wip, late)


def _epoch(value: Any) -> Any:
    """Seconds since 1970 of an instant (or of a date's midnight, nominally UTC)."""
    return extract("epoch", value)


def _recorded_release(order_id: Any) -> Any:
    return (
        select(func.min(AuditRecord.at))
        .where(AuditRecord.entity == "production_order", AuditRecord.record_id == order_id,
               AuditRecord.new == RELEASED)
        .scalar_subquery()
    )  # fmt: skip


def _completions(
    session: Session, zones: dict[int, str], start: datetime, end: datetime
) -> tuple[int, int, float | None]:
    """Orders completed in the span: how many, how many on time, their mean lead time."""
    done = func.max(Op.actual_end)
    ending = select(Op.production_order_id).where(
        Op.site_id.in_(zones), Op.actual_end >= start, Op.actual_end < end
    )
    per_order = (
        select(PO.site_id, PO.due_date, done.label("done"),
               func.min(Op.actual_start).label("began"),
               _recorded_release(PO.id).label("recorded"))
        .join(Op, Op.production_order_id == PO.id)
        .where(PO.id.in_(ending), PO.status.in_(DONE))
        .group_by(PO.id, PO.site_id, PO.due_date)
        .having(done >= start, done < end)
        .subquery()
    )  # fmt: skip
    o = per_order.c
    released = case((o.recorded < o.began, o.recorded), else_=o.began)
    # the site's wall clock at completion, against the end of the due date
    wall = _epoch(o.done) + _offset(o.site_id, o.done, zones, start, end)
    in_time = case((wall < _epoch(o.due_date) + DAY, 1), else_=0)
    count, on_time, lead = session.execute(
        select(func.count(), func.sum(in_time), func.sum(_epoch(o.done) - _epoch(released)))
    ).one()
    if not count:
        return 0, 0, None
    return int(count), int(on_time or 0), float(lead or 0) / count / HOUR


def _offset(site: Any, at: Any, zones: dict[int, str], start: datetime, end: datetime) -> Any:
    """The UTC offset in seconds of `site`'s time zone at the instant `at` (in the span)."""
    whens: list[tuple[Any, int]] = []
    for ids, pieces in delivery.offsets_by_zone(zones, start, end):
        for (_, offset), (following, _) in pairwise(pieces):
            whens.append((and_(site.in_(ids), at < following), offset))
        whens.append((site.in_(ids), pieces[-1][1]))
    return case(*whens, else_=0)


def _starts(session: Session, sites: list[int], start: datetime, end: datetime) -> tuple[int, int]:
    delay = func.abs(_epoch(Op.actual_start) - _epoch(Op.scheduled_start))
    kept = case((delay <= int(ON_TIME.total_seconds()), 1), else_=0)
    count, on_schedule = session.execute(
        select(func.count(), func.sum(kept)).where(
            Op.site_id.in_(sites), Op.actual_start >= start, Op.actual_start < end,
            Op.scheduled_start.is_not(None),
        )
    ).one()  # fmt: skip
    return int(count or 0), int(on_schedule or 0)


def _floor_at(session: Session, zones: dict[int, str], at: datetime) -> tuple[int, int]:
    """Orders on the floor at `at`, and how many of them were past due. Read: the orders on
    the floor now, and those completed or cancelled since `at`."""
    cancel = and_(ShopEvent.production_order_id == PO.id,
                  ShopEvent.kind == EventKind.order_cancel)  # fmt: skip
    cancelled = select(func.min(ShopEvent.occurred_at)).where(cancel).scalar_subquery()
    since = select(Op.production_order_id).where(Op.site_id.in_(zones), Op.actual_end >= at)
    orders = select(PO.id).where(PO.site_id.in_(zones), PO.scenario_id.is_(None))
    ids: set[int] = set()
    for candidates in (  # each by its own index (an OR of them reads every order)
        PO.status.in_(ON_THE_FLOOR),
        and_(PO.status.in_(DONE), PO.id.in_(since)),  # completed since
        and_(PO.status == OrderStatus.cancelled,
             exists().where(cancel, ShopEvent.occurred_at >= at)),
    ):  # fmt: skip
        ids.update(session.scalars(orders.where(candidates)))
    rows = session.execute(  # by id, in a statement of their own: a few of a long history
        select(PO.site_id, PO.due_date, PO.status, _recorded_release(PO.id),
               func.min(Op.actual_start), func.max(Op.actual_end), cancelled)
        .outerjoin(Op, Op.production_order_id == PO.id)
        .where(PO.id.in_(ids))
        .group_by(PO.id, PO.site_id, PO.due_date, PO.status)
    ).all()  # fmt: skip
    wip = late = 0
    for site, due, status, recorded, began, finished, cancelled_at in rows:
        order = delivery.FloorOrder(
            due, zones[site], delivery.released(recorded, began),
            finished if status in DONE else None,
            cancelled_at if status is OrderStatus.cancelled else None,
        )  # fmt: skip
        if delivery.on_the_floor(order, at):
            wip += 1
            late += delivery.overdue(order, at)
    return wip, late


def labour(session: Session, site_ids: Collection[int], start: datetime, end: datetime) -> Labour:
    if not site_ids or end <= start:
        return Labour(0, 0, 0)
    first, last = int(start.timestamp()), int(end.timestamp())
    found = clocking.stretches(_clockings(session, site_ids, start, end), first, last)
    centers = {s.work_center_id for s in found if s.work_center_id is not None}
    tally = clocking.tally(found, _open_at(session, centers, start, end))
    return Labour(tally.attendance_seconds, tally.work_seconds, tally.people)


def _clockings(
    session: Session, site_ids: Collection[int], start: datetime, end: datetime
) -> list[clocking.Clocking]:
    """The sites' employees' clock events in the span, and each one's last before it (by
    the ledger's index of employee and time: a look back per person, however far). Read as
    plain numbers, in the ledger's order: a 90-day span holds thousands."""
    clock = ShopEvent.kind.in_(CLOCK_EVENTS)
    # their ids, listed: each one's range of the ledger's (employee, time) index is read
    staff = list(session.scalars(select(Employee.id).where(Employee.site_id.in_(site_ids))))
    last_before = (
        select(ShopEvent.id)
        .where(ShopEvent.employee_id == Employee.id, clock, ShopEvent.occurred_at < start)
        .order_by(ShopEvent.occurred_at.desc(), ShopEvent.id.desc())
        .limit(1)
        .correlate(Employee)
        .scalar_subquery()
    )
    before = ShopEvent.id.in_(select(last_before).where(Employee.site_id.in_(site_ids)))
    during = and_(ShopEvent.employee_id.in_(staff), clock, ShopEvent.occurred_at >= start,
                  ShopEvent.occurred_at < end)  # fmt: skip
    coming = case((ShopEvent.kind == EventKind.clock_in, 1), else_=0)
    columns = (ShopEvent.employee_id, _epoch(ShopEvent.occurred_at), ShopEvent.id, coming,
               ShopEvent.work_center_id)  # fmt: skip
    rows = sorted(
        tuple(row) for found in (before, during)
        for row in session.connection().execute(select(*columns).where(found)).all()
    )  # fmt: skip
    return [clocking.Clocking(who, int(at), bool(kind), where) for who, at, _, kind, where in rows]


def _open_at(
    session: Session, centers: set[int], start: datetime, end: datetime
) -> dict[int, list[clocking.Interval]]:
    """Each work center's operations open in the span, merged. One cancelled before its
    completion was open until its last event."""
    if not centers:
        return {}
    until = case(
        (Op.actual_end.is_not(None), _epoch(Op.actual_end)),
        (Op.status == OperationStatus.cancelled, _epoch(Op.last_occurred_at)),
        else_=int(end.timestamp()),
    )
    rows = session.connection().execute(
        select(Op.work_center_id, _epoch(Op.actual_start), until)
        .where(Op.work_center_id.in_(centers), Op.actual_start < end,
               or_(Op.actual_end.is_(None), Op.actual_end > start))
    ).all()  # fmt: skip
    found: dict[int, list[clocking.Interval]] = defaultdict(list)
    for center, began, ended in rows:
        if began < ended:
            found[center].append((int(began), int(ended)))
    return {center: clocking.merged(spans) for center, spans in found.items()}


def inventory_turns(
    session: Session, site_ids: Collection[int], start: datetime, end: datetime
) -> float | None:
    """Value consumed (issues to orders and backflush) in [start, end), per year, over the
    average stock value (the mean of the value on hand at `start` and at `end`), everything
    at the items' standard cost (today's: the item keeps no history of it). None when the
    sites hold no stock value. On hand at `end` is today's balances less the moves that
    occurred since, so only the moves from `start` on are read."""
    if not site_ids or end <= start:
        return None
    value = StockMove.quantity * Item.standard_cost
    later, inside = StockMove.occurred_at >= end, StockMove.occurred_at < end
    consumed = and_(inside, StockMove.kind.in_(CONSUMED))
    since, moved, used = session.execute(
        select(func.sum(case((later, value), else_=0)), func.sum(case((inside, value), else_=0)),
               func.sum(case((consumed, -value), else_=0)))
        .join(Item, Item.id == StockMove.item_id)
        .where(StockMove.site_id.in_(site_ids), StockMove.occurred_at >= start)
    ).one()  # fmt: skip
    held = session.scalar(
        select(func.sum(StockBalance.on_hand * Item.standard_cost))
        .join(Item, Item.id == StockBalance.item_id)
        .where(StockBalance.site_id.in_(site_ids))
    )
    at_end = _number(held) - _number(since)
    at_start = at_end - _number(moved)
    average = (at_start + at_end) / 2
    if average <= 0:
        return None
    return _number(used) * (YEAR / (end - start)) / average


def _number(value: Any) -> float:
    return float(value) if value is not None else 0.0
