"""The load generator's script: the sites' happenings merged by time, each a terminal's
(its work center's), each tied to the last of its order on another terminal."""

from __future__ import annotations

from plantops.simulation.model import Happening
from plantops.simulation.terminals import percentiles, script

REASONS = {"breakdown": (41,), "scrap": (42,)}


def test_happenings_become_one_script_in_time_order_with_ties_across_terminals() -> None:
    first_site = (
        Happening(0, "operation_start", station=1, step=10, job=100, quantity=5),
        Happening(60, "operation_complete", station=1, step=10, job=100, good=5),
        Happening(60, "operation_start", station=2, step=11, job=100, quantity=5),
        Happening(90, "work_center_state", station=2, state="down", loss="breakdown"),
        Happening(120, "operation_report", station=2, step=11, job=100, good=4, scrap=1),
    )
    second_site = (Happening(30, "operation_start", station=7, step=70, job=700, quantity=1),)
    made = script([("A", first_site, REASONS), ("B", second_site, REASONS)], seed=9)
    # 0 (A), 30 (B), 60 (A, A: in A's own order), 90, 120
    assert [(p.terminal, p.body["kind"]) for p in made] == [
        (1, "operation_start"), (7, "operation_start"), (1, "operation_complete"),
        (2, "operation_start"), (2, "work_center_state"), (2, "operation_report"),
    ]  # fmt: skip
    assert [p.index for p in made] == list(range(6))
    # the second operation waits for the first's completion, on terminal 1; on its own
    # terminal the order it is sent in is enough
    assert [p.after for p in made] == [None, None, None, 2, None, None]
    assert [p.body["idempotency_key"] for p in made] == [
        "load-9-A-0", "load-9-B-0", "load-9-A-1", "load-9-A-2", "load-9-A-3", "load-9-A-4",
    ]  # fmt: skip
    assert all("occurred_at" not in p.body for p in made)  # stamped when sent
    assert made[4].body["reason_code_id"] == 41 and made[4].body["state"] == "down"
    assert made[5].body["scrap_reason_code_id"] == 42 and made[5].body["good"] == 4


def test_percentiles_of_a_few_latencies() -> None:
    assert percentiles([]) == {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    shown = percentiles([float(n) for n in range(1, 101)])
    assert shown["p50"] == 50.5 and 95 <= shown["p95"] <= 96 and 99 <= shown["p99"] <= 100
