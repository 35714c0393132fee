"""The reliability scenarios of reference/reliability.md for the floor, over real HTTP: many
terminals at once (T1), an offline terminal's buffered events replayed out of order with a
skewed clock (T3). The tests run them small; benchmarks/reliability.py at full size.

Each returns what the clients were told; the caller checks the database against it."""

from __future__ import annotations

import contextlib
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx


@dataclass(frozen=True)
class Target:
    """Where the events go: the server, a token, and what they name."""

    base: str
    token: str
    operations: list[int]  # started, with quantity to spare
    item: int  # a stocked item
    location: int


@dataclass
class Told:
    """What the clients were answered: status counts, and the keys acknowledged."""

    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: set[str] = field(default_factory=set)  # answered 201
    stock_acknowledged: set[str] = field(default_factory=set)
    late: int = 0


def _client(target: Target) -> httpx.Client:
    headers = {"Authorization": f"Bearer {target.token}"}
    return httpx.Client(base_url=f"{target.base}/api/v1", headers=headers, timeout=120)


def _report(target: Target, chance: random.Random, at: datetime) -> dict[str, Any]:
    return {"idempotency_key": uuid.uuid4().hex, "kind": "operation_report",
            "order_operation_id": chance.choice(target.operations), "good": 1,
            "occurred_at": at.isoformat()}  # fmt: skip


def _stock(target: Target, chance: random.Random) -> dict[str, Any]:
    kind = chance.choice(("receipt", "scrap"))
    return {"idempotency_key": uuid.uuid4().hex, "kind": kind, "item_id": target.item,
            "location_id": target.location, "quantity": chance.randint(1, 5),
            "occurred_at": datetime.now(UTC).isoformat()}  # fmt: skip


def many_terminals(target: Target, clients: int, each: int, seed: int = 1) -> Told:
    """T1: `clients` terminals at once, `each` requests apiece: operation reports and stock
    receipts and scraps (a scrap of stock not there is refused: 409)."""
    told = Told()

    def terminal(n: int) -> list[tuple[str, str, int]]:
        chance = random.Random(f"{seed}/{n}")
        answers = []
        with _client(target) as client:
            for _ in range(each):
                if chance.random() < 0.6:
                    body = _report(target, chance, datetime.now(UTC))
                    answer = client.post("/events", json=body)
                    answers.append(("event", body["idempotency_key"], answer.status_code))
                else:
                    body = _stock(target, chance)
                    if body["kind"] == "scrap":
                        body["reason"] = "damaged in handling"
                    answer = client.post("/stock_moves", json=body)
                    answers.append(("stock", body["idempotency_key"], answer.status_code))
        return answers

    with ThreadPoolExecutor(clients) as pool:
        for answers in pool.map(terminal, range(clients)):
            for what, key, status in answers:
                told.statuses[status] += 1
                if status == 201:
                    (told.acknowledged if what == "event" else told.stock_acknowledged).add(key)
    return told


def offline_replay(target: Target, events: int, seed: int = 1, batch: int = 100) -> Told:
    """T3: a terminal offline for two hours replays what it buffered: reports that occurred
    over those hours by a clock up to 3 minutes off, shuffled, in batches, some batches sent
    twice (the answer was lost)."""
    chance = random.Random(seed)
    now = datetime.now(UTC)
    buffered = [
        _report(target, chance, now - timedelta(minutes=120 - 110 * i / events)
                + timedelta(seconds=chance.uniform(-180, 180)))
        for i in range(events)
    ]  # fmt: skip
    chance.shuffle(buffered)
    told = Told()
    with _client(target) as client:
        for start in range(0, events, batch):
            chunk = buffered[start : start + batch]
            for _ in range(2 if chance.random() < 0.3 else 1):
                answer = client.post("/events/batch", json={"events": chunk})
                assert answer.status_code == 200, answer.text[:300]
                for result in answer.json()["results"]:
                    told.statuses[result["status"]] += 1
                    if result["status"] == 201:
                        told.acknowledged.add(result["event"]["idempotency_key"])
                        told.late += bool(result["event"]["late"]) and not result["replayed"]
    return told


def prepared(url: str, orders: int, quantity: int = 10**9) -> tuple[str, list[int]]:
    """A migrated database at `url` with the floor plant (tests/floor.py), `orders` orders
    released with their first operation started: an admin's API token, the operations."""
    from plantops.access.caller import SYSTEM
    from plantops.execution.recording import record
    from plantops.execution.release import release
    from plantops.execution.schemas import EventIn
    from plantops.execution.views import order_operations
    from plantops.integration.service import import_plant
    from plantops.storage.engine import make_engine, make_session_factory, serialized_write
    from plantops.storage.migrate import upgrade
    from tests.accounts import admin_token
    from tests.floor import approved_order, floor_plant

    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with serialized_write(factory) as session:
        import_plant(session, SYSTEM, floor_plant())
    operations = []
    for _ in range(orders):
        order = approved_order(factory, quantity=quantity)
        with serialized_write(factory) as session:
            release(session, SYSTEM, order, None)
            first = order_operations(session, SYSTEM, order)[0].id
            start = {"idempotency_key": f"prepared-start-{order}", "kind": "operation_start",
                     "order_operation_id": first, "occurred_at": datetime.now(UTC)}  # fmt: skip
            record(session, SYSTEM, EventIn.model_validate(start), datetime.now(UTC))
        operations.append(first)
    token = admin_token(factory)
    engine.dispose()
    return token, operations


class Served:
    """`plantops serve` on `url` in a process of its own, which can be killed (kill -9) and
    started again on the same port."""

    def __init__(self, url: str, workers: int = 1) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url, self.workers = url, workers
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: Any = None

    def start(self) -> None:
        import os
        import subprocess
        import sys
        import time
        from pathlib import Path

        env = os.environ | {"PLANTOPS_DATABASE_URL": self.url, "PLANTOPS_PORT": str(self.port)}
        executable = Path(sys.executable).parent / "plantops"
        self.process = subprocess.Popen(
            [str(executable), "serve", "--workers", str(self.workers)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        """kill -9: no shutdown, no flush; whatever was not committed is lost."""
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def crash_and_recover(
    served: Served, token: str, operations: list[int], kills: int, writers: int = 4,
    seed: int = 1,
) -> Told:  # fmt: skip
    """T4: writers send reports one by one while the server is killed (kill -9) and started
    again, `kills` times; what was not answered is sent again (same key) until it is. Returns
    what was acknowledged: every one of those must be in the ledger, once."""
    import threading
    import time

    told = Told()
    stop = threading.Event()
    lock = threading.Lock()
    target = Target(served.base, token, operations, 0, 0)

    def writer(n: int) -> None:
        chance = random.Random(f"{seed}/{n}")
        pending: list[dict[str, Any]] = []
        with _client(target) as client:
            while not stop.is_set() or pending:
                body = pending.pop() if pending else _report(target, chance, datetime.now(UTC))
                try:
                    answer = client.post("/events", json=body)
                except httpx.HTTPError:
                    pending.append(body)  # unanswered: send it again, same key
                    time.sleep(0.05)
                    continue
                with lock:
                    told.statuses[answer.status_code] += 1
                    if answer.status_code == 201:
                        told.acknowledged.add(body["idempotency_key"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    chance = random.Random(seed)
    for _ in range(kills):
        time.sleep(chance.uniform(0.5, 1.5))
        served.kill()
        served.start()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=300)
    return told


def resent(target: Target, events: int, clients: int = 8, seed: int = 1) -> Told:
    """T2: every event sent one to five times, the copies side by side on different clients;
    `statuses[0]` counts keys whose answers differed between copies (there must be none)."""
    chance = random.Random(seed)
    bodies = [_report(target, chance, datetime.now(UTC)) for _ in range(events)]
    sendings = [b for b in bodies for _ in range(chance.randint(1, 5))]
    chance.shuffle(sendings)
    pool_clients = [_client(target) for _ in range(clients)]

    def send(i: int) -> tuple[str, int, str]:
        answer = pool_clients[i % clients].post("/events", json=sendings[i])
        return sendings[i]["idempotency_key"], answer.status_code, answer.text

    told = Told()
    seen: dict[str, str] = {}
    with ThreadPoolExecutor(clients) as pool:
        for key, status, text in pool.map(send, range(len(sendings))):
            told.statuses[status] += 1
            if status == 201:
                told.acknowledged.add(key)
            if seen.setdefault(key, text) != text:
                told.statuses[0] += 1
    for client in pool_clients:
        client.close()
    return told


@contextlib.contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """For the benchmarks: an empty database's URL, a SQLite file or a PostgreSQL server with
    its default, durable settings (from Debian's binaries, or PLANTOPS_BENCH_POSTGRES_URL)."""
    import os
    import tempfile

    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/plantops.db"
        return
    given = os.environ.get("PLANTOPS_BENCH_POSTGRES_URL")
    if given:
        yield given
        return
    from tests.postgres import debian_pg_ctl, throwaway_server

    pg_ctl = debian_pg_ctl()
    if pg_ctl is None:
        raise SystemExit("no PostgreSQL binaries (apt-get install postgresql)")
    with throwaway_server(pg_ctl, options="") as url:
        yield url
