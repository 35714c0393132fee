"""The history benchmarks/kpi.py measures on: one demo site with its simulated past, made
longer by copies of that past further back in time.

- `load_site`: the demo plant (plantops.demo.plant.build_plant) at a seed and scale, restricted
  to one site, through the importer (plantops.demo.loader.load_document). At seed 1 a site has
  18-20 work centers at scale 1 and 2 more per 3 scale steps: DE-STR and CN-SUZ have 50 at
  scale 49 (US-MKE 52), US-MKE has 50 at scale 46 (the two others 48). At scale 1 the three
  sites together have 56.
- `simulate`: plantops.demo.history.create_history, the real simulation posted through the
  recording service, over whole weeks (so that the copies fall on the same weekdays).
- `copy_history`: the simulated block [start, midnight UTC of today) copied 1, 2, ... blocks
  back in time: its production orders (codes suffixed "~C<n>"), their operations and its shop
  events (new idempotency keys) with every date and time shifted, by bulk inserts (SQLAlchemy
  Core). Operations still open at the block's end are closed there in the copies. The block's
  pre-aggregated KPI rows are copied the same way (what a rebuild of the copied days would
  write, but for the seams and the clock changes), and the site's KPI watermark is moved past
  the copied events, so the copies look like history built long ago.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, delete, func, insert, select
from sqlalchemy.orm import Session

from plantops.demo.history import create_history
from plantops.demo.loader import load_document
from plantops.demo.plant import build_plant
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.kpi import models as k
from plantops.kpi.refresh import refresh
from plantops.kpi.shifts import local_day
from plantops.masterdata.models import WorkCenter
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import ON_THE_FLOOR, OperationStatus, OrderStatus

CHUNK = 5_000  # rows per executemany
KPI_TABLES = (k.KpiPeriod, k.KpiReason, k.KpiProduct)


@dataclass(frozen=True)
class Plant:
    site_id: int
    site_code: str
    time_zone: str
    work_centers: int
    lanes: int  # parallel capacity summed
    load_s: float


@dataclass(frozen=True)
class History:
    start: datetime  # midnight UTC, the simulation's start
    seam: datetime  # midnight UTC of today: the copied block is [start, seam)
    days: int  # simulated, whole weeks
    orders: int
    events: int
    simulate_s: float

    @property
    def block(self) -> timedelta:
        return self.seam - self.start


def restricted_plant(seed: int, scale: int, site_code: str) -> dict[str, Any]:
    """The demo plant's document with one site only (and its region)."""
    document = build_plant(seed, scale)
    for section, rows in document.items():
        if isinstance(rows, list) and rows and isinstance(rows[0], dict) and "site" in rows[0]:
            document[section] = [row for row in rows if row["site"] == site_code]
    document["sites"] = [s for s in document["sites"] if s["code"] == site_code]
    if not document["sites"]:
        raise SystemExit(f"the demo plant has no site {site_code}")
    regions = {s["region"] for s in document["sites"]}
    document["regions"] = [r for r in document["regions"] if r["code"] in regions]
    return document


def load_site(engine: Engine, seed: int, scale: int, site_code: str) -> Plant:
    began = time.perf_counter()
    load_document(engine, restricted_plant(seed, scale, site_code))
    seconds = time.perf_counter() - began
    with unit_of_work(make_session_factory(engine)) as session:
        site = session.scalars(select(Site).where(Site.code == site_code)).one()
        centers, lanes = session.execute(
            select(func.count(WorkCenter.id), func.sum(WorkCenter.parallel_capacity))
            .where(WorkCenter.site_id == site.id)
        ).one()  # fmt: skip
        return Plant(site.id, site.code, site.time_zone, centers, int(lanes), seconds)


def simulate(engine: Engine, days: int, seed: int, now: datetime) -> History:
    """create_history over `days` rounded up to whole weeks."""
    weeks = -(-days // 7)
    began = time.perf_counter()
    made = create_history(engine, days=7 * weeks, seed=seed, now=now)
    seconds = time.perf_counter() - began
    seam = datetime.combine(now.date(), datetime.min.time(), UTC)
    return History(seam - timedelta(weeks=weeks), seam, 7 * weeks,
                   sum(h.orders for h in made), sum(h.events for h in made), seconds)  # fmt: skip


def timed_refresh(engine: Engine, plant: Plant, now: datetime) -> dict[str, Any]:
    """plantops.kpi.refresh.refresh in its own transaction: seconds, the days it rebuilt and
    the rows of those days afterwards (what it wrote)."""
    factory = make_session_factory(engine)
    began = time.perf_counter()
    with unit_of_work(factory) as session:
        site = session.get(Site, plant.site_id)
        assert site is not None
        span = refresh(session, site, now)
    seconds = time.perf_counter() - began
    if span is None:
        return {"s": round(seconds, 3), "days": 0}
    with unit_of_work(factory) as session:
        written = {
            table.__tablename__: session.scalar(
                select(func.count()).select_from(table)
                .where(table.site_id == plant.site_id, table.day >= span[0], table.day <= span[1])
            )
            for table in KPI_TABLES
        }  # fmt: skip
    days = (span[1] - span[0]).days + 1
    return {"s": round(seconds, 3), "days": days, "first": span[0].isoformat(),
            "last": span[1].isoformat(), "rows_written": written}  # fmt: skip


def row_counts(engine: Engine, site_id: int) -> dict[str, int]:
    tables = (ShopEvent, OrderOperation, ProductionOrder, *KPI_TABLES)
    with unit_of_work(make_session_factory(engine)) as session:
        return {
            t.__tablename__: int(
                session.scalar(select(func.count()).select_from(t).where(t.site_id == site_id)) or 0
            )
            for t in tables
        }


@dataclass(frozen=True)
class Block:
    """The simulated block's rows as plain dicts, ready to be shifted and inserted again."""

    orders: list[dict[str, Any]]
    operations: list[dict[str, Any]]
    events: list[dict[str, Any]]
    kpi: dict[str, list[dict[str, Any]]]  # by table name


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _rows(session: Session, model: Any, site_id: int, *where: Any) -> list[dict[str, Any]]:
    table = _table(model)
    statement = select(table).where(table.c.site_id == site_id, *where).order_by(table.c.id)
    return [dict(row) for row in session.execute(statement).mappings()]


def _closed(operation: dict[str, Any], seam: datetime) -> dict[str, Any]:
    """An operation as a copy keeps it: one started after the seam not started, one open at
    the seam completed there (a copy ends at the seam; the block after it starts afresh)."""
    began, ended = operation["actual_start"], operation["actual_end"]
    if began is not None and began >= seam:
        operation |= {"actual_start": None, "actual_end": None}
    elif began is not None and (ended is None or ended > seam):
        operation |= {"actual_end": seam, "status": OperationStatus.completed}
    if operation["last_occurred_at"] is not None and operation["last_occurred_at"] > seam:
        operation["last_occurred_at"] = seam
    return operation


def _finished(order: dict[str, Any]) -> dict[str, Any]:
    """An order still on the floor at the seam is completed there in the copies (else every
    copy would add its orders to the work in progress of today)."""
    if order["status"] in ON_THE_FLOOR:
        order["status"] = OrderStatus.completed
    return order


def read_block(engine: Engine, plant: Plant, history: History) -> Block:
    first, last = _block_days(plant, history)
    with unit_of_work(make_session_factory(engine)) as session:
        e = _table(ShopEvent).c
        kpi = {
            model.__tablename__: _rows(session, model, plant.site_id,
                                       _table(model).c.day >= first, _table(model).c.day <= last)
            for model in KPI_TABLES
        }  # fmt: skip
        return Block(
            [_finished(o) for o in _rows(session, ProductionOrder, plant.site_id)],
            [_closed(o, history.seam) for o in _rows(session, OrderOperation, plant.site_id)],
            _rows(session, ShopEvent, plant.site_id, e.occurred_at < history.seam),
            kpi,
        )


def _block_days(plant: Plant, history: History) -> tuple[date, date]:
    """The local production days of the block, whose KPI rows are copied with it."""
    first = local_day(history.start, plant.time_zone)
    return first, local_day(history.seam, plant.time_zone) - timedelta(days=1)


def _shifted(row: dict[str, Any], by: timedelta) -> dict[str, Any]:
    """The row without its id, every date and time `by` earlier."""
    return {name: value - by if isinstance(value, date) else value
            for name, value in row.items() if name != "id"}  # fmt: skip


def _chunks(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for at in range(0, len(rows), CHUNK):
        yield rows[at : at + CHUNK]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert with the next ids, given (PostgreSQL's executemany returns none; its
    sequence is moved past them); the new ids in the rows' order."""
    table = _table(model)
    top = session.scalar(select(func.max(table.c.id))) or 0
    ids = list(range(top + 1, top + 1 + len(rows)))
    _insert_plain(session, model, [row | {"id": i} for row, i in zip(rows, ids, strict=True)])
    if ids and session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        session.execute(select(func.setval(sequence, ids[-1])))
    return ids


def _insert_plain(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        session.execute(insert(_table(model)), chunk)


def copy_history(
    engine: Engine, plant: Plant, history: History, block: Block, copies: range
) -> dict[str, Any]:
    """Copies number `copies` of the block (1: the block just before the simulated one), each
    in a transaction of its own; then the watermark past them. Seconds and rows."""
    factory = make_session_factory(engine)
    began = time.perf_counter()
    if copies.start == 1:  # the refresh's rows of the day before the simulation began
        first, _ = _block_days(plant, history)
        with unit_of_work(factory) as session:
            for model in KPI_TABLES:
                table = _table(model)
                session.execute(
                    delete(table).where(table.c.site_id == plant.site_id, table.c.day < first)
                )
    for number in copies:
        with unit_of_work(factory) as session:
            _copy(session, block, number, number * history.block)
    with unit_of_work(factory) as session:
        mark = session.get(k.KpiWatermark, plant.site_id)
        assert mark is not None, "refresh once before copying"
        top = session.scalar(
            select(func.max(ShopEvent.id)).where(ShopEvent.site_id == plant.site_id)
        )
        mark.last_event_id = top or 0
    return {"copies": len(copies), "s": round(time.perf_counter() - began, 1),
            "events_per_copy": len(block.events),
            "kpi_rows_per_copy": sum(len(rows) for rows in block.kpi.values())}  # fmt: skip


def _copy(session: Session, block: Block, number: int, by: timedelta) -> None:
    suffix = f"~C{number}"
    orders = [_shifted(o, by) | {"code": o["code"] + suffix} for o in block.orders]
    order_of = dict(zip((o["id"] for o in block.orders), _insert(session, ProductionOrder, orders),
                        strict=True))  # fmt: skip
    operations = [_shifted(o, by) | {"production_order_id": order_of[o["production_order_id"]]}
                  for o in block.operations]  # fmt: skip
    operation_of = dict(zip((o["id"] for o in block.operations),
                            _insert(session, OrderOperation, operations), strict=True))  # fmt: skip
    events = [
        _shifted(e, by) | {
            "idempotency_key": e["idempotency_key"] + suffix,
            "production_order_id": order_of.get(e["production_order_id"]),
            "order_operation_id": operation_of.get(e["order_operation_id"]),
        }
        for e in block.events
    ]  # fmt: skip
    _insert_plain(session, ShopEvent, events)
    for model in KPI_TABLES:
        _insert_plain(session, model, [_shifted(r, by) for r in block.kpi[model.__tablename__]])


def clear_kpi(engine: Engine, site_id: int) -> bool:
    """Drop the site's pre-aggregated rows and watermark (for a full build to time); whether
    there were any (create_history may build them itself)."""
    with unit_of_work(make_session_factory(engine)) as session:
        found = session.get(k.KpiWatermark, site_id) is not None
        for model in (*KPI_TABLES, k.KpiWatermark):
            table = _table(model)
            session.execute(delete(table).where(table.c.site_id == site_id))
        return found
