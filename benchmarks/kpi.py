"""KPI queries over a growing history (issue 8): a dashboard's worth of KPIs for 50 work
centers, with the history at 1x, 4x and 16x of 90 days.

    .venv/bin/python benchmarks/kpi.py [--history-days 90] [--multiples 1,4,16] [--repeat 10]
        [--json FILE] [--postgres URL|auto] [--backends sqlite,postgresql] [--quick]

In a fresh database (a SQLite file in a temporary directory; with --postgres, the same
again on PostgreSQL: the empty database at URL, or with auto a throwaway server): the demo
plant at seed 1, scale 49, restricted to DE-STR, which then has 50 work centers
(benchmarks/kpi_history.py says what scale gives what), and --history-days of simulated
history (plantops.demo.history.create_history, whole weeks: 90 days -> 91). The site's
pre-aggregated rows are then built from scratch by plantops.kpi.refresh.refresh (the full
build, timed). The longer histories are the simulated weeks copied further back in time with
their orders, operations, events and KPI rows (kpi_history.copy_history): simulating 16 x 91
days would take well over half an hour here (91 days: about 2.5 minutes). At each size:

- refresh: what a refresh with nothing new costs (yesterday and today rebuilt);
- dashboard, last 30 and last 90 days: plantops.kpi.dashboard.dashboard for the site, with
  the selection (query.select_scope) made in the timed read, each in its own session;
- rows, same spans: only its figures read from the pre-aggregated rows (query.totals all,
  work_center, day, shift; pareto downtime, scrap; catalog values and loss tree): the
  stand-in where plantops.kpi.dashboard is missing;
- orders, same spans: only its order and labour measures (dashboard.spans_measures, read
  from orders, operations and the ledger, not from the rows), where it has them;
- trend: a year's monthly trend, query.totals(..., "month") over the last 365 days;
- ledger, same spans: the peer without pre-aggregation, the same figures straight from the
  event ledger (kpi.ledger.read_site, kpi.elements.compute over the span, summed).

Timings are medians and p90 of --repeat runs after one run not counted (the ledger's of
--peer-repeat runs); the ledger's totals are checked against the rows'. Target: the
dashboard under 500 ms on SQLite."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest import _machine, python_loop_ms  # beside this file
from kpi_figures import disagreement, ledger_figures, rows_figures
from kpi_history import (
    History,
    Plant,
    clear_kpi,
    copy_history,
    load_site,
    read_block,
    row_counts,
    simulate,
    timed_refresh,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import SYSTEM
from plantops.kpi import query
from plantops.kpi.shifts import local_day
from plantops.storage.engine import consistent_read, make_engine, make_session_factory
from plantops.storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 500
YEAR = 365
Work = Callable[[Session], object]
PARTS = ("dashboard", "rows", "orders", "ledger")  # the figures timed over each span


def dashboard_function() -> tuple[str, Callable[[Session, query.Selection], object]]:
    """plantops.kpi.dashboard.dashboard where it exists, else the stand-in."""
    if importlib.util.find_spec("plantops.kpi.dashboard") is None:
        return "stand-in (benchmarks/kpi_figures.py rows_figures)", rows_figures
    module = importlib.import_module("plantops.kpi.dashboard")
    return "plantops.kpi.dashboard.dashboard", module.dashboard


def orders_function() -> Callable[[Session, query.Selection], object] | None:
    """The dashboard's order and labour measures alone, where it has them: the part of it
    that is not read from the pre-aggregated rows."""
    if importlib.util.find_spec("plantops.kpi.dashboard") is None:
        return None
    found = getattr(importlib.import_module("plantops.kpi.dashboard"), "spans_measures", None)
    return found if callable(found) else None


def timed(
    factory: sessionmaker[Session], work: Work, runs: int, warm: int = 1
) -> tuple[list[float], object]:
    """Milliseconds of `work`, each run in a read of its own (the first `warm` not counted),
    and what the last run returned."""
    found, result = [], None
    for number in range(warm + runs):
        with consistent_read(factory) as session:
            began = time.perf_counter()
            result = work(session)
            elapsed = (time.perf_counter() - began) * 1000
        if number >= warm:
            found.append(elapsed)
    return found, result


def summary(ms: list[float]) -> dict[str, Any]:
    p90 = statistics.quantiles(ms, n=10, method="inclusive")[-1] if len(ms) > 1 else ms[0]
    return {"median_ms": round(statistics.median(ms), 1), "p90_ms": round(p90, 1),
            "min_ms": round(min(ms), 1), "runs": len(ms)}  # fmt: skip


@dataclass(frozen=True)
class Options:
    seed: int
    scale: int
    site: str
    history_days: int
    multiples: tuple[int, ...]
    spans: tuple[int, ...]
    repeat: int
    peer_repeat: int


def measure_span(
    factory: sessionmaker[Session], plant: Plant, now: datetime, span: int, options: Options
) -> dict[str, Any]:
    """The dashboard, its figures from the rows and from the ledger, over the last `span`
    local days (today included)."""
    last = local_day(now, plant.time_zone)
    first = last - timedelta(days=span - 1)
    _, board = dashboard_function()

    def scope(session: Session) -> query.Selection:
        return query.select_scope(session, SYSTEM, first, last, site_id=plant.site_id)

    dashboard_ms, _ = timed(factory, lambda s: board(s, scope(s)), options.repeat)
    rows_ms, rows = timed(factory, lambda s: rows_figures(s, scope(s)), options.repeat)
    measures, found = orders_function(), {}
    if measures is not None:
        orders_ms, _ = timed(factory, lambda s: measures(s, scope(s)), options.repeat)
        found[f"orders_{span}d"] = summary(orders_ms)
    ledger_ms, ledger = timed(
        factory, lambda s: ledger_figures(s, plant.site_id, first, last, now),
        options.peer_repeat, warm=0,
    )  # fmt: skip
    assert isinstance(rows, dict) and isinstance(ledger, dict)
    dashboard, by_rows, by_ledger = summary(dashboard_ms), summary(rows_ms), summary(ledger_ms)
    return found | {
        f"dashboard_{span}d": dashboard, f"rows_{span}d": by_rows,
        f"ledger_{span}d": by_ledger | {
            "ratio_to_rows": round(by_ledger["median_ms"] / by_rows["median_ms"]),
            "ratio_to_dashboard": round(by_ledger["median_ms"] / dashboard["median_ms"]),
            "disagreement": disagreement(rows["totals"], ledger["totals"]),
        },
    }  # fmt: skip


def measure_trend(
    factory: sessionmaker[Session], plant: Plant, now: datetime, options: Options
) -> dict[str, Any]:
    """A year's monthly trend: query.totals by month over the last 365 days."""
    last = local_day(now, plant.time_zone)
    first = last - timedelta(days=YEAR - 1)

    def trend(session: Session) -> object:
        selection = query.select_scope(session, SYSTEM, first, last, site_id=plant.site_id)
        return query.totals(session, selection, "month")

    ms, months = timed(factory, trend, options.repeat)
    assert isinstance(months, list)
    return {"trend_year": summary(ms) | {"months": len(months)}}


def grow_and_measure(
    engine: Engine, plant: Plant, history: History, now: datetime, options: Options
) -> list[dict[str, Any]]:
    """Each history size in turn (copies added to reach it), refreshed and measured."""
    factory = make_session_factory(engine)
    sizes: list[dict[str, Any]] = []
    have, block = 1, None
    for multiple in options.multiples:
        copied = None
        if multiple > have:
            block = block or read_block(engine, plant, history)
            copied = copy_history(engine, plant, history, block, range(have, multiple))
            have = multiple
        size: dict[str, Any] = {"multiple": multiple, "days": history.days * multiple,
                                "copied": copied, "refresh": timed_refresh(engine, plant, now),
                                "rows": row_counts(engine, plant.site_id)}  # fmt: skip
        for span in options.spans:
            size |= measure_span(factory, plant, now, span, options)
        size |= measure_trend(factory, plant, now, options)
        size["load_average"] = [round(x, 2) for x in os.getloadavg()]
        sizes.append(size)
        progress(f"{multiple}x measured: {json.dumps(size)}")
    return sizes


def progress(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def run(url: str, backend: str, options: Options) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    plant = load_site(engine, options.seed, options.scale, options.site)
    progress(f"{backend}: {plant.site_code} loaded, {plant.work_centers} work centers")
    history = simulate(engine, options.history_days, options.seed, now)
    progress(f"{history.days} days simulated in {history.simulate_s:.0f} s")
    prebuilt = clear_kpi(engine, plant.site_id)
    built = timed_refresh(engine, plant, now)
    progress(f"full build: {json.dumps(built)}")
    sizes = grow_and_measure(engine, plant, history, now, options)
    engine.dispose()
    return {
        "backend": backend, "now": now.isoformat(),
        "plant": {"seed": options.seed, "scale": options.scale, "site": plant.site_code,
                  "work_centers": plant.work_centers, "lanes": plant.lanes,
                  "load_s": round(plant.load_s, 1)},
        "history": {"asked_days": options.history_days, "simulated_days": history.days,
                    "simulate_s": round(history.simulate_s, 1), "orders": history.orders,
                    "events": history.events, "create_history_built_kpi_rows": prebuilt,
                    "longer": "copies of the simulated days, further back in time"},
        "full_build": built, "sizes": sizes,
    }  # fmt: skip


@contextlib.contextmanager
def database(backend: str, given: str | None) -> Iterator[str]:
    """A fresh database's URL: a SQLite file, the PostgreSQL database given (empty), or with
    "auto" a throwaway PostgreSQL server from Debian's binaries."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/plantops.db"
        return
    if given != "auto":
        assert given is not None
        yield given
        return
    sys.path.insert(0, str(ROOT))
    from tests.floor_scenarios import fresh_database

    with fresh_database("postgresql") as url:
        yield url


def setting() -> dict[str, Any]:
    """Where and when: the code, the machine and how fast it is right now."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "benchmark": "kpi", "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "worktree_changed": bool(git("status", "--porcelain", "--untracked-files=no")),
        "dashboard": dashboard_function()[0], "machine": _machine(), "cores": os.cpu_count(),
        "python": platform.python_version(), "python_loop_ms": python_loop_ms(),
    }  # fmt: skip


def cell(figure: dict[str, Any]) -> str:
    return f"{figure['median_ms']:,.1f} / {figure['p90_ms']:,.1f}"


def table(result: dict[str, Any], spans: tuple[int, ...]) -> str:
    """The run as Markdown tables, for docs/benchmarks.md."""
    plant, history, built = result["plant"], result["history"], result["full_build"]
    out = [
        f"{result['backend']}: {plant['site']}, {plant['work_centers']} work centers "
        f"(scale {plant['scale']}), {history['simulated_days']} days simulated in "
        f"{history['simulate_s']} s ({history['orders']:,} orders, {history['events']:,} "
        f"events); longer histories: {history['longer']}. Full build of the KPI rows: "
        f"{built['days']} days in {built['s']} s, "
        + ", ".join(f"{n:,} {t}" for t, n in built.get("rows_written", {}).items())
        + " rows written.",
        "",
        "| history | days | shop_event | kpi_period | kpi_reason | kpi_product | refresh s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in result["sizes"]:
        rows = size["rows"]
        out.append(f"| {size['multiple']}x | {size['days']:,} | {rows['shop_event']:,} | "
                   f"{rows['kpi_period']:,} | {rows['kpi_reason']:,} | {rows['kpi_product']:,} "
                   f"| {size['refresh']['s']} |")  # fmt: skip
    parts = [p for p in PARTS if f"{p}_{spans[0]}d" in result["sizes"][0]]
    heads = [f"{what} {span} d" for what in parts for span in spans]
    out += ["", "median / p90 ms:", "",
            "| history | " + " | ".join([*heads, "trend, year by month"])
            + " | ledger / rows | ledger / dashboard |",
            "| --- |" + " ---: |" * (len(heads) + 3)]  # fmt: skip
    for size in result["sizes"]:
        figures = [size[f"{what}_{span}d"] for what in parts for span in spans]
        ledgers = [size[f"ledger_{span}d"] for span in spans]
        out.append(
            f"| {size['multiple']}x | " + " | ".join(cell(f) for f in figures)
            + f" | {cell(size['trend_year'])} | "
            + ", ".join(f"{g['ratio_to_rows']:,}" for g in ledgers) + " | "
            + ", ".join(f"{g['ratio_to_dashboard']:,}" for g in ledgers) + " |"
        )  # fmt: skip
    worst = max(size[f"dashboard_{span}d"]["p90_ms"] for size in result["sizes"]
                for span in spans)  # fmt: skip
    verdict = "met" if worst < TARGET_MS else "not met"
    out += ["", f"Target, a dashboard under {TARGET_MS} ms: {verdict} (worst p90 {worst:,.1f} ms)."]
    return "\n".join(out)


def options_of(args: argparse.Namespace) -> Options:
    if args.quick:
        return Options(args.seed, 1, args.site, 10, (1, 2), (7, 14), 3, 1)
    return Options(
        args.seed, args.scale, args.site, args.history_days,
        tuple(sorted({int(m) for m in args.multiples.split(",")})),
        tuple(int(s) for s in args.spans.split(",")), args.repeat, args.peer_repeat,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history-days", type=int, default=90)
    parser.add_argument("--multiples", default="1,4,16", help="history sizes, x the simulated")
    parser.add_argument("--spans", default="30,90", help="dashboard spans, days up to today")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each query")
    parser.add_argument("--peer-repeat", type=int, default=1, help="of the ledger peer")
    parser.add_argument("--scale", type=int, default=49)
    parser.add_argument("--site", default="DE-STR")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="an empty database's URL, or auto: run there too")
    parser.add_argument("--backends", default="sqlite", help="sqlite, postgresql or both")
    parser.add_argument("--quick", action="store_true", help="scale 1, 10 days, 1x and 2x")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    options = options_of(args)
    found = setting() | {"options": options.__dict__, "runs": []}
    backends = args.backends.split(",")
    if args.postgres and "postgresql" not in backends:
        backends.append("postgresql")
    for backend in backends:
        with database(backend, args.postgres or "auto") as url:
            result = run(url, backend, options)
        found["runs"].append(result)
        found["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        found["python_loop_ms_after"] = python_loop_ms()
        if args.json:
            args.json.write_text(json.dumps(found, indent=1, default=str) + "\n")
        print(table(result, options.spans), flush=True)
    print(f"\n{json.dumps({k: v for k, v in found.items() if k != 'runs'}, default=str)}")


if __name__ == "__main__":
    main()
