"""Shared helpers for the engine's tests: small problem builders and the verification every
returned schedule goes through (the engine's own audit and the independent checker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantops.scheduling.audit import audit
from plantops.scheduling.checker import check
from plantops.scheduling.checker import objective_value as checked_objective
from plantops.scheduling.evaluate import Solution
from plantops.scheduling.index import compile_problem
from plantops.scheduling.instances import job_shop
from plantops.scheduling.problem import Problem
from plantops.scheduling.readers import read_instance
from plantops.scheduling.schedule import Schedule, Status

BENCHMARKS = Path(__file__).resolve().parents[4] / "shared" / "benchmarks"

FT06 = """6 6
2 1 0 3 1 6 3 7 5 3 4 6
1 8 2 5 4 10 5 10 0 10 3 4
2 5 3 4 5 8 0 9 1 1 4 7
1 5 0 5 2 5 3 3 4 8 5 9
2 9 1 3 4 5 5 4 0 3 3 1
1 3 3 3 5 9 0 10 4 4 2 1
"""


def benchmark(folder: str, name: str) -> Problem:
    """A published instance from ../shared/benchmarks; the test is skipped without the set."""
    path = BENCHMARKS / folder / (name + (".fjs" if folder == "fjsp" else ".txt"))
    if not path.exists():
        pytest.skip(f"benchmark instance {path} not available")
    return read_instance(path).problem


def job_shop_text(text: str) -> Problem:
    """A job shop in the OR-Library format (machines 0-indexed)."""
    numbers = [int(x) for x in text.split()]
    n, m, rest = numbers[0], numbers[1], numbers[2:]
    jobs = [
        [(rest[2 * (j * m + k)], rest[2 * (j * m + k) + 1]) for k in range(m)] for j in range(n)
    ]
    return job_shop(jobs)


def verify(problem: Problem, schedule: Schedule) -> None:
    """A returned schedule breaks nothing, by both verifiers, and states its objective right."""
    if schedule.status not in (Status.optimal, Status.feasible):
        assert not schedule.assignments
        return
    assert len(schedule.assignments) == len(problem.operations)
    violations = check(problem, schedule)
    assert not violations, violations[:5]
    idx = compile_problem(problem)
    by_op = {a.operation: a for a in schedule.assignments}
    picked = [by_op[o] for o in idx.op_ids]
    sol = Solution([a.mode for a in picked], [a.start for a in picked], [a.end for a in picked])
    assert audit(idx, sol) == []
    assert schedule.objective == checked_objective(problem, schedule)
    if schedule.lower_bound is not None:
        assert schedule.lower_bound <= schedule.objective
    if schedule.status == Status.optimal and not problem.objective.lexicographic:
        assert schedule.lower_bound == schedule.objective


def at(schedule: Schedule, op: str) -> tuple[int, int]:
    """(start, end) of one operation."""
    a = next(a for a in schedule.assignments if a.operation == op)
    return a.start, a.end
