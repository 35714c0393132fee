"""Problems without any schedule: status infeasible, and a reason that names the culprits."""

from __future__ import annotations

from plantops.scheduling.problem import (
    Fixed,
    Job,
    Mode,
    Need,
    Operation,
    Pool,
    Precedence,
    Problem,
    Resource,
)
from plantops.scheduling.schedule import Status
from plantops.scheduling.solver import solve


def two_jobs(**jobs: Job) -> Problem:
    return Problem(
        jobs=(jobs.get("A", Job("A")), jobs.get("B", Job("B"))),
        operations=(
            Operation("A.1", "A", (Mode("M", 4),)),
            Operation("A.2", "A", (Mode("N", 3),)),
            Operation("B.1", "B", (Mode("M", 4),)),
        ),
        resources=(Resource("M"), Resource("N")),
        precedences=(Precedence("A.1", "A.2"),),
    )


def test_a_deadline_shorter_than_the_route() -> None:
    # A needs 4 + 3 = 7 at least; a deadline of 5 cannot hold
    s = solve(two_jobs(A=Job("A", deadline=5)), time_limit=5)
    assert s.status == Status.infeasible
    assert not s.assignments and s.objective is None
    assert "deadline of job A" in s.reason


def test_deadlines_that_only_conflict_together() -> None:
    # each job alone fits by 4 on M, both cannot: M runs 8 units of work
    s = solve(two_jobs(A=Job("A", deadline=7), B=Job("B", deadline=4)), time_limit=5)
    assert s.status == Status.infeasible
    assert "deadline of job A" in s.reason and "deadline of job B" in s.reason


def test_a_pin_against_a_deadline() -> None:
    p = Problem(
        jobs=(Job("A", deadline=6), Job("B")),
        operations=(
            Operation("A.1", "A", (Mode("M", 4),)),
            Operation("B.1", "B", (Mode("M", 4),), fixed=Fixed(1)),
        ),
        resources=(Resource("M"),),
    )
    s = solve(p, time_limit=5)
    assert s.status == Status.infeasible
    assert "B.1 pinned at 1" in s.reason and "deadline of job A" in s.reason


def test_an_operation_longer_than_every_shift() -> None:
    p = Problem(
        jobs=(Job("A"),),
        operations=(Operation("A.1", "A", (Mode("M", 9),)),),
        resources=(Resource("M", available=((0, 8), (16, 24))),),
    )
    s = solve(p, time_limit=5)
    assert s.status == Status.infeasible
    assert "operation A.1 fits in no available interval of M" in s.reason


def test_a_crew_larger_than_the_pool() -> None:
    p = Problem(
        jobs=(Job("A"),),
        operations=(Operation("A.1", "A", (Mode("M", 2),), needs=(Need("welders", 3),)),),
        resources=(Resource("M"),),
        pools=(Pool("welders", ((0, 100, 2),)),),
    )
    s = solve(p, time_limit=5)
    assert s.status == Status.infeasible
    assert "needs 3 of pool welders" in s.reason


def test_a_horizon_too_short() -> None:
    s = solve(Problem(**{**two_jobs().__dict__, "horizon": 6}), time_limit=5)
    assert s.status == Status.infeasible
    assert "horizon" in s.reason
