"""The demo plant's past: `days` of simulated production at every site, posted as
shop-floor events (plantops.simulation), so KPIs, reports and dashboards have real data
from the first start. Deterministic for a seed, relative to `now`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from plantops.kpi.refresh import refresh
from plantops.org.models import Site
from plantops.simulation.history import SiteHistory, make_history
from plantops.simulation.rates_file import load
from plantops.storage.engine import make_session_factory, unit_of_work

DAYS = 28


def create_history(
    engine: Engine,
    days: int = DAYS,
    seed: int = 1,
    rates: Path | None = None,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[SiteHistory]:
    """Simulate every site from midnight UTC `days` ago until `now`; rates from the file
    at `rates`, or the demo's (simulation/demo-rates.yaml)."""
    book = load(rates)  # a bad file is refused before anything is written
    now = now or datetime.now(UTC)
    start = datetime.combine(now.date() - timedelta(days=days), datetime.min.time(), UTC)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        codes = list(session.scalars(select(Site.code).order_by(Site.code)))
    made = []
    for code in codes:
        if progress:
            progress(f"simulating {days} days at {code}")
        made.append(make_history(factory, code, start, now, book, seed))
        with unit_of_work(factory) as session:  # its KPI rows, so the first report is quick
            site = session.scalars(select(Site).where(Site.code == code)).one()
            refresh(session, site, now)
    return made
