"""What the schedule of a plan run reads: the site's work centers with their available time,
routings, the people who hold each skill and when they work, and where firm and released
orders were scheduled last. Time is seconds from `start` (the site's midnight today)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plantops.errors import FieldError
from plantops.masterdata import calendar as cal
from plantops.masterdata import models as md
from plantops.masterdata.availability import shift_calendar, site_calendars
from plantops.planning import crews
from plantops.planning import models as m
from plantops.planning.pinned import held
from plantops.scheduling.problem import Changeover, Pool, Resource
from plantops.types import ON_THE_FLOOR, OrderStatus
from plantops.workforce.models import Employee, EmployeeSkill, Skill

LATE_SLACK = timedelta(days=365)  # time past the horizon, for orders that end late


@dataclass(frozen=True)
class Alternative:
    work_center: str
    setup_seconds: int
    run_seconds_per_unit: float


@dataclass(frozen=True)
class Step:
    """One operation of a routing."""

    operation_id: int
    sequence: int
    setup_family: str | None
    skill: str | None
    crew_size: int
    overlap: float  # share done before the next step may start (1: finish to start)
    alternatives: tuple[Alternative, ...]


@dataclass
class Shop:
    start: datetime  # UTC instant of time 0
    zone: ZoneInfo
    routings: dict[str, tuple[Step, ...]]  # by item code
    resources: tuple[Resource, ...]
    pools: tuple[Pool, ...]
    work_center_ids: dict[str, int]
    pinned: dict[tuple[str, int], tuple[int, str]]  # (order, operation id) -> (start, center)
    problems: list[FieldError] = field(default_factory=list)

    def seconds(self, instant: datetime) -> int:
        return int((instant - self.start).total_seconds())

    def at(self, seconds: int) -> datetime:
        return self.start + timedelta(seconds=seconds)

    def midnight(self, day: date) -> int:
        """Seconds to the site's midnight starting `day` (0 for days before today)."""
        return max(0, self.seconds(self.day_start(day)))

    def day_start(self, day: date) -> datetime:
        """The instant the site's `day` begins (its midnight, in UTC)."""
        return cal.to_utc(datetime.combine(day, datetime.min.time()), self.zone)


def read_shop(
    session: Session, site_id: int, time_zone: str, today: date, horizon_days: int
) -> Shop:
    zone = ZoneInfo(time_zone)
    start = cal.to_utc(datetime.combine(today, datetime.min.time()), zone)
    end = start + timedelta(days=horizon_days) + LATE_SLACK
    shop = Shop(start, zone, {}, (), (), {}, {})
    centers = session.scalars(
        select(md.WorkCenter)
        .where(md.WorkCenter.site_id == site_id)
        .options(
            selectinload(md.WorkCenter.setup_matrix), selectinload(md.WorkCenter.downtime_windows)
        )
    ).all()
    calendars = site_calendars(session, site_id)
    shop.work_center_ids = {c.code: c.id for c in centers}
    names = {c.id: c.code for c in centers}
    skills = dict(
        session.execute(select(Skill.id, Skill.code).where(Skill.site_id == site_id)).all()
    )
    shop.routings = _routings(session, site_id, names, skills)
    needs = _crews_by_center(shop.routings)
    on_shift = _on_shift(session, shop, site_id, skills, calendars, time_zone, end)
    shop.resources = tuple(
        _resource(shop, c, calendars[c.calendar_id], time_zone, end, needs[c.code], on_shift)
        for c in centers
    )
    working: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for resource in shop.resources:
        for skill in needs[resource.id]:
            working[skill] += resource.available or ()
    horizon = shop.seconds(end)
    shop.pools = tuple(
        crews.pool(skill, on_shift.get(skill, {}), crews.union(working[skill]), horizon)
        for skill in sorted(working)
    )
    # where firm orders and the floor's run, and where planners pinned operations
    shop.pinned = _pinned(session, shop, site_id, names) | {
        key: (shop.seconds(at), center) for key, (at, center) in held(session, site_id).items()
    }
    _check_crews(shop, needs, on_shift)
    return shop


def _intervals(
    shop: Shop, calendar: cal.ShiftCalendar, end: datetime
) -> tuple[tuple[int, int], ...]:
    found = cal.available_intervals(calendar, shop.start, end)
    return tuple((shop.seconds(a), shop.seconds(b)) for a, b in found)


def _resource(
    shop: Shop,
    center: md.WorkCenter,
    calendar: md.Calendar,
    time_zone: str,
    end: datetime,
    needs: dict[str, int],
    on_shift: dict[str, dict[int, int]],
) -> Resource:
    """The work center, working while its calendar says so and its crews are on shift."""
    pattern = shift_calendar(calendar, time_zone, list(center.downtime_windows))
    available = list(_intervals(shop, pattern, end))
    for skill, crew in needs.items():
        available = crews.intersect(available, crews.staffed(on_shift.get(skill, {}), crew))
    changeovers = tuple(
        Changeover(t.from_family, t.to_family, t.changeover_seconds)
        for t in center.setup_matrix
        if t.from_family != t.to_family
    )
    capacity = center.parallel_capacity
    # the engine sequences changeovers on single machines; a multi-slot center has none
    return Resource(center.code, capacity, tuple(available), changeovers if capacity == 1 else ())


def _crews_by_center(routings: dict[str, tuple[Step, ...]]) -> dict[str, dict[str, int]]:
    """Per work center, each skill its operations need and the largest crew."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for steps in routings.values():
        for step in steps:
            if step.skill:
                for alt in step.alternatives:
                    crew = out[alt.work_center].get(step.skill, 0)
                    out[alt.work_center][step.skill] = max(crew, step.crew_size)
    return out


def routings(session: Session, site_id: int) -> dict[str, tuple[Step, ...]]:
    """Per item code, the operations of its routing (the first by code when it has several),
    each with its alternatives, the preferred first."""
    centers = select(md.WorkCenter.id, md.WorkCenter.code).where(md.WorkCenter.site_id == site_id)
    skills = select(Skill.id, Skill.code).where(Skill.site_id == site_id)
    names = {i: c for i, c in session.execute(centers).all()}
    return _routings(session, site_id, names, {i: c for i, c in session.execute(skills).all()})


def _routings(
    session: Session, site_id: int, centers: dict[int, str], skills: dict[int, str]
) -> dict[str, tuple[Step, ...]]:
    rows = session.execute(
        select(md.Routing, md.Item.code)
        .join(md.Item, md.Item.id == md.Routing.item_id)
        .where(md.Routing.site_id == site_id)
        .order_by(md.Routing.code)
        .options(selectinload(md.Routing.operations).selectinload(md.Operation.alternatives))
    ).all()
    out: dict[str, tuple[Step, ...]] = {}
    for routing, item in rows:
        if item in out:  # an item with several routings is made by the first (by code)
            continue
        out[item] = tuple(
            Step(
                op.id,
                op.sequence,
                op.setup_family,
                skills.get(op.skill_id) if op.skill_id else None,
                op.crew_size,
                op.overlap,
                tuple(
                    Alternative(centers[a.work_center_id], a.setup_seconds, a.run_seconds_per_unit)
                    for a in sorted(op.alternatives, key=lambda a: a.preference)
                ),
            )
            for op in routing.operations
        )
    return out


def _on_shift(
    session: Session,
    shop: Shop,
    site_id: int,
    skills: dict[int, str],
    calendars: dict[int, md.Calendar],
    time_zone: str,
    end: datetime,
) -> dict[str, dict[int, int]]:
    """Per skill, the headcount of its holders on shift over time."""
    holders: dict[str, list[int]] = defaultdict(list)
    rows = session.execute(
        select(EmployeeSkill.skill_id, Employee.shift_calendar_id)
        .join(Employee, Employee.id == EmployeeSkill.employee_id)
        .where(Employee.site_id == site_id)
    ).all()
    for skill_id, calendar_id in rows:
        holders[skills[skill_id]].append(calendar_id)
    shifts: dict[int, list[tuple[int, int]]] = {}
    for calendar_id in {c for ids in holders.values() for c in ids}:
        pattern = shift_calendar(calendars[calendar_id], time_zone, [])
        shifts[calendar_id] = list(_intervals(shop, pattern, end))
    return {skill: crews.headcount(shifts[c] for c in ids) for skill, ids in holders.items()}


def _pinned(
    session: Session, shop: Shop, site_id: int, centers: dict[int, str]
) -> dict[tuple[str, int], tuple[int, str]]:
    """Where firm orders and those on the floor were scheduled: they stay there."""
    rows = session.execute(
        select(m.ProductionOrder.code, m.ScheduledOperation)
        .join(
            m.ScheduledOperation, m.ScheduledOperation.production_order_id == m.ProductionOrder.id
        )
        .where(
            m.ProductionOrder.site_id == site_id,
            m.ProductionOrder.status.in_((OrderStatus.firm, *ON_THE_FLOOR)),
        )
    ).all()
    return {
        (code, op.operation_id): (shop.seconds(op.starts_at), centers[op.work_center_id])
        for code, op in rows
    }


def _check_crews(
    shop: Shop, needs: dict[str, dict[str, int]], on_shift: dict[str, dict[int, int]]
) -> None:
    """An operation nobody can run, or whose crew is never on shift together."""
    for item, steps in shop.routings.items():
        for step in steps:
            where = ("routings", item, "operations", step.sequence)
            if not step.alternatives:
                shop.problems.append(
                    FieldError((*where, "alternatives"), "no work center can run it")
                )
            if step.skill and not crews.staffed(on_shift.get(step.skill, {}), step.crew_size):
                message = f"needs {step.crew_size} holding {step.skill}: never on shift together"
                shop.problems.append(FieldError((*where, "skill"), message))
