"""The floor's reliability scenarios (reference/reliability.md T1-T4) at full size, over real
HTTP against `plantops serve` in its own process, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/reliability.py [--backends sqlite,postgresql]

Per backend, a fresh database with the floor plant of the tests and 50 started operations:
- T1: 50 terminals at once, 200 requests each (operation reports, stock receipts and scraps);
- T2: 2,000 events, each sent 1 to 5 times, the copies side by side on 8 clients;
- T3: an offline terminal replays 1,000 events buffered over two hours, clock skewed by up to
  3 minutes, shuffled, in batches of 100 (some sent twice);
- T4: 4 writers while the server is killed (kill -9) and restarted 10 times.
Then: events acknowledged but missing from the ledger (lost), keys recorded more than once
(duplicated), re-sendings answered differently, and every disagreement between the ledgers
and what is derived from them (plantops ledger verify). Each line goes to
benchmarks/results/reliability.jsonl."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "reliability.jsonl"


def stock_location(url: str) -> tuple[int, int]:
    """A location and a stocked item at the floor plant's site (negative stock forbidden)."""
    from sqlalchemy import select
    from tests.floor import SITE

    from plantops.access.caller import SYSTEM
    from plantops.integration.service import import_plant
    from plantops.masterdata.models import Item
    from plantops.storage.engine import make_engine, make_session_factory, serialized_write

    engine = make_engine(url)
    factory = make_session_factory(engine)
    extra = {
        "format": "plantops-plant",
        "items": [{"site": SITE, "code": "BOLT", "name": "Bolt", "uom": "pcs",
                   "item_type": "purchased_part", "make_or_buy": "buy"}],
        "locations": [{"site": SITE, "code": "BIN", "name": "Bin"}],
    }  # fmt: skip
    with serialized_write(factory) as session:
        import_plant(session, SYSTEM, extra)
    with factory() as session:
        from plantops.inventory.models import Location

        item = session.scalars(select(Item.id).where(Item.code == "BOLT")).one()
        location = session.scalars(select(Location.id).where(Location.code == "BIN")).one()
    engine.dispose()
    return item, location


def check(url: str, acknowledged: set[str], stock: set[str]) -> dict[str, Any]:
    from sqlalchemy import select

    from plantops.execution import verify
    from plantops.execution.models import ShopEvent
    from plantops.inventory.models import StockMove
    from plantops.storage.engine import make_engine, make_session_factory

    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        keys = Counter(session.scalars(select(ShopEvent.idempotency_key)))
        moved = set(session.scalars(select(StockMove.idempotency_key)))
        problems = verify.problems(session)
    engine.dispose()
    return {
        "lost": sum(1 for k in acknowledged if k not in keys) + len(stock - moved),
        "duplicated": sum(1 for k in acknowledged if keys[k] > 1),
        "ledger_problems": len(problems),
    }


def run(backend: str) -> list[dict[str, Any]]:
    from tests.floor_scenarios import (
        Served,
        Target,
        crash_and_recover,
        fresh_database,
        many_terminals,
        offline_replay,
        prepared,
        resent,
    )  # fmt: skip

    out = []
    with fresh_database(backend) as url:
        token, operations = prepared(url, orders=50)
        item, location = stock_location(url)
        served = Served(url)
        served.start()
        try:
            target = Target(served.base, token, operations, item, location)
            scenarios = {
                "T1 50 terminals x 200": lambda: many_terminals(target, 50, 200),
                "T2 2,000 events re-sent 1-5 times": lambda: resent(target, 2000),
                "T3 1,000 offline events replayed": lambda: offline_replay(target, 1000),
                "T4 10 kill -9 while writing": lambda: crash_and_recover(
                    served, token, operations, kills=10
                ),
            }
            for name, scenario in scenarios.items():
                started = time.perf_counter()
                told = scenario()
                seconds = time.perf_counter() - started
                found = check(url, told.acknowledged, told.stock_acknowledged)
                answers = {str(k): v for k, v in sorted(told.statuses.items())}
                out.append({
                    "backend": backend, "scenario": name, "date": date.today().isoformat(),
                    "acknowledged": len(told.acknowledged) + len(told.stock_acknowledged),
                    "answers": answers, "late_flagged": told.late,
                    "answered_differently": told.statuses.get(0, 0),
                    "seconds": round(seconds, 1), **found,
                })  # fmt: skip
                print(json.dumps(out[-1]), flush=True)
        finally:
            served.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        for line in run(backend):
            with RESULTS.open("a") as results:
                results.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
