"""Rough-cut capacity: the hours the plan's production orders ask of each work center, week
by week, against the hours its calendar gives, overloads flagged, before any detailed
schedule. Each order's hours (setup plus run time of its routing, on each operation's
preferred work center) fall in the week it is released, the textbook bill-of-resources
offset. Crews are not counted here: the schedule does that."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.masterdata import calendar as cal
from plantops.masterdata import models as md
from plantops.masterdata.availability import shift_calendar
from plantops.planning import models as m
from plantops.planning.shop import routings
from plantops.planning.sites import visible_site

MAX_WEEKS = 52


@dataclass(frozen=True)
class Week:
    work_center: str
    week: date  # its Monday
    load_hours: float
    available_hours: float

    @property
    def overloaded(self) -> bool:
        return self.load_hours > self.available_hours

    @property
    def utilisation(self) -> float | None:
        return self.load_hours / self.available_hours if self.available_hours else None


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rough_cut(
    session: Session,
    caller: Caller,
    site_id: int,
    first: date,
    weeks: int,
    scenario_id: int | None = None,
) -> list[Week]:
    """Every work center of the site, `weeks` weeks from the week of `first`."""
    caller.require(Domain.planning, Action.read, "rough-cut capacity")
    site = visible_site(session, caller, site_id)
    start = monday(first)
    mondays = [start + timedelta(weeks=k) for k in range(weeks)]
    load = _load(session, site.id, scenario_id, mondays)
    centers = session.scalars(
        select(md.WorkCenter)
        .where(md.WorkCenter.site_id == site.id)
        .options(selectinload(md.WorkCenter.downtime_windows))
        .order_by(md.WorkCenter.code)
    ).all()
    out = []
    for center in centers:
        available = _available(session, site.time_zone, center, mondays)
        for week, hours in zip(mondays, available, strict=True):
            out.append(Week(center.code, week, round(load[center.code, week], 2), hours))
    return out


def _load(
    session: Session, site_id: int, scenario_id: int | None, mondays: list[date]
) -> dict[tuple[str, date], float]:
    """Hours asked per (work center, week) by the plan's orders released in those weeks."""
    mine = m.in_scenario(m.ProductionOrder.scenario_id, scenario_id)
    orders = session.execute(
        select(md.Item.code, m.ProductionOrder.quantity, m.ProductionOrder.release_date)
        .join(md.Item, md.Item.id == m.ProductionOrder.item_id)
        .where(
            m.ProductionOrder.site_id == site_id,
            mine,
            m.ProductionOrder.release_date < mondays[-1] + timedelta(weeks=1),
        )
    ).all()
    routes = routings(session, site_id)
    load: dict[tuple[str, date], float] = defaultdict(float)
    for item, quantity, release in orders:
        week = max(monday(release), mondays[0])  # overdue releases load the first week
        for step in routes.get(item, ()):
            if step.alternatives:  # the preferred work center
                best = step.alternatives[0]
                seconds = best.setup_seconds + math.ceil(
                    best.run_seconds_per_unit * float(quantity)
                )
                load[best.work_center, week] += seconds / 3600
    return load


def _available(
    session: Session, time_zone: str, center: md.WorkCenter, mondays: list[date]
) -> list[float]:
    calendar = session.get(md.Calendar, center.calendar_id)
    assert calendar is not None  # a foreign key
    pattern = shift_calendar(calendar, time_zone, list(center.downtime_windows))
    zone = ZoneInfo(time_zone)
    out = []
    for week in mondays:
        begin = cal.to_utc(datetime.combine(week, datetime.min.time()), zone)
        end = cal.to_utc(datetime.combine(week + timedelta(weeks=1), datetime.min.time()), zone)
        seconds = cal.total_seconds(cal.available_intervals(pattern, begin, end))
        out.append(round(seconds * center.parallel_capacity / 3600, 2))
    return out
