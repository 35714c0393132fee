"""The pre-aggregated KPI rows built from the demo's simulated history, on both databases:
what they add up to is what the ledger holds."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, delete, func, select

from plantops.demo.history import create_history
from plantops.demo.loader import load_demo
from plantops.execution.models import ShopEvent
from plantops.kpi import catalog
from plantops.kpi.models import KpiPeriod, KpiProduct, KpiReason, KpiWatermark
from plantops.kpi.refresh import refresh, refresh_stale
from plantops.kpi.totals import Totals, loss_tree
from plantops.masterdata.models import ReasonCode
from plantops.org.models import Site
from plantops.storage.engine import make_session_factory, unit_of_work

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def test_the_rows_of_two_days_of_history_add_up_to_the_ledger(engine: Engine) -> None:
    load_demo(engine)
    create_history(engine, days=2, seed=3, now=NOW)
    with unit_of_work(make_session_factory(engine)) as session:
        site = session.scalar(select(Site).where(Site.code == "DE-STR"))
        assert site is not None
        first, last = refresh(session, site, NOW) or (None, None)
        assert first is not None and last is not None and first < last
    with unit_of_work(make_session_factory(engine)) as session:
        rows = session.scalars(select(KpiPeriod).where(KpiPeriod.site_id == site.id)).all()
        assert rows
        for r in rows:  # every second of planned time in exactly one element
            assert r.pot == r.pdot + r.apt + r.asut + r.breakdown + r.minor_stop + r.idle
        reported = session.execute(
            select(func.sum(ShopEvent.good), func.sum(ShopEvent.scrap),
                   func.sum(ShopEvent.rework))
            .where(ShopEvent.site_id == site.id,
                   ShopEvent.kind.in_(("operation_report", "operation_complete")))
        ).one()  # fmt: skip
        booked = (sum(r.good for r in rows), sum(r.scrap for r in rows),
                  sum(r.rework for r in rows))  # fmt: skip
        assert tuple(Decimal(x) for x in reported) == booked
        breakdowns = session.scalar(
            select(func.count())
            .select_from(ShopEvent)
            .join(ReasonCode, ReasonCode.id == ShopEvent.reason_code_id)
            .where(ShopEvent.site_id == site.id, ShopEvent.state == "down",
                   ReasonCode.loss_category == "breakdown")
        )  # fmt: skip
        assert sum(r.failures for r in rows) == breakdowns
        scrap_by_reason = session.scalar(
            select(func.sum(KpiReason.quantity))
            .join(ReasonCode, ReasonCode.id == KpiReason.reason_code_id)
            .where(KpiReason.site_id == site.id, ReasonCode.kind == "scrap")
        )  # fmt: skip
        assert scrap_by_reason == booked[1]  # the scrap Pareto accounts for all scrap
        site_totals = Totals(**{
            name: float(sum(getattr(r, name) for r in rows))
            for name in ("pot", "pdot", "apt", "asut", "breakdown", "minor_stop", "idle",
                         "good", "scrap", "rework", "planned_good", "planned_scrap",
                         "planned_rework", "failures", "repair")
        })  # fmt: skip
        oee = catalog.oee(site_totals)
        assert oee is not None and 0 < oee < 1
        tree = loss_tree(site_totals)
        assert abs(sum(loss.seconds for loss in tree.losses) - tree.gap) < 1e-6 * tree.gap
        count = len(rows)
        # nothing new: yesterday (its night shift) and today are rebuilt, to the same rows
        again = refresh(session, site, NOW)
        assert again == (last - timedelta(days=1), last)
        assert (
            session.scalar(
                select(func.count()).select_from(KpiPeriod).where(KpiPeriod.site_id == site.id)
            )
            == count
        )


def test_readers_refreshing_a_site_at_once_both_get_its_rows(engine: Engine) -> None:
    """Two pages opening at once on a site never refreshed: neither fails on the other's
    watermark, and the rows are built once."""
    load_demo(engine)
    create_history(engine, days=1, seed=3, now=NOW)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:  # as if the site's rows were never built
        for table in (KpiPeriod, KpiReason, KpiProduct, KpiWatermark):
            session.execute(delete(table))
        site_id = session.scalar(select(Site.id).where(Site.code == "DE-STR"))
    assert site_id is not None
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def reader() -> None:
        start.wait()
        try:
            refresh_stale(factory, [site_id], NOW, timedelta(minutes=1))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    with unit_of_work(factory) as session:
        marks = session.scalars(select(KpiWatermark).where(KpiWatermark.site_id == site_id))
        assert len(marks.all()) == 1
        good = session.scalar(select(func.sum(KpiPeriod.good)).where(KpiPeriod.site_id == site_id))
        reported = session.scalar(
            select(func.sum(ShopEvent.good)).where(
                ShopEvent.site_id == site_id,
                ShopEvent.kind.in_(("operation_report", "operation_complete")),
            )
        )
    assert good and Decimal(good) == Decimal(reported)  # every unit booked, once
