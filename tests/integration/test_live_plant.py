"""`plantops simulate --live` (and `serve --prepare` on the demo): the demo plant keeps
producing in accelerated time, its events posted as they happen, on both databases."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from plantops.demo.loader import is_demo, load_demo
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.masterdata.models import Calendar, CalendarException
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.simulation import live
from plantops.simulation.rates_file import load
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import CalendarExceptionKind, OperationStatus


def test_the_live_plant_feeds_itself_work_and_posts_what_happens_as_it_happens(
    engine: Engine,
) -> None:
    load_demo(engine)
    assert is_demo(engine)
    factory = make_session_factory(engine)
    _overtime_now(factory, "DE-STR")
    began = time.time()
    stop, tally, threads = live.start(factory, load(), speed=20_000, sites=["DE-STR"])
    deadline = time.monotonic() + 60
    while tally.posted < 150 and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()  # stopped when told
    assert tally.posted >= 150, tally
    assert tally.refused == 0, tally.last_refusal
    with unit_of_work(factory) as session:
        events = session.scalars(select(ShopEvent)).all()
        assert len(events) == tally.posted
        # the floor's clock: nothing from the future, nothing flagged late
        assert all(not e.late for e in events)
        assert min(e.occurred_at.timestamp() for e in events) >= began - 1
        fed = session.scalar(
            select(func.count()).where(ProductionOrder.code.startswith("MO-DE-STR-L"))
        )
        assert fed and fed > 0
        done = session.scalar(
            select(func.count()).where(OrderOperation.status == OperationStatus.completed)
        )
        assert done and done > 0


def _overtime_now(factory: sessionmaker[Session], site_code: str) -> None:
    """An extra shift on every calendar of the site from an hour ago for half a day: the demo
    works Monday to Friday, and the live plant follows the calendars on the real clock, so on
    a weekend it would rightly post nothing (the test failed on Saturdays)."""
    with unit_of_work(factory) as session:
        site = session.scalars(select(Site).where(Site.code == site_code)).one()
        local = datetime.now(ZoneInfo(site.time_zone)).replace(tzinfo=None, microsecond=0)
        for calendar in session.scalars(select(Calendar).where(Calendar.site_id == site.id)):
            calendar.exceptions.append(
                CalendarException(
                    kind=CalendarExceptionKind.open, starts_local=local - timedelta(hours=1),
                    ends_local=local + timedelta(hours=12), name="overtime",
                )
            )  # fmt: skip
