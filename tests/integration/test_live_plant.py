"""`plantops simulate --live` (and `serve --prepare` on the demo): the demo plant keeps
producing in accelerated time, its events posted as they happen, on both databases."""

from __future__ import annotations

import time

from sqlalchemy import Engine, func, select

from plantops.demo.loader import is_demo, load_demo
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.planning.models import ProductionOrder
from plantops.simulation import live
from plantops.simulation.rates_file import load
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import OperationStatus


def test_the_live_plant_feeds_itself_work_and_posts_what_happens_as_it_happens(
    engine: Engine,
) -> None:
    load_demo(engine)
    assert is_demo(engine)
    factory = make_session_factory(engine)
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
