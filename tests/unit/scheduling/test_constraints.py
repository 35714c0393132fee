"""Every constraint kind on a small hand-made case whose optimum is worked out beside it.

Each schedule is proven optimal by the engine and passed through both verifiers."""

from __future__ import annotations

from itertools import permutations

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

from .support import at, verify


def op(name: str, *modes: tuple[str, int] | tuple[str, int, str], **kw: object) -> Operation:
    return Operation(name, name.split(".")[0], tuple(Mode(*m) for m in modes), **kw)  # type: ignore[arg-type]


def problem(ops: list[Operation], resources: list[Resource] | None = None, **kw: object) -> Problem:
    jobs = kw.pop("jobs", None) or tuple(Job(j) for j in dict.fromkeys(o.job for o in ops))
    if resources is None:
        names = dict.fromkeys(m.resource for o in ops for m in o.modes)
        resources = [Resource(r) for r in names]
    return Problem(jobs=jobs, operations=tuple(ops), resources=tuple(resources), **kw)  # type: ignore[arg-type]


def optimal(p: Problem, value: int) -> Schedule:
    s = solve(p, time_limit=10)
    verify(p, s)
    assert s.status == Status.optimal, s
    assert s.objective == value
    return s


def test_finish_start_with_a_minimum_lag() -> None:
    # 2 units, a 3-unit wait (cooling), then 3 units: 2 + 3 + 3 = 8
    p = problem(
        [op("A.1", ("M1", 2)), op("A.2", ("M2", 3))],
        precedences=(Precedence("A.1", "A.2", min_lag=3),),
    )
    s = optimal(p, 8)
    assert at(s, "A.2") == (5, 8)


def test_a_maximum_lag_delays_the_predecessor() -> None:
    # no-wait: A.2 must start when A.1 ends; M2 is pinned busy by B over [2, 6), so A.2 can only
    # run [6, 8) and A.1 must end at 6: it starts at 4, not at 0. Makespan 8.
    p = problem(
        [op("A.1", ("M1", 2)), op("A.2", ("M2", 2)), op("B.1", ("M2", 4), fixed=Fixed(2))],
        precedences=(Precedence("A.1", "A.2", max_lag=0),),
    )
    s = optimal(p, 8)
    assert at(s, "A.1") == (4, 6)
    assert at(s, "A.2") == (6, 8)


def test_start_start_overlap_with_a_share() -> None:
    # A.2 may start once half of A.1 (10) is done, at 5, but may not end before A.1 ends at 10:
    # A.2 (4 long) starts at 6. Makespan 10 (against 14 for finish-start).
    p = problem(
        [op("A.1", ("M1", 10)), op("A.2", ("M2", 4))],
        precedences=(Precedence("A.1", "A.2", Link.start_start, share=0.5),),
    )
    s = optimal(p, 10)
    assert at(s, "A.2") == (6, 10)


def test_start_start_with_a_lag() -> None:
    # A.2 (12) starts 2 after A.1 starts: ends at 14 (finish-start would end at 22)
    p = problem(
        [op("A.1", ("M1", 10)), op("A.2", ("M2", 12))],
        precedences=(Precedence("A.1", "A.2", Link.start_start, min_lag=2),),
    )
    optimal(p, 14)


def test_a_component_order_before_its_parent() -> None:
    # the component (3 on M1) must finish before the parent's operation (2 on M2): 5
    p = problem(
        [op("C.1", ("M1", 3)), op("P.1", ("M2", 2))], precedences=(Precedence("C.1", "P.1"),)
    )
    s = optimal(p, 5)
    assert at(s, "P.1") == (3, 5)


def test_alternative_modes() -> None:
    # three operations, each 4 on M1 or 6 on M2: two on M1 (0-8) and one on M2 (0-6) give 8;
    # any other split is longer
    p = problem([op(f"{j}.1", ("M1", 4), ("M2", 6)) for j in "ABC"])
    s = optimal(p, 8)
    assert sorted(a.mode for a in s.assignments) == [0, 0, 1]


def test_parallel_capacity() -> None:
    # a station that runs two at once: three 3-unit operations take 6
    p = problem([op(f"{j}.1", ("S", 3)) for j in "ABC"], [Resource("S", capacity=2)])
    optimal(p, 6)


def test_calendar_fit_waits_for_an_interval_long_enough() -> None:
    # available [0, 4) and [6, 20): X (3) runs 0-3; Y (3) does not fit in [3, 4) and waits for 6
    p = problem(
        [op("X.1", ("M", 3)), op("Y.1", ("M", 3))], [Resource("M", available=((0, 4), (6, 20)))]
    )
    optimal(p, 9)


def test_touching_intervals_are_one_stretch() -> None:
    # two back-to-back shifts [0, 4) and [4, 10): a 6-unit operation runs straight through
    p = problem([op("X.1", ("M", 6))], [Resource("M", available=((0, 4), (4, 10)))])
    optimal(p, 6)


def test_calendar_pause_resumes_after_the_break() -> None:
    # 6 units of work from 0 with a break [4, 6): 4 before, 2 after: ends at 8 (fit: 6-12)
    cal = [Resource("M", available=((0, 4), (6, 20)))]
    s = optimal(problem([op("X.1", ("M", 6), breaks=Breaks.pause)], cal), 8)
    assert at(s, "X.1") == (0, 8)
    optimal(problem([op("X.1", ("M", 6))], cal), 12)


def test_mode_choice_follows_the_calendars() -> None:
    # M1 only opens at 10; the same work on M2 can start at once
    p = problem(
        [op("X.1", ("M1", 5), ("M2", 5))],
        [Resource("M1", available=((10, 100),)), Resource("M2", available=((0, 100),))],
    )
    s = optimal(p, 5)
    assert s.assignments[0].mode == 1


def test_a_mode_that_cannot_fit_in_the_window_is_only_ruled_out() -> None:
    # Y.1 on M2 needs 50 units of work; M2's calendar holds 85 in all but only 25 before
    # Y's deadline 40: that mode is ruled out, the model is not infeasible. On M1, pausing
    # over its break [3, 5): X.1 0-6 then Y.1 6-12, or Y.1 0-8 then X.1 8-12
    slow = op("Y.1", ("M1", 6), ("M2", 50), breaks=Breaks.pause)
    p = problem(
        [op("X.1", ("M1", 4), breaks=Breaks.pause), slow],
        [
            Resource("M1", available=((0, 3), (5, 100))),
            Resource("M2", available=((0, 10), (15, 30), (50, 100))),
        ],
        jobs=(Job("X"), Job("Y", deadline=40)),
    )
    optimal(p, 12)


def test_sequence_dependent_changeovers() -> None:
    # families a, b, a of 1 unit; any change of family takes 5: a a b = 1 + 1 + 5 + 1 = 8
    m = Resource("M", changeovers=(Changeover("a", "b", 5), Changeover("b", "a", 5)))
    ops = [op("X.1", ("M", 1, "a")), op("Y.1", ("M", 1, "b")), op("Z.1", ("M", 1, "a"))]
    optimal(problem(ops, [m]), 8)
    setup_only = Objective(((Term.setup_time, 1),))
    optimal(problem(ops, [m], objective=setup_only), 5)


def test_asymmetric_changeovers_pick_the_cheap_direction() -> None:
    # a -> b costs 1, b -> a costs 10: a then b is 2 + 1 + 2 = 5
    m = Resource("M", changeovers=(Changeover("a", "b", 1), Changeover("b", "a", 10)))
    s = optimal(problem([op("X.1", ("M", 2, "a")), op("Y.1", ("M", 2, "b"))], [m]), 5)
    assert at(s, "X.1") == (0, 2)


def test_a_pool_profile_limits_parallel_work() -> None:
    # one operator until 10, two after: two 5-unit operations on different machines, each
    # needing an operator, cannot overlap before 10: 0-5 and 5-10
    crew = Need("crew")
    ops = [op("X.1", ("M1", 5), needs=(crew,)), op("Y.1", ("M2", 5), needs=(crew,))]
    optimal(problem(ops, pools=(Pool("crew", ((0, 10, 1), (10, 100, 2))),)), 10)
    optimal(problem(ops, pools=(Pool("crew", ((0, 100, 2),)),)), 5)
    # nobody on shift in [5, 8): the second one waits until 8
    optimal(problem(ops, pools=(Pool("crew", ((0, 5, 1), (8, 100, 1))),)), 13)


def test_release_dates() -> None:
    # B is released at 5: A 0-3, B 5-7
    p = problem([op("A.1", ("M", 3)), op("B.1", ("M", 2))], jobs=(Job("A"), Job("B", release=5)))
    s = optimal(p, 7)
    assert at(s, "B.1") == (5, 7)


def test_weighted_tardiness() -> None:
    # A (4, due 4, weight 1), B (2, due 2, weight 3) on one machine: B first costs A 2 units
    # late; A first costs B 4 x 3 = 12
    jobs = (Job("A", due=4, weight=1), Job("B", due=2, weight=3))
    p = problem(
        [op("A.1", ("M", 4)), op("B.1", ("M", 2))],
        jobs=jobs,
        objective=Objective(((Term.weighted_tardiness, 1),)),
    )
    s = optimal(p, 2)
    assert at(s, "B.1") == (0, 2)


def test_late_jobs_count_with_weights() -> None:
    # A and B (3, due 3) and C (1, due 1, weight 5): only one job can be on time; C first
    # leaves A and B late (2); anything else makes C late (5 + 1)
    jobs = (Job("A", due=3), Job("B", due=3), Job("C", due=1, weight=5))
    p = problem(
        [op("A.1", ("M", 3)), op("B.1", ("M", 3)), op("C.1", ("M", 1))],
        jobs=jobs,
        objective=Objective(((Term.late_jobs, 1),)),
    )
    s = optimal(p, 2)
    assert at(s, "C.1") == (0, 1)


def test_a_hard_deadline_reorders() -> None:
    # makespan 6 either way, but B must end by 2
    p = problem([op("A.1", ("M", 4)), op("B.1", ("M", 2))], jobs=(Job("A"), Job("B", deadline=2)))
    s = optimal(p, 6)
    assert at(s, "B.1") == (0, 2)


def test_pinned_operations_stay_put() -> None:
    # X pinned at 2 (in progress): Y (2) fits before it, Z (2) after: 7
    p = problem([op("X.1", ("M", 3), fixed=Fixed(2)), op("Y.1", ("M", 2)), op("Z.1", ("M", 2))])
    s = optimal(p, 7)
    assert at(s, "X.1") == (2, 5)


def test_flow_time_is_shortest_first() -> None:
    # 5, 1 and 3 on one machine: 1, 3, 5 ends at 1, 4, 9: 14
    p = problem(
        [op("A.1", ("M", 5)), op("B.1", ("M", 1)), op("C.1", ("M", 3))],
        objective=Objective(((Term.flow_time, 1),)),
    )
    optimal(p, 14)


def test_deviation_from_the_previous_schedule() -> None:
    # X was at 7 on M2; M2 is now down (pinned maintenance) until 10. Staying on M2 costs a
    # 3-unit shift; moving to M1 at 7 costs the move penalty instead.
    down = op("D.1", ("M2", 10), fixed=Fixed(0))
    x = op("X.1", ("M1", 3), ("M2", 3))
    prev = (Planned("X.1", 7, "M2"),)
    cheap_move = Objective(((Term.deviation, 1),), move_penalty=2)
    s = optimal(problem([down, x], previous=prev, objective=cheap_move), 2)
    assert s.assignments[1].mode == 0 and at(s, "X.1") == (7, 10)
    dear_move = Objective(((Term.deviation, 1),), move_penalty=5)
    s = optimal(problem([down, x], previous=prev, objective=dear_move), 3)
    assert at(s, "X.1") == (10, 13)


def test_staying_close_may_mean_later_than_any_schedule_ends_so_far() -> None:
    # X pauses over a calendar and was at 50: staying there costs nothing. A first schedule
    # puts it at 0 (ending at 4); the model must not take that end as a horizon (it may for a
    # makespan or lateness, never for deviation), or it would "prove" 50 - 0 = 50 optimal.
    cal = [Resource("M", available=((0, 10), (20, 100)))]
    x = op("X.1", ("M", 4), breaks=Breaks.pause)
    stay = Objective(((Term.deviation, 1),))
    s = optimal(problem([x], cal, previous=(Planned("X.1", 50, "M"),), objective=stay), 0)
    assert at(s, "X.1") == (50, 54)


def test_flow_line_keeps_one_job_order() -> None:
    # a 4-job, 3-machine permutation flow shop: the optimum equals the best of the 24 orders
    times = [[5, 1, 4], [2, 6, 3], [4, 4, 1], [1, 5, 5]]
    ops, links = [], []
    for j, row in enumerate(times):
        ops += [op(f"J{j}.{k}", (f"M{k}", d)) for k, d in enumerate(row)]
        links += [Precedence(f"J{j}.{k}", f"J{j}.{k + 1}") for k in range(2)]
    line = (FlowLine(("M0", "M1", "M2")),)
    best = min(_permutation_makespan([times[j] for j in order]) for order in permutations(range(4)))
    s = optimal(problem(ops, precedences=tuple(links), flow_lines=line), best)
    orders = [
        [
            a.operation.split(".")[0]
            for a in sorted(s.assignments, key=lambda a: a.start)
            if a.operation.endswith(f".{k}")
        ]
        for k in range(3)
    ]
    assert orders[0] == orders[1] == orders[2]


def _permutation_makespan(rows: list[list[int]]) -> int:
    ends = [0] * len(rows[0])
    for row in rows:
        for k, d in enumerate(row):
            ends[k] = max(ends[k], ends[k - 1] if k else 0) + d
    return ends[-1]


def test_lexicographic_objective() -> None:
    # makespan first (M2's 6 fixes it), then flow time: B (1) before A (4) on M1: 1 + 5 + 6 = 12
    p = problem(
        [op("A.1", ("M1", 4)), op("B.1", ("M1", 1)), op("C.1", ("M2", 6))],
        objective=Objective(((Term.makespan, 1), (Term.flow_time, 1)), lexicographic=True),
    )
    s = solve(p, time_limit=10)
    verify(p, s)
    assert s.status == Status.optimal
    assert s.objective == 6 + 12
    assert at(s, "B.1") == (0, 1)


def test_weighted_sum_of_terms() -> None:
    # 10 x makespan + flow time: same schedule as above, 10 x 6 + 12
    p = problem(
        [op("A.1", ("M1", 4)), op("B.1", ("M1", 1)), op("C.1", ("M2", 6))],
        objective=Objective(((Term.makespan, 10), (Term.flow_time, 1))),
    )
    optimal(p, 72)


def test_horizon_is_respected() -> None:
    p = problem([op("A.1", ("M", 3)), op("B.1", ("M", 2))], horizon=5)
    s = optimal(p, 5)
    assert max(a.end for a in s.assignments) <= 5
