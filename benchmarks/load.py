"""The load test (reference/reliability.md T13) and the kill -9 test under that load (T4),
with the plant simulation's terminals as the load (plantops.simulation.terminals), over real
HTTP against `plantops serve` in its own process, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/load.py [--backends sqlite,postgresql] [--minutes 3]
        [--rate 60] [--readers 30] [--scale 130] [--workers 1] [--kills 3]

Per backend: a fresh database (tests/floor_scenarios.fresh_database) with the demo plant at
--scale (130: about 315 work centers at three sites, so 300 terminals or more), no
history; the server with --workers uvicorn workers. Then:

- T13: two simulated days of each site's open work (orders released for it), sent by one
  terminal per work center at --rate events per second all together for --minutes, while
  --readers UI users (supervisors) each read a page every 1-5 s. Target: events p95 under
  300 ms and p99 under 1 s, no errors.
- T4 under load: the same for one more minute of the script's rest, the server killed
  (kill -9) and started again --kills times meanwhile; the terminals send what was not
  answered again, under the same key.

After each: events acknowledged but missing from the ledger (lost), keys recorded more than
once (duplicated), every disagreement between the ledgers and what is derived from them
(plantops ledger verify). Each line goes to benchmarks/results/load.jsonl, with the
machine's speed (python_loop_ms, as in benchmarks/ingest.py)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/floor_scenarios.py: fresh databases, the server
sys.path.insert(0, str(ROOT / "benchmarks"))
RESULTS = ROOT / "benchmarks" / "results" / "load.jsonl"


def run(backend: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    from ingest import _machine, python_loop_ms
    from reliability import check
    from tests.floor_scenarios import Served, fresh_database

    from plantops.simulation import terminals
    from plantops.simulation.rates_file import load
    from plantops.storage.engine import make_engine, make_session_factory

    out: list[dict[str, Any]] = []
    with fresh_database(backend) as url:
        began = time.perf_counter()
        demo = [str(Path(sys.executable).parent / "plantops"), "demo", "--scale",
                str(args.scale), "--history-days", "0"]  # fmt: skip
        subprocess.run(demo, env=os.environ | {"PLANTOPS_DATABASE_URL": url}, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        loaded = time.perf_counter() - began
        engine = make_engine(url)
        began = time.perf_counter()
        prepared = terminals.prepare(
            make_session_factory(engine), load(), None, 2, seed=1, readers=args.readers
        )
        engine.dispose()
        ready = time.perf_counter() - began
        served = Served(url, workers=args.workers)
        served.start()
        first = int(args.minutes * 60 * args.rate)  # events: the T13 part of the script
        if len(prepared.postings) < first + 60 * args.rate:
            raise SystemExit(f"only {len(prepared.postings)} events: raise --scale")
        head = replace(prepared, postings=prepared.postings[:first])
        rest = replace(prepared, postings=_renumbered(prepared.postings[first:]))
        try:
            common = {"backend": backend, "date": date.today().isoformat(),
                      "python_loop_ms": python_loop_ms(), "machine": _machine(),
                      "scale": args.scale, "workers": args.workers, "rate": args.rate,
                      "terminals": len({p.terminal for p in prepared.postings}),
                      "readers": args.readers, "orders": prepared.orders,
                      "script_events": len(prepared.postings), "demo_load_s": round(loaded, 1),
                      "prepare_s": round(ready, 1)}  # fmt: skip
            measured = terminals.run(served.base, head, args.rate)
            out.append(
                _line(common, "T13 load", measured, check(url, measured.acknowledged, set()))
            )
            print(json.dumps(out[-1]), flush=True)
            if args.kills:
                stop = threading.Event()
                killer = threading.Thread(
                    target=_kill_now_and_then, args=(served, args.kills, stop)
                )
                killer.start()
                measured = terminals.run(served.base, rest, args.rate, 60 + 10 * args.kills)
                stop.set()
                killer.join()
                found = check(url, measured.acknowledged, set())
                out.append(_line(common, f"T4 {args.kills} kill -9 under load", measured, found))
                print(json.dumps(out[-1]), flush=True)
        finally:
            served.stop()
    return out


def _renumbered(postings: Any) -> tuple[Any, ...]:
    """The script's rest, due from now on; its ties to postings of the part before (all
    answered by now) dropped."""
    if not postings:
        return ()
    first = postings[0].index
    return tuple(
        replace(p, index=p.index - first,
                after=None if p.after is None or p.after < first else p.after - first)
        for p in postings
    )  # fmt: skip


def _kill_now_and_then(served: Any, kills: int, stop: threading.Event) -> None:
    for _ in range(kills):
        if stop.wait(10):
            return
        served.kill()
        served.start()


def _line(
    common: dict[str, Any], scenario: str, measured: Any, found: dict[str, Any]
) -> dict[str, Any]:
    return {"scenario": scenario, **common, **measured.summary(), **found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--rate", type=float, default=60)
    parser.add_argument("--readers", type=int, default=30)
    parser.add_argument("--scale", type=int, default=130)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        for line in run(backend, args):
            with RESULTS.open("a") as results:
                results.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
