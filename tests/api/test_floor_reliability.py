"""Exactly once under concurrency and replays (reference/reliability.md T1, T2, T3, T7),
over real HTTP: every terminal a separate client, the server's own connections to the
database, on both databases. benchmarks/reliability.py runs them at full size."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from plantops.execution import verify
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.inventory.models import StockMove
from tests.floor import Floor
from tests.floor_scenarios import Target, many_terminals, offline_replay

Bound = tuple[sessionmaker[Session], str]


def clients(api: httpx.Client, n: int) -> list[httpx.Client]:
    return [httpx.Client(base_url=api.base_url, headers=api.headers, timeout=60) for _ in range(n)]


def test_the_same_complete_from_ten_sessions_moves_the_operation_once(
    api: httpx.Client, bound: Bound
) -> None:
    floor = Floor(api)
    cut, _ = floor.release(bound[0])
    assert api.post("/events", json=floor.event("operation_start", order_operation_id=cut["id"]))
    bodies = [
        floor.event("operation_complete", order_operation_id=cut["id"], good=1) for _ in range(10)
    ]
    gate = threading.Barrier(len(bodies))
    sessions = clients(api, len(bodies))

    def complete(i: int) -> int:
        gate.wait()
        return sessions[i].post("/events", json=bodies[i]).status_code

    with ThreadPoolExecutor(len(bodies)) as pool:
        statuses = sorted(pool.map(complete, range(len(bodies))))
    for client in sessions:
        client.close()
    assert statuses == [201] + [409] * 9
    (after, _) = api.get(f"/production_orders/{cut['production_order_id']}/operations").json()
    assert after["status"] == "completed" and after["good"] == "1.000000"
    with bound[0]() as session:
        completes = session.scalar(
            select(func.count()).where(
                ShopEvent.order_operation_id == cut["id"], ShopEvent.kind == "operation_complete"
            )
        )
    assert completes == 1


def test_events_sent_one_to_five_times_some_at_once_count_once(
    api: httpx.Client, bound: Bound
) -> None:
    floor = Floor(api)
    cut, _ = floor.release(bound[0], quantity=40)
    start = floor.event("operation_start", order_operation_id=cut["id"])
    assert api.post("/events", json=start).status_code == 201
    reports = [
        floor.event("operation_report", order_operation_id=cut["id"], good=1) for _ in range(30)
    ]
    chance = random.Random(7)
    sendings = [body for body in [start, *reports] for _ in range(chance.randint(1, 5))]
    chance.shuffle(sendings)  # copies of one event go out side by side, on different clients
    sessions = clients(api, 8)

    def send(i: int) -> tuple[str, int, dict[str, Any]]:
        answer = sessions[i % len(sessions)].post("/events", json=sendings[i])
        return sendings[i]["idempotency_key"], answer.status_code, answer.json()

    with ThreadPoolExecutor(len(sessions)) as pool:
        answers = list(pool.map(send, range(len(sendings))))
    for client in sessions:
        client.close()
    assert {status for _, status, _ in answers} == {201}
    by_key: dict[str, list[dict[str, Any]]] = {}
    for key, _, body in answers:
        by_key.setdefault(key, []).append(body)
    for key, bodies in by_key.items():
        assert all(b == bodies[0] for b in bodies), key  # every re-sending told the same
    (after, _) = api.get(f"/production_orders/{cut['production_order_id']}/operations").json()
    assert after["good"] == "30.000000" and after["started"] == "40.000000"
    with bound[0]() as session:
        recorded = session.scalar(
            select(func.count()).where(ShopEvent.order_operation_id == cut["id"])
        )
        good = session.scalar(
            select(func.sum(ShopEvent.good)).where(ShopEvent.order_operation_id == cut["id"])
        )
    assert recorded == 31 and good == 30  # one row per event; the ledger sums to the tally


def _target(api: httpx.Client, bound: Bound, orders: int = 5) -> tuple[Target, Floor]:
    """The stocked floor: tube received, orders released, each one's weld started with
    pieces to spare (its reports receive frames into stock)."""
    floor = Floor(api, stock=True)
    tube, line = floor.item["TUBE"], floor.location["LINE"]
    assert floor.move("receipt", item_id=tube, location_id=line, quantity=100).status_code == 201
    welds = []
    for _ in range(orders):
        _, weld = floor.release(bound[0], quantity=1)
        started = floor.send("operation_start", order_operation_id=weld["id"], quantity=10**6)
        assert started.status_code == 201, started.text
        welds.append(weld["id"])
    token = api.headers["Authorization"].removeprefix("Bearer ")
    return Target(bound[1], token, welds, tube, line), floor


def _ledger_keys(bound: Bound) -> Counter[str]:
    with bound[0]() as session:
        return Counter(session.scalars(select(ShopEvent.idempotency_key)))


def test_many_terminals_at_once_lose_nothing_and_count_nothing_twice(
    api: httpx.Client, bound: Bound
) -> None:
    target, _ = _target(api, bound)
    told = many_terminals(target, clients=10, each=20)
    assert set(told.statuses) <= {201, 409} and told.statuses[201] > 100, told.statuses
    keys = _ledger_keys(bound)
    assert all(keys[k] == 1 for k in told.acknowledged)  # 0 lost, 0 duplicated
    with bound[0]() as session:
        moved = set(session.scalars(select(StockMove.idempotency_key)))
        assert told.stock_acknowledged <= moved
        assert verify.problems(session) == []  # totals = ledger sums, no negative stock


def test_an_offline_terminal_replays_its_buffer_out_of_order(
    api: httpx.Client, bound: Bound
) -> None:
    target, _ = _target(api, bound, orders=3)
    told = offline_replay(target, events=200, batch=50)
    assert set(told.statuses) == {201} and len(told.acknowledged) == 200
    assert told.late == 200  # each flagged for a supervisor, none refused
    keys = _ledger_keys(bound)
    assert all(keys[k] == 1 for k in told.acknowledged)
    with bound[0]() as session:
        assert verify.problems(session) == []
        good = session.scalar(
            select(func.sum(OrderOperation.good)).where(OrderOperation.id.in_(target.operations))
        )
    assert good == 200
