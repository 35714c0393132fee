"""Properties on random small problems mixing every constraint kind: the heuristic's schedules
are feasible by the independent checker whenever the engine's audit says so, never better than
a proven optimum, and every schedule `solve` returns passes both verifiers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantops.scheduling.checker import check
from plantops.scheduling.checker import objective_value as checked_objective
from plantops.scheduling.construct import Rule, construct
from plantops.scheduling.evaluate import objective_value, term_values, to_assignments
from plantops.scheduling.index import compile_problem
from plantops.scheduling.problem import (
    Breaks,
    Changeover,
    Fixed,
    FlowLine,
    Job,
    Link,
    Mode,
    Need,
    Objective,
    Operation,
    Planned,
    Pool,
    Precedence,
    Problem,
    Resource,
    Term,
)
from plantops.scheduling.schedule import Schedule, Status
from plantops.scheduling.solver import solve

from .support import verify


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_res = draw(st.integers(1, 3))
    resources = []
    for r in range(n_res):
        capacity = draw(st.sampled_from([1, 1, 2]))
        available = None
        if draw(st.booleans()):
            cut = draw(st.integers(3, 12))
            available = ((0, cut), (cut + draw(st.integers(1, 5)), 200))
        changeovers = ()
        if capacity == 1 and draw(st.booleans()):
            changeovers = (
                Changeover("a", "b", draw(st.integers(0, 4))),
                Changeover("b", "a", draw(st.integers(0, 4))),
            )
        resources.append(Resource(f"R{r}", capacity, available, changeovers))
    jobs, ops, links = [], [], []
    for j in range(draw(st.integers(1, 4))):
        due = draw(st.none() | st.integers(0, 30))
        deadline = draw(st.none() | st.none() | st.integers(5, 40))
        jobs.append(Job(f"J{j}", draw(st.integers(0, 5)), due, deadline, draw(st.integers(0, 3))))
        for k in range(draw(st.integers(1, 3))):
            modes = tuple(
                Mode(
                    f"R{draw(st.integers(0, n_res - 1))}",
                    draw(st.integers(0, 8)),
                    draw(st.sampled_from([None, "a", "b"])),
                )
                for _ in range(draw(st.integers(1, 2)))
            )
            needs = (Need("crew"),) if draw(st.integers(0, 3)) == 0 else ()
            breaks = Breaks.pause if draw(st.booleans()) else Breaks.fit
            fixed = Fixed(draw(st.integers(0, 20))) if draw(st.integers(0, 9)) == 0 else None
            ops.append(Operation(f"J{j}.{k}", f"J{j}", modes, needs, breaks, fixed))
            if k:
                link = draw(st.sampled_from([Link.finish_start, Link.start_start]))
                share = draw(st.sampled_from([None, 0.5])) if link == Link.start_start else None
                lag = draw(st.integers(0, 3))
                most = draw(st.none() | st.none() | st.integers(lag, lag + 4))
                links.append(Precedence(f"J{j}.{k - 1}", f"J{j}.{k}", link, lag, most, share))
    if len(jobs) > 1 and draw(st.integers(0, 4)) == 0:  # a component order feeding another
        links.append(Precedence("J0.0", "J1.0"))
    lines = (FlowLine(tuple(r.id for r in resources)),) if draw(st.integers(0, 4)) == 0 else ()
    previous = tuple(Planned(o.id, draw(st.integers(0, 20)), o.modes[0].resource) for o in ops[:2])
    term = draw(st.sampled_from(list(Term)))
    return Problem(
        jobs=tuple(jobs),
        operations=tuple(ops),
        resources=tuple(resources),
        precedences=tuple(links),
        pools=(Pool("crew", ((0, 10, 1), (10, 300, 2))),),
        flow_lines=lines,
        previous=previous,
        objective=Objective(((term, 1),), move_penalty=draw(st.integers(0, 5))),
        horizon=draw(st.none() | st.none() | st.integers(20, 80)),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_heuristic_is_feasible_and_never_beats_the_optimum(problem: Problem) -> None:
    idx = compile_problem(problem)
    built, faults = construct(idx, Rule())
    best = solve(problem, time_limit=5, workers=1)
    verify(problem, best)
    if best.status == Status.infeasible:
        assert best.reason
    if built is None or faults:
        return
    heuristic = Schedule(Status.feasible, to_assignments(idx, built))
    assert check(problem, heuristic) == []
    value = objective_value(idx, term_values(idx, built))
    assert value == checked_objective(problem, heuristic)
    assert best.status in (Status.optimal, Status.feasible)
    assert best.objective is not None and best.objective <= value
    if best.status == Status.optimal:
        assert value >= best.objective
