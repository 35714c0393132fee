"""The plant simulation's two figures (issue 7), on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/simulation.py [--backends sqlite,postgresql] [--runs 3]

Per backend and run, in a fresh database (tests/floor_scenarios.fresh_database) with the
demo plant (seed 1, scale 1):

- history: `create_history(days=28)`, what `plantops demo` adds: four weeks simulated at
  the three sites and posted as shop-floor events through the recording service; seconds,
  orders and events. Target: under 2 minutes.
- robustness: a plan run for DE-STR (schedule 10 s), then what `plantops simulate --runs
  50` does: the orders the plan starts in its first week replayed 50 times; seconds for
  the 50 (the floor's building from the plan apart). Target: under a minute.

Reported: medians over the runs, with the machine's speed at the time (python_loop_ms, as
in benchmarks/ingest.py); every run in benchmarks/results/simulation.jsonl. No peer: none
of the systems we compare with simulates a floor."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/floor_scenarios.py: fresh databases
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks" / "results" / "simulation.jsonl"


def run(backend: str) -> dict[str, Any]:
    from ingest import _machine, python_loop_ms
    from sqlalchemy import select
    from tests.floor_scenarios import fresh_database

    from plantops.access.caller import SYSTEM
    from plantops.demo.history import create_history
    from plantops.demo.loader import load_demo
    from plantops.org.models import Site
    from plantops.planning.run_requests import request_run
    from plantops.planning.runs import execute_run
    from plantops.planning.schemas import PlanRunIn
    from plantops.simulation.rates_file import load
    from plantops.simulation.replay import plan_floor
    from plantops.simulation.robustness import replay
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    loop_ms = python_loop_ms()
    with fresh_database(backend) as url:
        engine = make_engine(url)
        upgrade(engine)
        load_demo(engine)
        began = time.perf_counter()
        made = create_history(engine, days=28, now=datetime.now(UTC))
        history_s = time.perf_counter() - began
        factory = make_session_factory(engine)
        with unit_of_work(factory) as session:
            site = session.scalars(select(Site.id).where(Site.code == "DE-STR")).one()
            run_id = request_run(session, SYSTEM, PlanRunIn(site_id=site)).id
        execute_run(factory, run_id)
        with unit_of_work(factory) as session:
            planned = plan_floor(session, SYSTEM, "DE-STR", run_id, load(), days=7)
        began = time.perf_counter()
        figures = replay(planned.floor, runs=50)
        robustness_s = time.perf_counter() - began
        engine.dispose()
    return {
        "backend": backend, "date": datetime.now(UTC).date().isoformat(),
        "machine": _machine(), "python": platform.python_version(), "python_loop_ms": loop_ms,
        "history_s": round(history_s, 1), "history_days": 28,
        "history_orders": sum(h.orders for h in made),
        "history_events": sum(h.events for h in made),
        "history_events_per_s": round(sum(h.events for h in made) / history_s),
        "robustness_runs": 50, "robustness_jobs": figures.jobs,
        "robustness_s": round(robustness_s, 2),
        "on_time_median": round(figures.on_time.median, 3),
        "on_paper_on_time": round(planned.on_paper_on_time, 3),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    for backend in options.backends.split(","):
        results = []
        for number in range(options.runs):
            result = run(backend)
            results.append(result)
            with RESULTS.open("a") as out:
                out.write(json.dumps(result) + "\n")
            print(f"{backend} run {number + 1}: {json.dumps(result)}", flush=True)
        medians = {
            key: statistics.median(r[key] for r in results)
            for key in ("history_s", "history_events", "robustness_s", "python_loop_ms")
        }
        print(f"{backend} medians of {len(results)}: {json.dumps(medians)}", flush=True)


if __name__ == "__main__":
    main()
