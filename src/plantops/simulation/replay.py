"""A plan's schedule as a floor to simulate: the orders it starts within `days` of its
first operation, each operation on the work center and in the sequence the plan gave it,
released when the plan starts it, due when the order is due (end of day, site time);
run many times (simulation.robustness) beside what the plan promises on paper."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import NotFound
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.simulation.history import centers_of, seconds_from, station_of, ways_of
from plantops.simulation.model import Floor, Job
from plantops.simulation.rates_file import RatesBook
from plantops.types import PlanRunStatus


@dataclass(frozen=True)
class PlannedFloor:
    run_id: int
    site: str
    origin: datetime  # time 0 of the floor: the plan's first operation in the window
    floor: Floor
    on_paper_on_time: float  # share of the jobs the schedule finishes by their due time
    on_paper_makespan_hours: float


def plan_floor(
    session: Session, caller: Caller, site_code: str | None, run_id: int | None,
    book: RatesBook, days: int = 7,
) -> PlannedFloor:  # fmt: skip
    run = _run(session, caller, site_code, run_id)
    site = session.get(Site, run.site_id)
    assert site is not None
    slots = list(
        session.scalars(
            select(m.ScheduledOperation)
            .where(m.ScheduledOperation.plan_run_id == run.id)
            .order_by(m.ScheduledOperation.starts_at, m.ScheduledOperation.id)
        )
    )
    if not slots:
        raise NotFound(f"plan run {run.id} scheduled no operation to simulate")
    origin = slots[0].starts_at
    window_end = origin + timedelta(days=days)
    orders = {
        o.id: o
        for o in session.scalars(
            select(m.ProductionOrder).where(m.ProductionOrder.plan_run_id == run.id)
        )
    }
    by_order: dict[int, list[m.ScheduledOperation]] = defaultdict(list)
    for slot in slots:
        by_order[slot.production_order_id].append(slot)
    chosen = {i: s for i, s in by_order.items() if s[0].starts_at < window_end and i in orders}
    zone = ZoneInfo(site.time_zone)
    ways = ways_of(session, site.id)
    jobs, queues = [], defaultdict(list)
    ends, dues = {}, {}
    for order_id, order_slots in chosen.items():
        order = orders[order_id]
        order_slots.sort(key=lambda s: ways[(s.operation_id, s.work_center_id)].sequence)
        steps = []
        for slot in order_slots:
            way = ways[(slot.operation_id, slot.work_center_id)]
            steps.append(way.step(slot.id, slot.work_center_id, int(order.quantity)))
            queues[slot.work_center_id].append((slot.starts_at, slot.id))
        due = datetime.combine(order.due_date, time.max, zone)
        release = max(0, seconds_from(origin, order_slots[0].starts_at))
        jobs.append(Job(order_id, tuple(steps), due=seconds_from(origin, due), release=release))
        ends[order_id], dues[order_id] = max(s.ends_at for s in order_slots), due
    horizon = max(max(ends.values()), window_end) + timedelta(days=days)
    centers = [c for c in centers_of(session, site) if c.id in queues]
    stations = tuple(station_of(session, site, c, origin, horizon, book, origin) for c in centers)
    sequence = {c: tuple(i for _, i in sorted(q)) for c, q in queues.items()}
    floor = Floor(stations, tuple(jobs), sequence, start=0, end=seconds_from(origin, horizon))
    paper_on_time = sum(1 for i in ends if ends[i] <= dues[i]) / len(ends)
    paper_span = seconds_from(origin, max(ends.values())) / 3600
    return PlannedFloor(run.id, site.code, origin, floor, paper_on_time, paper_span)


def _run(session: Session, caller: Caller, site_code: str | None, run_id: int | None) -> m.PlanRun:
    if run_id is not None:
        run = session.get(m.PlanRun, run_id)
        if run is None or not caller.scope.allows(run.site_id):
            raise NotFound(f"plan run {run_id} not found")
        if run.status is not PlanRunStatus.succeeded:
            raise NotFound(f"plan run {run_id} has no schedule: it is {run.status}")
        return run
    query = select(m.PlanRun).where(
        m.PlanRun.status == PlanRunStatus.succeeded, m.PlanRun.scenario_id.is_(None)
    )
    if site_code is not None:
        site = session.scalar(select(Site).where(Site.code == site_code))
        if site is None or not caller.scope.allows(site.id):
            raise NotFound(f"site {site_code} not found")
        query = query.where(m.PlanRun.site_id == site.id)
    run = session.scalar(query.order_by(m.PlanRun.id.desc()).limit(1))
    if run is None or not caller.scope.allows(run.site_id):
        where = f" at {site_code}" if site_code else ""
        raise NotFound(f"no plan has been run{where}: run one first (plantops plan run)")
    return run
