"""Shop-floor event ingest over real HTTP, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/ingest.py [--backends sqlite,postgresql] [--runs 3]

Per backend and run: a fresh database (SQLite file with WAL and synchronous=FULL; a
PostgreSQL server from Debian's binaries with its default, durable settings, or the one at
PLANTOPS_BENCH_POSTGRES_URL), the floor plant of the tests (tests/floor.py) with 200 released
orders whose first operation is started, and `plantops serve` in its own process (one
uvicorn worker). Then, from this process:

- batch: 20 batches of 1,000 operation reports each (POST /api/v1/events/batch), one after
  the other; events per second of each batch;
- single: operation reports one per request (POST /api/v1/events) sent at 100 per second for
  20 s (open loop: each at its scheduled moment, from 16 client threads); the latency of each.

Reported: medians over the runs of the median batch rate, of the single events' p50, p95
and p99 latency and of the server's CPU time per single event (its processes', not the
database's), with the machine's speed that day (python_loop_ms); every run in
benchmarks/results/ingest.jsonl. Targets (issue 6): 2,000
events/s or more through the batch endpoint, a p95 under 25 ms for single events at 100/s."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/floor.py: the plant the execution tests use

RESULTS = ROOT / "benchmarks" / "results" / "ingest.jsonl"
ORDERS = 200
BATCHES, BATCH = 20, 1000
RATE, SECONDS, THREADS = 100, 20, 16


def report(operation: int) -> dict[str, Any]:
    return {"idempotency_key": uuid.uuid4().hex, "kind": "operation_report",
            "order_operation_id": operation, "good": 1,
            "occurred_at": datetime.now(UTC).isoformat()}  # fmt: skip


def batches(client: Any, operations: list[int]) -> list[float]:
    rates = []
    for n in range(BATCHES):
        events = [report(operations[(n * BATCH + i) % len(operations)]) for i in range(BATCH)]
        started = time.perf_counter()
        answer = client.post("/api/v1/events/batch", json={"events": events})
        elapsed = time.perf_counter() - started
        body = answer.json()
        assert answer.status_code == 200 and body["recorded"] == BATCH, answer.text[:300]
        rates.append(BATCH / elapsed)
    return rates


def singles(base: str, headers: dict[str, str], operations: list[int]) -> list[float]:
    import httpx

    clients = [httpx.Client(base_url=base, headers=headers, timeout=30) for _ in range(THREADS)]
    total = RATE * SECONDS
    origin = time.perf_counter() + 0.5

    def send(i: int) -> float:
        moment = origin + i / RATE
        time.sleep(max(0.0, moment - time.perf_counter()))
        sent = time.perf_counter()
        answer = clients[i % THREADS].post("/api/v1/events", json=report(operations[i % ORDERS]))
        assert answer.status_code == 201, answer.text[:300]
        return (time.perf_counter() - sent) * 1000

    with ThreadPoolExecutor(THREADS) as pool:
        latencies = list(pool.map(send, range(total)))
    for client in clients:
        client.close()
    return latencies


class Steal:
    """The share of the machine's CPU time the hypervisor gave to other machines (the
    `steal` column of /proc/stat) from now until `share` is asked: a shared machine's noise."""

    def __init__(self) -> None:
        self.start = self._times()

    @staticmethod
    def _times() -> list[int]:
        with contextlib.suppress(OSError):
            return [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
        return [0] * 8

    def share(self) -> float:
        spent = [b - a for a, b in zip(self.start, self._times(), strict=True)]
        return round(100 * spent[7] / (sum(spent) or 1), 1)


def python_loop_ms() -> float:
    """How fast the machine is right now: a fixed pure-Python loop, median of three. A
    shared machine's speed varies twofold from hour to hour with little time stolen, so
    runs of different days compare only through this."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times))


def tree_cpu_s(pid: int) -> float:
    """CPU seconds used so far by a process and its children (uvicorn's workers)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
    return total


def workers(backend: str) -> int:
    """As a plant would serve it: SQLite by one process, PostgreSQL by one per core."""
    return 1 if backend == "sqlite" else os.cpu_count() or 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(backend: str) -> dict[str, Any]:
    import httpx
    from tests.floor_scenarios import Served, fresh_database, prepared

    loop_ms = python_loop_ms()
    with fresh_database(backend) as url:
        token, operations = prepared(url, ORDERS)
        headers = {"Authorization": f"Bearer {token}"}
        served = Served(url, workers=workers(backend))
        stolen = Steal()
        served.start()
        try:
            with httpx.Client(base_url=served.base, headers=headers, timeout=120) as client:
                rates = batches(client, operations)
            spent = tree_cpu_s(served.process.pid)
            latencies = singles(served.base, headers, operations)
            spent = tree_cpu_s(served.process.pid) - spent
        finally:
            served.stop()
    return {
        "backend": backend, "server_processes": workers(backend),
        "date": date.today().isoformat(), "machine": _machine(),
        "cpu_stolen_pct": stolen.share(),
        "batch_events_per_s": round(statistics.median(rates)),
        "batch_min": round(min(rates)), "batch_max": round(max(rates)),
        "single_p50_ms": round(percentile(latencies, 0.50), 1),
        "single_p95_ms": round(percentile(latencies, 0.95), 1),
        "single_p99_ms": round(percentile(latencies, 0.99), 1),
        "single_sent": len(latencies), "single_rate": RATE,
        "server_cpu_ms_per_single": round(1000 * spent / len(latencies), 2),
        "python_loop_ms": loop_ms,
    }  # fmt: skip


def _machine() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def main() -> None:
    global BATCHES, SECONDS, RATE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batches", type=int, default=BATCHES, help="batches per run")
    parser.add_argument("--seconds", type=int, default=SECONDS, help="of single events")
    parser.add_argument("--rate", type=int, default=RATE, help="single events per second")
    parser.add_argument("--no-record", action="store_true", help="a trial: keep no result")
    args = parser.parse_args()
    BATCHES, SECONDS, RATE = args.batches, args.seconds, args.rate
    for backend in args.backends.split(","):
        found = []
        for n in range(args.runs):
            result = run(backend) | {"run": n + 1}
            found.append(result)
            if not args.no_record:
                with RESULTS.open("a") as out:
                    out.write(json.dumps(result) + "\n")
            print(json.dumps(result), flush=True)
        medians = {
            key: statistics.median(r[key] for r in found)
            for key in (
                "batch_events_per_s",
                "single_p50_ms",
                "single_p95_ms",
                "single_p99_ms",
                "server_cpu_ms_per_single",
                "cpu_stolen_pct",
                "python_loop_ms",
            )
        }
        print(f"{backend}: medians of {len(found)} runs: {json.dumps(medians)}", flush=True)


if __name__ == "__main__":
    main()
