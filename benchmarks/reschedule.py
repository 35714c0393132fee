"""Rescheduling figures: how much a disruption moves, repaired close to the previous schedule
(PlantOps' reschedule) against scheduling afresh from the same floor state (the peer: the
plan's objective, no memory of the previous schedule), measured in the same run.

    .venv/bin/python benchmarks/reschedule.py --runs 3 [--seconds 10]

Per run: the demo plant (scale 1, this week's) in a fresh SQLite database; a plan run of each
site for today (nothing starts before now); the earliest order of each site released and its
first operation started; then each site's most loaded work center goes down from now for
`--down-hours`, and the site is rescheduled both ways from the same read state. Reported per
way, summed over the sites, as medians of the runs: operations moved (another work center, or
a start shifted by a minute or more), the sum of the shifts in hours, late orders and hours
late, and the solve time. Nothing is stored by the comparison."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def worker(database: Path, seconds: float, down_hours: float) -> None:
    """One run: load, plan, start an order per site, disrupt, reschedule both ways."""
    from sqlalchemy import select

    from plantops.access.caller import SYSTEM
    from plantops.demo import build_plant
    from plantops.execution.models import OrderOperation
    from plantops.execution.recording import record
    from plantops.execution.release import release
    from plantops.execution.reschedule import request_reschedule
    from plantops.execution.reschedule_before import read_before
    from plantops.execution.reschedule_moves import list_moves
    from plantops.execution.reschedule_repair import REPAIR, repair
    from plantops.execution.runs import execute
    from plantops.execution.schemas import DownIn, EventIn, RescheduleIn
    from plantops.integration.service import import_plant
    from plantops.masterdata.models import WorkCenter
    from plantops.org.models import Site
    from plantops.planning import models as m
    from plantops.planning.run_outcome import end
    from plantops.planning.run_requests import request_run
    from plantops.planning.schedule_input import OBJECTIVE
    from plantops.planning.schemas import PlanRunIn
    from plantops.planning.shop import read_shop
    from plantops.storage.engine import (
        consistent_read,
        make_engine,
        make_session_factory,
        unit_of_work,
    )
    from plantops.storage.migrate import upgrade
    from plantops.types import OperationStatus, PlanRunStatus

    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        import_plant(session, SYSTEM, build_plant(1, 1))
    with factory() as session:
        sites = [(s.id, s.code) for s in session.scalars(select(Site))]
    out: dict[str, dict[str, float]] = {"repair": {}, "fresh": {}}
    operations = 0
    for site_id, code in sites:
        with unit_of_work(factory) as session:
            wanted = PlanRunIn(site_id=site_id, schedule_seconds=seconds)
            run_id = request_run(session, SYSTEM, wanted).id
        execute(factory, run_id)
        with unit_of_work(factory) as session:
            run = session.get_one(m.PlanRun, run_id)
            busiest = max(run.summary["schedule"]["utilisation"].items(), key=lambda kv: kv[1])[0]
            first = session.scalars(
                select(m.ProductionOrder)
                .where(
                    m.ProductionOrder.site_id == site_id,
                    m.ProductionOrder.scheduled_start.is_not(None),
                )
                .order_by(m.ProductionOrder.scheduled_start)
            ).first()
            assert first is not None
            release(session, SYSTEM, first.id, "benchmark")
        with unit_of_work(factory) as session:
            op = session.scalars(
                select(OrderOperation)
                .where(OrderOperation.production_order_id == first.id)
                .order_by(OrderOperation.sequence)
            ).first()
            assert op is not None
            started = EventIn(
                idempotency_key=f"reschedule-bench-{site_id}", kind="operation_start",
                occurred_at=datetime.now(UTC), order_operation_id=op.id,
            )  # fmt: skip
            if op.status is OperationStatus.ready:  # its material there
                record(session, SYSTEM, started, datetime.now(UTC))
        until = datetime.now(UTC) + timedelta(hours=down_hours)
        with unit_of_work(factory) as session:
            center = session.scalars(
                select(WorkCenter.id).where(
                    WorkCenter.site_id == site_id, WorkCenter.code == busiest
                )
            ).one()
            asked = RescheduleIn(site_id=site_id, down=[DownIn(work_center_id=center, until=until)])
            run = request_reschedule(session, SYSTEM, asked)
            session.flush()
            rid = run.id
        with consistent_read(factory) as session:
            run = session.get_one(m.PlanRun, rid)
            site = session.get_one(Site, site_id)
            shop = read_shop(session, site.id, site.time_zone, run.today, run.horizon_days)
            before = read_before(session, site, run)
        for way, objective in (("repair", REPAIR), ("fresh", OBJECTIVE)):
            clock = time.perf_counter()
            repaired = repair(shop, before, seconds, factory, rid, None, objective)
            solve_s = time.perf_counter() - clock
            assert repaired.placed is not None, (code, way, repaired.figures)
            moves = list_moves(shop, before, repaired.placed, repaired.firm_released)
            shifted = [abs(mv.shift) for mv in moves if mv.shift is not None]
            late = [t.late_seconds for t in repaired.placed.orders.values() if t.late_seconds]
            figures = {
                "moved": sum(1 for mv in moves if mv.why not in ("added", "resumes")),
                "shift_hours": sum(shifted) / 3600,
                "late_orders": len(late),
                "late_hours": sum(late) / 3600,
                "solve_s": solve_s,
            }
            for name, value in figures.items():
                out[way][name] = out[way].get(name, 0) + value
        end(factory, rid, PlanRunStatus.cancelled)  # compared, not done: the site is free
        operations += len(repaired.placed.operations)
    out["operations"] = {"count": operations}
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="solve time per schedule")
    parser.add_argument("--down-hours", type=float, default=12.0, help="the outage")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(Path(args.worker), args.seconds, args.down_hours)
        return
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as work:
        for n in range(args.runs):
            database = Path(work) / f"demo-{n}.db"
            command = [sys.executable, __file__, "--worker", str(database)]
            command += ["--seconds", str(args.seconds), "--down-hours", str(args.down_hours)]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    count = int(results[0]["operations"]["count"])
    print(f"demo plant, 3 sites, {count} operations rescheduled, {args.seconds:g} s per schedule")
    print("\n| figure (sum of 3 sites) | repair (PlantOps) | fresh (peer) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name in ("moved", "shift_hours", "late_orders", "late_hours", "solve_s"):
        repair = statistics.median(r["repair"][name] for r in results)
        fresh = statistics.median(r["fresh"][name] for r in results)
        ratio = f"{repair / fresh:.2f}" if fresh else "-"
        print(f"| {name} | {repair:.1f} | {fresh:.1f} | {ratio} |")


if __name__ == "__main__":
    main()
