"""The demo plant producing while people watch: each site's open work (released orders'
operations not yet done, in dispatch order) run by the engine in accelerated real time
(simpy.rt: `speed` simulated seconds per second), and each happening posted at once
through the recording service, as a terminal would, with the server's clock. Every few
simulated hours the floor is read again, so what people did meanwhile (a hold, a
completion, a new release) is taken up. Refusals are counted, not fatal: a person may have
done first what the model was about to."""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial

import simpy.rt
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import SYSTEM
from plantops.errors import DomainError
from plantops.execution.models import OrderOperation
from plantops.execution.recording import Sent, record_each
from plantops.execution.stations import latest_state
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.simulation.engine import simulate
from plantops.simulation.history import (
    centers_of,
    reasons_of,
    release_new,
    station_of,
    ways_of,
)
from plantops.simulation.model import Floor, Happening, Job, Station, Step
from plantops.simulation.posting import Reasons, event
from plantops.simulation.rates_file import RatesBook
from plantops.storage.engine import unit_of_work, with_retries
from plantops.types import OperationStatus

log = logging.getLogger("plantops.simulation.live")
ROUND = 8 * 3600  # simulated seconds between two readings of the floor
LOAD = 0.75  # of each work center's shift time, in the orders released to keep it busy
OPEN = (OperationStatus.ready, OperationStatus.released, OperationStatus.in_progress)


class Stopped(Exception):
    """Raised inside the model to end the live run."""


@dataclass
class Tally:
    posted: int = 0
    refused: int = 0
    rounds: int = 0
    last_refusal: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def live_floor(
    session: Session, site: Site, origin: datetime, book: RatesBook, seconds: int, seed: int = 1
) -> Floor:
    """The site's open work from `origin` for `seconds` of simulated time (calendar time:
    the shifts are the calendar's, `origin` + simulated seconds). When little is left, a
    round's worth of new orders is released first, as a planner keeping the floor fed."""
    end = origin + timedelta(seconds=seconds)
    centers = centers_of(session, site)
    stations = {c.id: _reported(session, station_of(session, site, c, origin, end, book, origin))
                for c in centers}  # fmt: skip
    waiting = session.scalar(
        select(func.count())
        .select_from(OrderOperation)
        .where(OrderOperation.site_id == site.id, OrderOperation.status.in_(OPEN))
    )
    if (waiting or 0) < 2 * len(centers):
        chance = random.Random(f"{seed}:{site.code}:{origin.isoformat()}")
        made = session.scalar(  # numbered on from the live orders before
            select(func.count()).where(
                ProductionOrder.site_id == site.id,
                ProductionOrder.code.startswith(f"MO-{site.code}-L"),
            )
        )
        first = (made or 0) + 1
        release_new(session, site, tuple(stations.values()), origin, end, chance, LOAD, "L", first)
    found = session.scalars(
        select(OrderOperation)
        .where(OrderOperation.site_id == site.id, OrderOperation.status.in_(OPEN))
        .order_by(OrderOperation.production_order_id, OrderOperation.sequence)
    )
    ways = ways_of(session, site.id)
    by_order: dict[int, list[Step]] = defaultdict(list)
    queues: dict[int, list[tuple[int, float, int]]] = defaultdict(list)
    for op in found:
        way = ways.get((op.operation_id, op.work_center_id))
        if way is None:
            continue
        started = op.status is OperationStatus.in_progress
        left = (
            op.planned_quantity - (op.good + op.scrap + op.rework)
            if started
            else op.planned_quantity
        )
        by_order[op.production_order_id].append(
            way.step(op.id, op.work_center_id, max(0, int(left)), started)
        )
        planned = op.scheduled_start.timestamp() if op.scheduled_start else float("inf")
        queues[op.work_center_id].append((0 if started else 1, planned, op.id))
    jobs = tuple(Job(order, tuple(steps), due=seconds) for order, steps in by_order.items())
    sequence = {c: tuple(i for *_, i in sorted(q)) for c, q in queues.items()}
    used = tuple(stations[c] for c in sorted(queues) if c in stations)
    return Floor(used, jobs, sequence, start=0, end=seconds)


def _reported(session: Session, station: Station) -> Station:
    latest = latest_state(session, station.id)
    return replace(
        station, state=None if latest is None or latest.state is None else latest.state.value
    )


def run_site(
    factory: sessionmaker[Session], site_code: str, book: RatesBook, speed: float,
    stop: threading.Event, tally: Tally, seed: int = 1,
) -> None:  # fmt: skip
    """Keep `site_code` producing until `stop` is set."""
    while not stop.is_set():
        origin = datetime.now(UTC)
        with unit_of_work(factory) as session:
            site = session.scalars(select(Site).where(Site.code == site_code)).one()
            floor = live_floor(session, site, origin, book, ROUND, seed + tally.rounds)
            reasons = reasons_of(session, site)
        if not floor.jobs:
            stop.wait(ROUND / speed)
            continue
        env = simpy.rt.RealtimeEnvironment(initial_time=0, factor=1 / speed, strict=False)
        sink = partial(_post, factory, site_code, reasons, tally, stop)
        try:
            simulate(floor, seed + tally.rounds, record=False, sink=sink, env=env)
        except Stopped:
            return
        with tally.lock:
            tally.rounds += 1


def start(
    factory: sessionmaker[Session], book: RatesBook, speed: float, sites: list[str] | None = None
) -> tuple[threading.Event, Tally, list[threading.Thread]]:
    """One daemon thread per site: set the event to stop them."""
    with unit_of_work(factory) as session:
        codes = sites or list(session.scalars(select(Site.code).order_by(Site.code)))
    stop, tally = threading.Event(), Tally()
    threads = [
        threading.Thread(target=_guarded, args=(factory, code, book, speed, stop, tally),
                         name=f"live-{code}", daemon=True)
        for code in codes
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    return stop, tally, threads


def _guarded(*args: object) -> None:
    try:
        run_site(*args)  # type: ignore[arg-type]
    except Exception:  # the live plant is a demo: it stops, the server goes on
        log.exception("the live simulation of %s stopped", args[1])


def _post(
    factory: sessionmaker[Session], site: str, reasons: Reasons, tally: Tally,
    stop: threading.Event, happening: Happening,
) -> None:  # fmt: skip
    if stop.is_set():
        raise Stopped
    now = datetime.now(UTC)  # the floor's clock, not the model's: it runs ahead
    origin = now - timedelta(seconds=happening.at)
    shown = event(happening, origin, f"live-{site}-{uuid.uuid4().hex}", reasons)
    sent = [Sent(SYSTEM, shown, now)]
    answer = with_retries(factory, partial(record_each, sent=sent))[0]
    with tally.lock:
        if isinstance(answer, DomainError):
            tally.refused += 1
            tally.last_refusal = f"{shown.kind}: {answer.detail}"
        else:
            tally.posted += 1
