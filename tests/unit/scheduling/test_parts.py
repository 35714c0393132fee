"""The engine's building blocks on their own: calendars, resource timelines, the permutation
flow-shop evaluator and the construction heuristic at size."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from plantops.scheduling.calendars import Calendar
from plantops.scheduling.checker import check
from plantops.scheduling.construct import Rule, construct
from plantops.scheduling.evaluate import objective_value, term_values, to_assignments
from plantops.scheduling.index import compile_problem
from plantops.scheduling.permutation import flow_shop, insertion_costs, sequence_cost
from plantops.scheduling.problem import (
    Changeover,
    FlowLine,
    Job,
    Mode,
    Objective,
    Operation,
    Precedence,
    Problem,
    Resource,
    Term,
)
from plantops.scheduling.schedule import Schedule, Status
from plantops.scheduling.timeline import INF, Machine, Profile

from .support import job_shop


def test_calendar_fit_and_pause() -> None:
    cal = Calendar(((20, 30), (0, 8), (8, 10)))  # unsorted, two touching shifts
    assert (cal.u_starts, cal.u_ends) == ([0, 20], [10, 30])
    assert cal.fit_start(0, 10) == 0
    assert cal.fit_start(3, 8) == 20  # 3 + 8 > 10: the next stretch
    assert cal.fit_start(25, 6) is None
    assert cal.fit_domain(6) == [(0, 4), (20, 24)]
    assert cal.pause_start(12) == 20 and cal.pause_start(30) is None
    assert cal.pause_end(6, 7) == 23  # 4 units before the break at 10, 3 after 20
    assert cal.pause_end(6, 4) == 10  # ends exactly at the break
    assert cal.pause_end(6, 15) is None  # only 14 units left
    assert cal.working(5, 25) == 10


def test_machine_gaps_respect_changeovers() -> None:
    m = Machine({(0, 1): 3, (1, 0): 3})
    m.add(0, 4, 0, op=0)
    m.add(10, 12, 0, op=1)
    assert m.conflict(4, 6, 0) is None  # same family: straight after
    assert m.conflict(4, 6, 1) == 7  # after a 3-unit changeover
    assert m.conflict(7, 9, 1) == 15  # fits after op 0, but not 3 before op 1: after op 1


def test_profiles_steps_and_conflicts() -> None:
    pool = Profile.steps([(0, 10, 1), (10, 20, 2)])
    assert pool.conflict(5, 12, 2) == 10
    assert pool.conflict(10, 20, 2) is None
    assert pool.conflict(15, 25, 1) == INF  # nothing after 20, ever
    pool.take(10, 15, 1)
    assert pool.conflict(12, 18, 2) == 15


def test_the_construction_is_feasible_on_a_large_job_shop() -> None:
    rng = random.Random(3)
    jobs = [[(r, rng.randint(1, 99)) for r in rng.sample(range(20), 20)] for _ in range(100)]
    p = job_shop(jobs)
    idx = compile_problem(p)
    sol, faults = construct(idx, Rule())
    assert sol is not None and faults == []
    assert check(p, Schedule(Status.feasible, to_assignments(idx, sol))) == []
    machine_load = max(sum(d for route in jobs for r, d in route if r == k) for k in range(20))
    assert machine_load <= max(sol.end) <= 1.6 * machine_load


def flow_problem(times: list[list[int]], dues: list[int], setups: int) -> Problem:
    n, m = len(times), len(times[0])
    ops, links = [], []
    for j, row in enumerate(times):
        ops += [
            Operation(f"J{j}.{k}", f"J{j}", (Mode(f"M{k}", d, f"f{j}"),)) for k, d in enumerate(row)
        ]
        links += [Precedence(f"J{j}.{k}", f"J{j}.{k + 1}") for k in range(m - 1)]
    changes = tuple(
        Changeover(f"f{a}", f"f{b}", (a * 7 + b * 3) % (setups + 1))
        for a in range(n)
        for b in range(n)
        if a != b
    )
    return Problem(
        jobs=tuple(Job(f"J{j}", due=d, weight=1 + j % 2) for j, d in enumerate(dues)),
        operations=tuple(ops),
        resources=tuple(Resource(f"M{k}", changeovers=changes) for k in range(m)),
        precedences=tuple(links),
        flow_lines=(FlowLine(tuple(f"M{k}" for k in range(m))),),
        objective=Objective(
            ((Term.weighted_tardiness, 3), (Term.makespan, 1), (Term.setup_time, 1))
        ),
    )


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 9), min_size=3, max_size=3), min_size=2, max_size=6),
    st.integers(0, 5),
    st.randoms(use_true_random=False),
)
def test_insertion_costs_match_full_evaluations(
    times: list[list[int]], setups: int, rng: random.Random
) -> None:
    dues = [rng.randint(5, 40) for _ in times]
    p = flow_problem(times, dues, setups)
    idx = compile_problem(p)
    fs = flow_shop(idx)
    assert fs is not None
    order = list(range(len(times)))
    rng.shuffle(order)
    job, rest = order[0], order[1:]
    costs = insertion_costs(fs, rest, job)
    for k, cost in enumerate(costs):
        seq = [*rest[:k], job, *rest[k:]]
        assert cost == sequence_cost(fs, seq)
    from plantops.scheduling.permutation import decode

    sol = decode(fs, idx, order)
    assert check(p, Schedule(Status.feasible, to_assignments(idx, sol))) == []
    assert objective_value(idx, term_values(idx, sol)) == sequence_cost(fs, order)


def test_flow_shop_is_only_recognised_when_it_is_one() -> None:
    p = flow_problem([[1, 2], [3, 4]], [5, 5], 2)
    assert flow_shop(compile_problem(p)) is not None
    no_line = Problem(p.jobs, p.operations, p.resources, p.precedences, objective=p.objective)
    assert flow_shop(compile_problem(no_line)) is None
