"""What the daily and shift reports say beside the KPIs, read from the floor: the breakdowns
of the period, the problems still open, what was made against plan, and staffing. Each read
goes through the ledger's (work center, occurred) index, the site's work centers listed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, selectinload

from plantops.execution.lifecycle import EventKind
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.execution.stations import latest_state
from plantops.kpi.report_model import Incident, ProductLine, StaffingLine
from plantops.kpi.shifts import NamedShift, shift_instances
from plantops.masterdata.models import Calendar, Item, Operation, ReasonCode, WorkCenter
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.types import ON_THE_FLOOR, LossCategory, OrderStatus, WorkCenterState
from plantops.workforce.models import Employee

E = EventKind
REPAIR_LOOKAHEAD = timedelta(days=3)  # a breakdown's end is looked for this far on
LISTED = 20  # problems of a kind named one by one; the rest counted


def _centers(session: Session, site_id: int) -> dict[int, WorkCenter]:
    rows = session.scalars(select(WorkCenter).where(WorkCenter.site_id == site_id))
    return {c.id: c for c in rows}


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%Y-%m-%d %H:%M}"


def incidents(
    session: Session, site: Site, start: datetime, end: datetime, now: datetime
) -> list[Incident]:
    """Breakdowns that began in [start, end), longest first: how long until the work center
    reported another state (or until now, still down)."""
    centers = _centers(session, site.id)
    zone = ZoneInfo(site.time_zone)
    rows = session.execute(
        select(ShopEvent.work_center_id, ShopEvent.occurred_at, ShopEvent.state,
               ReasonCode.name, ReasonCode.loss_category)
        .outerjoin(ReasonCode, ReasonCode.id == ShopEvent.reason_code_id)
        .where(ShopEvent.work_center_id.in_(centers), ShopEvent.kind == E.work_center_state,
               ShopEvent.occurred_at >= start,
               ShopEvent.occurred_at < min(end + REPAIR_LOOKAHEAD, now + timedelta(seconds=1)))
        .order_by(ShopEvent.work_center_id, ShopEvent.occurred_at, ShopEvent.id)
    ).all()  # fmt: skip
    found = []
    for i, (center, at, state, reason, loss) in enumerate(rows):
        if center is None or state != WorkCenterState.down or loss != LossCategory.breakdown:
            continue
        if at >= end:
            continue
        after = rows[i + 1] if i + 1 < len(rows) and rows[i + 1][0] == center else None
        until = after[1] if after is not None else now
        minutes = max(0.0, (until - at).total_seconds() / 60)
        found.append(
            Incident(_local(at, zone), centers[center].code, str(reason or ""), minutes,
                     open=after is None)
        )  # fmt: skip
    return sorted(found, key=lambda i: (-i.minutes, i.at))


def open_problems(session: Session, site: Site, now: datetime) -> list[str]:
    """Work centers down now, orders on the floor past their due date, orders on hold."""
    zone = ZoneInfo(site.time_zone)
    problems = []
    for center in sorted(_centers(session, site.id).values(), key=lambda c: c.code):
        latest = latest_state(session, center.id)
        if latest is not None and latest.state == WorkCenterState.down:
            problems.append(f"{center.code} down since {_local(latest.occurred_at, zone)}")
    today = now.astimezone(zone).date()
    orders = session.execute(
        select(ProductionOrder.code, ProductionOrder.status, ProductionOrder.due_date)
        .where(ProductionOrder.site_id == site.id, ProductionOrder.scenario_id.is_(None),
               ProductionOrder.status.in_(ON_THE_FLOOR))
        .order_by(ProductionOrder.due_date, ProductionOrder.code)
    ).all()  # fmt: skip
    held = [f"{code} on hold" for code, status, _ in orders if status == OrderStatus.on_hold]
    late = [f"{code} late: due {due:%Y-%m-%d}" for code, _, due in orders if due < today]
    for kind in (held, late):
        problems += kind[:LISTED]
        if len(kind) > LISTED:
            problems.append(f"and {len(kind) - LISTED} more like these")
    return problems


def _last_operations() -> Select[Any]:
    last = (
        select(OrderOperation.production_order_id, func.max(OrderOperation.sequence).label("seq"))
        .group_by(OrderOperation.production_order_id)
        .subquery()
    )
    return select(OrderOperation.id).join(
        last,
        and_(last.c.production_order_id == OrderOperation.production_order_id,
             last.c.seq == OrderOperation.sequence),
    )  # fmt: skip


def products(session: Session, site: Site, start: datetime, end: datetime) -> list[ProductLine]:
    """Per item: the quantity of last operations scheduled to finish in [start, end) (the
    plan), and the good and scrap reported at last operations in it (what was made)."""
    last = _last_operations().where(OrderOperation.site_id == site.id)
    planned = session.execute(
        select(ProductionOrder.item_id, func.sum(OrderOperation.planned_quantity))
        .join(ProductionOrder, ProductionOrder.id == OrderOperation.production_order_id)
        .where(OrderOperation.id.in_(last), OrderOperation.scheduled_end >= start,
               OrderOperation.scheduled_end < end)
        .group_by(ProductionOrder.item_id)
    ).all()  # fmt: skip
    made = session.execute(
        select(ProductionOrder.item_id, func.sum(ShopEvent.good), func.sum(ShopEvent.scrap))
        .join(ProductionOrder, ProductionOrder.id == ShopEvent.production_order_id)
        .where(ShopEvent.work_center_id.in_(_centers(session, site.id)),
               ShopEvent.occurred_at >= start, ShopEvent.occurred_at < end,
               ShopEvent.kind.in_((E.operation_report, E.operation_complete)),
               ShopEvent.order_operation_id.in_(last))
        .group_by(ProductionOrder.item_id)
    ).all()  # fmt: skip
    figures: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for item, quantity in planned:
        figures[item][0] += quantity or 0
    for item, good, scrap in made:
        figures[item][1] += good or 0
        figures[item][2] += scrap or 0
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(figures)))}
    lines = [
        ProductLine(items[i].code, items[i].name, float(p), float(g), float(s))
        for i, (p, g, s) in figures.items()
    ]
    return sorted(lines, key=lambda line: line.item)


def staffing(
    session: Session, site: Site, shifts: list[tuple[str, datetime, datetime]]
) -> list[StaffingLine]:
    """Per shift: the people its scheduled operations need (the largest crew on each work
    center while the shift runs, summed), and the people who clocked in for it (from an hour
    before it starts)."""
    staff = select(Employee.id).where(Employee.site_id == site.id)
    found = []
    for name, start, end in shifts:
        crews = session.execute(
            select(OrderOperation.work_center_id, func.max(Operation.crew_size))
            .join(Operation, Operation.id == OrderOperation.operation_id)
            .where(OrderOperation.site_id == site.id, OrderOperation.scheduled_start < end,
                   OrderOperation.scheduled_end > start)
            .group_by(OrderOperation.work_center_id)
        ).all()  # fmt: skip
        people = session.scalar(
            select(func.count(func.distinct(ShopEvent.employee_id))).where(
                ShopEvent.employee_id.in_(staff), ShopEvent.kind == E.clock_in,
                ShopEvent.occurred_at >= start - timedelta(hours=1), ShopEvent.occurred_at < end,
            )
        )  # fmt: skip
        found.append(StaffingLine(name, sum(int(c or 0) for _, c in crews), int(people or 0)))
    return found


def shift_spans(session: Session, site_id: int, day: date) -> list[tuple[str, datetime, datetime]]:
    """The day's shifts at the site, from the calendars of its work centers: name, the
    earliest start and the latest end among the calendars that have it, in start order."""
    site = session.get(Site, site_id)
    assert site is not None
    used = select(WorkCenter.calendar_id).where(WorkCenter.site_id == site_id)
    calendars = session.scalars(
        select(Calendar).where(Calendar.id.in_(used)).options(selectinload(Calendar.shifts))
    )
    found: dict[str, tuple[datetime, datetime]] = {}
    for calendar in calendars:
        pattern = tuple(NamedShift(s.name, s.weekday, s.start_time, s.end_time)
                        for s in calendar.shifts)  # fmt: skip
        for p in shift_instances(pattern, site.time_zone, day, day):
            start, end = found.get(p.shift, (p.start, p.end))
            found[p.shift] = (min(start, p.start), max(end, p.end))
    return sorted(((name, a, b) for name, (a, b) in found.items()), key=lambda s: (s[1], s[0]))
