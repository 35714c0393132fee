"""A site's past, simulated: production orders of its made items week by week (loading
each work center to about `load` of its shift time), released to the floor, run by the
engine from `start` until `now`, and what happened posted through the same recording
service as the terminals' events (execution.recording), in time order. Deterministic for
a seed; orders still under way at `now` stay under way."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from plantops.access.caller import SYSTEM
from plantops.execution import release
from plantops.execution.models import OrderOperation
from plantops.masterdata import calendar as cal
from plantops.masterdata import models as md
from plantops.masterdata.availability import shift_calendar
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.simulation.engine import simulate
from plantops.simulation.model import Floor, Job, Station, Step
from plantops.simulation.posting import Reasons, post
from plantops.simulation.rates_file import RatesBook
from plantops.storage.engine import unit_of_work
from plantops.types import OrderStatus

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class SiteHistory:
    site: str
    orders: int
    events: int
    finished: int


def make_history(
    factory: sessionmaker[Session], site_code: str, start: datetime, now: datetime,
    book: RatesBook, seed: int = 1, load: float = 0.75,
) -> SiteHistory:  # fmt: skip
    """Simulate `site_code` from `start` to `now` and post what happened."""
    with unit_of_work(factory) as session:
        site = session.scalars(select(Site).where(Site.code == site_code)).one()
        centers = centers_of(session, site)
        floor, reasons = _floor(session, site, centers, start, now, book, seed, load)
    run = simulate(floor, seed)
    events = post(factory, site_code, seed, run, start, reasons)
    return SiteHistory(site_code, len(floor.jobs), events, sum(1 for j in run.jobs if j.finished))


def centers_of(session: Session, site: Site) -> list[md.WorkCenter]:
    return list(
        session.scalars(
            select(md.WorkCenter)
            .where(md.WorkCenter.site_id == site.id)
            .options(
                selectinload(md.WorkCenter.setup_matrix),
                selectinload(md.WorkCenter.downtime_windows),
            )
            .order_by(md.WorkCenter.code)
        )
    )


def _floor(
    session: Session, site: Site, centers: list[md.WorkCenter], start: datetime, now: datetime,
    book: RatesBook, seed: int, load: float,
) -> tuple[Floor, Reasons]:  # fmt: skip
    origin = start
    stations = tuple(station_of(session, site, c, start, now, book, origin) for c in centers)
    chance = random.Random(f"{seed}:{site.code}")
    orders = release_new(session, site, stations, start, now, chance, load, "H")
    jobs, sequence = [], defaultdict(list)
    steps = _steps(session, site, [o.id for o in orders])
    for order in orders:
        job_steps = tuple(steps[order.id])
        release_at = seconds_from(origin, datetime.combine(order.release_date, time.min, UTC))
        due_at = seconds_from(origin, datetime.combine(order.due_date, time.max, UTC))
        jobs.append(Job(order.id, job_steps, due=due_at, release=max(0, release_at)))
    for job in sorted(jobs, key=lambda j: (j.due, j.release, j.id)):  # earliest due first
        for step in job.steps:
            sequence[step.station].append(step.id)
    floor = Floor(
        stations, tuple(jobs), {k: tuple(v) for k, v in sequence.items()},
        start=0, end=seconds_from(origin, now),
    )  # fmt: skip
    return floor, reasons_of(session, site)


def release_new(
    session: Session, site: Site, stations: tuple[Station, ...], start: datetime,
    end: datetime, chance: random.Random, load: float, prefix: str, first: int = 1,
) -> list[ProductionOrder]:  # fmt: skip
    """New orders for [start, end), week by week up to `load` of each work center's shift
    time (stations counted from `start`), released to the floor; codes MO-<site>-<prefix>n,
    n from `first`."""
    room = {s.id: _open_by_week(s, int((end - start).total_seconds())) for s in stations}
    orders = _orders(session, site, start, end, room, chance, load, prefix, first)
    session.flush()
    for order in orders:
        release.release(session, SYSTEM, order.id, "released by the plant simulation")
    session.flush()
    return orders


def seconds_from(origin: datetime, moment: datetime) -> int:
    """A moment as the engine counts time: whole seconds from the run's origin."""
    return int((moment - origin).total_seconds())


def station_of(
    session: Session, site: Site, center: md.WorkCenter, start: datetime, end: datetime,
    book: RatesBook, origin: datetime,
) -> Station:  # fmt: skip
    calendar = session.get(md.Calendar, center.calendar_id)
    assert calendar is not None  # a foreign key
    windows = list(center.downtime_windows)  # planned maintenance: closed, as shifts are
    found = cal.availability(shift_calendar(calendar, site.time_zone, windows), start, end)
    return Station(
        id=center.id,
        open=tuple(
            (seconds_from(origin, i.start), seconds_from(origin, i.end)) for i in found.intervals
        ),
        rates=book.rates(site.code, center.code, center.kind.value),
        capacity=center.parallel_capacity,
        changeovers={
            (t.from_family, t.to_family): t.changeover_seconds for t in center.setup_matrix
        },
    )


def _open_by_week(station: Station, end: int) -> list[float]:
    weeks = [0.0] * (end // int(WEEK.total_seconds()) + 1)
    for begin, finish in station.open:
        weeks[begin // int(WEEK.total_seconds())] += (finish - begin) * station.capacity
    return weeks


def _orders(
    session: Session, site: Site, start: datetime, now: datetime, room: dict[int, list[float]],
    chance: random.Random, load: float, prefix: str, first: int,
) -> list[ProductionOrder]:  # fmt: skip
    """Orders week by week, made items in a shuffled round, each taken while the work
    centers of its primary route have room left that week."""
    routings = list(
        session.scalars(
            select(md.Routing).where(md.Routing.site_id == site.id)
            .options(selectinload(md.Routing.operations).selectinload(md.Operation.alternatives))
            .order_by(md.Routing.code)
        )
    )  # fmt: skip
    routes = []
    for routing in routings:
        primary = [min(o.alternatives, key=lambda a: a.preference) for o in routing.operations
                   if o.alternatives]  # fmt: skip
        if primary:
            routes.append((routing.item_id, routing.code, primary))
    orders: list[ProductionOrder] = []
    weeks = len(next(iter(room.values()), []))
    for week in range(weeks):
        monday = (start + week * WEEK).date()
        if week and monday >= now.date():
            break
        used: dict[int, float] = defaultdict(float)
        for _ in range(3):  # rounds: the common items come up several times a week
            for item_id, _, primary in chance.sample(routes, len(routes)):
                slowest = max(a.run_seconds_per_unit for a in primary)
                quantity = max(5, min(200, round(chance.uniform(2, 6) * 3600 / slowest / 5) * 5))
                need = {a.work_center_id: a.setup_seconds + a.run_seconds_per_unit * quantity
                        for a in primary}  # fmt: skip
                if any(used[c] + n > load * room[c][week] for c, n in need.items() if c in room):
                    continue
                for c, n in need.items():
                    used[c] += n
                number = f"{prefix}{first + len(orders):04d}"
                orders.append(_order(site, item_id, number, quantity, monday, chance))
    for order in orders:
        session.add(order)
    return orders


def _order(
    site: Site, item_id: int, number: str, quantity: int, monday: date, chance: random.Random
) -> ProductionOrder:
    return ProductionOrder(
        site_id=site.id, code=f"MO-{site.code}-{number}", item_id=item_id,
        quantity=Decimal(quantity), status=OrderStatus.approved, release_date=monday,
        due_date=monday + timedelta(days=chance.choice((4, 7, 9, 11))),
        priority=chance.randint(1, 5),
    )  # fmt: skip


@dataclass(frozen=True)
class Way:
    """How a routing operation runs on one of its work centers."""

    sequence: int  # the operation's place in its routing
    run_seconds_per_unit: float
    setup_seconds: int
    setup_family: str

    def step(self, ident: int, station: int, quantity: int, started: bool = False) -> Step:
        return Step(ident, station, quantity, self.run_seconds_per_unit, self.setup_seconds,
                    self.setup_family, started)  # fmt: skip


def ways_of(session: Session, site_id: int) -> dict[tuple[int, int], Way]:
    """(operation id, work center id) -> how it runs there, for the site's routings."""
    a, op = md.OperationAlternative, md.Operation
    rows = session.execute(
        select(a.operation_id, a.work_center_id, op.sequence, a.run_seconds_per_unit,
               a.setup_seconds, op.setup_family)
        .join(op, op.id == a.operation_id)
        .join(md.Routing, md.Routing.id == op.routing_id)
        .where(md.Routing.site_id == site_id)
    )  # fmt: skip
    return {(o, c): Way(n, run, setup, family or "") for o, c, n, run, setup, family in rows}


def _steps(session: Session, site: Site, order_ids: list[int]) -> dict[int, list[Step]]:
    ways = ways_of(session, site.id)
    steps: dict[int, list[Step]] = defaultdict(list)
    found = session.scalars(
        select(OrderOperation)
        .where(OrderOperation.production_order_id.in_(order_ids))
        .order_by(OrderOperation.production_order_id, OrderOperation.sequence)
    )
    for operation in found:
        way = ways[(operation.operation_id, operation.work_center_id)]
        steps[operation.production_order_id].append(
            way.step(operation.id, operation.work_center_id, int(operation.planned_quantity))
        )
    return steps


def reasons_of(session: Session, site: Site) -> Reasons:
    found = session.scalars(
        select(md.ReasonCode).where(md.ReasonCode.site_id == site.id).order_by(md.ReasonCode.code)
    )
    by_loss: dict[str, list[int]] = defaultdict(list)
    for reason in found:
        by_loss[reason.loss_category.value].append(reason.id)
    return {loss: tuple(ids) for loss, ids in by_loss.items()}
