"""Planning figures: MRP on a large plant, and a full plan run of the demo plant.

    .venv/bin/python benchmarks/plan.py mrp --scale 225 --runs 3
    .venv/bin/python benchmarks/plan.py demo --runs 3

`mrp`: the demo plant at that scale (225: about 50,000 items) imported into a fresh SQLite
database (not timed), then, in a process of its own per run, every site read from the
database as MRP's input (snapshot) and planned by the MRP engine; wall times per step and
peak RSS. `demo`: the demo plant (scale 1) in a fresh database per run, then a plan run per
site as `plantops plan run` does it (snapshot, MRP, a schedule of 10 s per site, store);
wall time of the three runs. Medians of the runs, with min and max."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

START = date(2025, 4, 14)  # the demo plant's start: the same plant every run
TODAY = date(2025, 4, 14)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def load(database: Path, scale: int, seed: int) -> str:
    from plantops.access.caller import SYSTEM
    from plantops.demo import build_plant
    from plantops.integration.service import import_plant
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    document = build_plant(seed, scale, START)
    with unit_of_work(make_session_factory(engine)) as session:
        counts = import_plant(session, SYSTEM, document)
    return ", ".join(
        f"{n} {name}" for name, n in counts.items() if name in ("items", "boms", "sales_orders")
    )


def mrp_worker(database: Path) -> None:
    """Snapshot and MRP of every site; one JSON line."""
    from sqlalchemy import select

    from plantops.org.models import Site
    from plantops.planning.mrp import plan
    from plantops.planning.snapshot import take_snapshot
    from plantops.storage.engine import consistent_read, make_engine, make_session_factory

    factory = make_session_factory(make_engine(f"sqlite:///{database}"))
    snapshot_s = mrp_s = 0.0
    items = orders = links = 0
    with factory() as session:
        sites = [s.id for s in session.scalars(select(Site))]
    for site_id in sites:
        started = time.perf_counter()
        with consistent_read(factory) as session:
            site = session.get_one(Site, site_id)
            snap = take_snapshot(session, site, TODAY, 42)
        snapshot_s += time.perf_counter() - started
        started = time.perf_counter()
        result = plan(snap.problem)
        mrp_s += time.perf_counter() - started
        items += len(snap.problem.items)
        orders += len(result.planned_orders)
        links += len(result.links)
    print(
        json.dumps(
            {
                "snapshot": snapshot_s, "mrp": mrp_s, "peak_mib": _peak_mib(), "items": items,
                "planned_orders": orders, "links": links,
            }
        )
    )  # fmt: skip


def demo_worker(database: Path) -> None:
    """A plan run of every site, as the command line does it; one JSON line."""
    from sqlalchemy import select

    from plantops.access.caller import SYSTEM
    from plantops.org.models import Site
    from plantops.planning import models as m
    from plantops.planning.run_requests import request_run
    from plantops.planning.runs import execute_run
    from plantops.planning.schemas import PlanRunIn
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work

    factory = make_session_factory(make_engine(f"sqlite:///{database}"))
    with factory() as session:
        sites = [s.id for s in session.scalars(select(Site).order_by(Site.code))]
    started = time.perf_counter()
    summaries = []
    for site_id in sites:
        with unit_of_work(factory) as session:
            run_id = request_run(session, SYSTEM, PlanRunIn(site_id=site_id, today=TODAY)).id
        execute_run(factory, run_id)
        with factory() as session:
            run = session.get_one(m.PlanRun, run_id)
            assert run.summary is not None, run.problems
            summaries.append(run.summary)
    seconds = time.perf_counter() - started
    orders = sum(s["production_orders"] for s in summaries)
    scheduled = all(
        s["schedule"] and s["schedule"]["status"] in ("feasible", "optimal") for s in summaries
    )
    print(json.dumps({"seconds": seconds, "production_orders": orders, "scheduled": scheduled}))


def _measure(mode: str, database: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", mode, str(database)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _stats(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=("mrp", "demo"), default="mrp")
    parser.add_argument("--scale", type=int, default=225, help="demo plant scale (mrp)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, database = args.worker
        (mrp_worker if mode == "mrp" else demo_worker)(Path(database))
        return
    with tempfile.TemporaryDirectory() as work:
        if args.mode == "mrp":
            database = Path(work) / "plant.db"
            print(f"scale {args.scale}: {load(database, args.scale, args.seed)}")
            runs = [_measure("mrp", database) for _ in range(args.runs)]
            first, peak = runs[0], max(r["peak_mib"] for r in runs)
            print(
                f"{first['items']} items, {first['planned_orders']} planned orders, "
                f"{first['links']} pegging links; peak RSS {peak:.0f} MiB"
            )
            print("\n| step | median s | min s | max s |\n| --- | ---: | ---: | ---: |")
            print(f"| snapshot (read from SQLite) | {_stats([r['snapshot'] for r in runs])} |")
            print(f"| MRP engine | {_stats([r['mrp'] for r in runs])} |")
            both = [r["snapshot"] + r["mrp"] for r in runs]
            print(f"| both | {_stats(both)} |")
        else:
            results = []
            for run in range(args.runs):
                database = Path(work) / f"demo-{run}.db"
                load(database, 1, args.seed)
                results.append(_measure("demo", database))
            assert all(r["scheduled"] for r in results)
            orders = results[0]["production_orders"]
            print(f"demo plant, 3 sites, {orders} production orders planned and scheduled")
            print("\n| step | median s | min s | max s |\n| --- | ---: | ---: | ---: |")
            print(f"| plan runs of all sites | {_stats([r['seconds'] for r in results])} |")


if __name__ == "__main__":
    main()
