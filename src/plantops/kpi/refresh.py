"""Keeping the pre-aggregated KPI rows (kpi.models) true to the ledger. A refresh rebuilds
every production day from the day before the site's watermark to today (a night shift belongs
to the day it starts on), and any earlier day a late event has touched since (from that day
on: a late state change moves the state of the days after it).
Days before the watermark are complete and are not read again unless such an event comes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from plantops.execution.models import ShopEvent
from plantops.kpi import models as k
from plantops.kpi.elements import Elements, compute
from plantops.kpi.ledger import read_site
from plantops.kpi.shifts import local_day
from plantops.org.models import Site
from plantops.storage.engine import serialized_write

# A transaction that commits an event later than this after stamping it may be missed by
# one refresh's id watermark; re-reading the last minutes by recorded_at catches it.
STRAGGLERS = timedelta(minutes=5)
ROWS = (k.KpiPeriod, k.KpiReason, k.KpiProduct)


def rebuild(session: Session, site: Site, first: date, last: date, now: datetime) -> int:
    """Replace the rows of local days first..last with what the ledger says: rows written."""
    for table in ROWS:
        session.execute(delete(table).where(table.site_id == site.id, table.day >= first,
                                            table.day <= last))  # fmt: skip
    written = 0
    for center in read_site(session, site, first, last):
        for elements in compute(center.input, center.periods, until=now):
            if first <= elements.period.day <= last and _worth_keeping(elements):
                session.add_all(_rows(site.id, elements))
                written += 1
    session.flush()
    return written


def refresh(session: Session, site: Site, now: datetime) -> tuple[date, date] | None:
    """Bring the site's rows up to date: the days rebuilt, or None when the ledger has no
    event of the site yet."""
    mark = _watermark(session, site.id)
    today = local_day(now, site.time_zone)
    first = mark.complete_before
    touched = _earliest_touched(session, site.id, mark)
    if touched is not None:
        day = local_day(touched, site.time_zone)
        first = day if first is None else min(first, day)
    if first is None:
        return None
    # the day before too: its night shift runs into the first day's morning
    first = min(first, today) - timedelta(days=1)
    rebuild(session, site, first, today, now)
    mark.complete_before = today
    top = session.scalar(  # a range of the primary key: the events since, not the history
        select(func.max(ShopEvent.id)).where(
            ShopEvent.id > mark.last_event_id, ShopEvent.site_id == site.id
        )
    )
    mark.last_event_id = top or mark.last_event_id
    mark.refreshed_at = now
    return first, today


def _earliest_touched(session: Session, site_id: int, mark: k.KpiWatermark) -> datetime | None:
    """The earliest occurrence among the events recorded since the last refresh: those
    after its highest id, and those recorded in its last minutes (each read by an index, so
    the cost follows what is new, not the history)."""
    earliest = select(func.min(ShopEvent.occurred_at)).where(ShopEvent.site_id == site_id)
    found = [session.scalar(earliest.where(ShopEvent.id > mark.last_event_id))]
    if mark.refreshed_at is not None:
        since = mark.refreshed_at - STRAGGLERS
        # the site compared as site_id + 0: SQLite would otherwise walk the site's index,
        # every event the site ever had, instead of the recorded_at index's last minutes
        recent = select(func.min(ShopEvent.occurred_at)).where(
            ShopEvent.recorded_at >= since, ShopEvent.site_id + 0 == site_id
        )
        found.append(session.scalar(recent))
    return min((f for f in found if f is not None), default=None)


def _worth_keeping(e: Elements) -> bool:
    return bool(e.pot or e.aoet or e.failures or e.produced or e.reasons)


def _rows(site_id: int, e: Elements) -> list[k.KpiPeriod | k.KpiReason | k.KpiProduct]:
    key = {"site_id": site_id, "work_center_id": e.work_center_id, "day": e.period.day,
           "shift": e.period.shift, "starts_at": e.period.start}  # fmt: skip
    period = k.KpiPeriod(
        **key, ends_at=e.period.end,
        **{name: getattr(e, name) for name in (*k.SECONDS, *k.QUANTITIES, *k.PLANNED)},
    )  # fmt: skip
    rows: list[k.KpiPeriod | k.KpiReason | k.KpiProduct] = [period]
    rows += [
        k.KpiReason(**key, reason_code_id=r.reason_id, seconds=r.seconds,
                    occurrences=r.occurrences, quantity=r.quantity)
        for r in e.reasons.values()
    ]  # fmt: skip
    rows += [
        k.KpiProduct(**key, item_id=p.item_id, apt=p.apt, good=p.good, scrap=p.scrap,
                     rework=p.rework, planned_run=p.planned_run)
        for p in e.products.values()
    ]  # fmt: skip
    return rows


def _watermark(session: Session, site_id: int) -> k.KpiWatermark:
    """The site's watermark, locked; made at the first refresh (two first refreshes at
    once: the one that loses takes the winner's)."""
    mark = session.get(k.KpiWatermark, site_id, with_for_update=True)
    if mark is not None:
        return mark
    try:
        with session.begin_nested():
            mark = k.KpiWatermark(site_id=site_id, last_event_id=0)
            session.add(mark)
            session.flush()
    except IntegrityError:
        return session.get_one(
            k.KpiWatermark, site_id, with_for_update=True, populate_existing=True
        )
    return mark


def refresh_stale(
    factory: sessionmaker[Session], site_ids: Iterable[int], now: datetime, max_age: timedelta
) -> None:
    """ensure_fresh for readers (the API, the cockpit, the KPI page), each site in its own
    short serialized write: readers of the same site at once refresh it one after the other,
    and the second finds it fresh."""
    for site_id in sorted(site_ids):
        with serialized_write(factory) as session:
            ensure_fresh(session, [site_id], now, max_age)


def ensure_fresh(
    session: Session, site_ids: Iterable[int], now: datetime, max_age: timedelta = timedelta(0)
) -> None:
    """Refresh each site whose rows are older than `max_age` (a report: 0, every figure as the
    ledger stands; a dashboard: a minute, so readers do not queue behind one another)."""
    for site_id in sorted(site_ids):
        mark = session.get(k.KpiWatermark, site_id)
        if mark is None or mark.refreshed_at is None or mark.refreshed_at <= now - max_age:
            site = session.get(Site, site_id)
            if site is not None:
                refresh(session, site, now)
