"""The independent checker: a hand-built plant whose schedule is valid, then each constraint
broken on purpose, and each objective term on hand-worked numbers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from plantops.scheduling.checker import check, objective_value, term_values
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
from plantops.scheduling.schedule import Assignment, Schedule, Status

# A saw with changeovers, an oven for two at once with a gap 20-30, a lathe closed 10-15; a
# crew of two on shift 0-10 and 15-50. The lathe job pauses over the lathe's break and frees
# its crew meanwhile.
PLANT = Problem(
    jobs=(
        Job("J1", due=8, weight=2),
        Job("J2", release=2, due=15, weight=3, deadline=50),
        Job("J3"),
    ),
    operations=(
        Operation("a", "J1", (Mode("Saw", 4, "A"),), needs=(Need("crew"),)),
        Operation("b", "J1", (Mode("Oven", 5), Mode("Lathe", 7))),
        Operation("c", "J2", (Mode("Saw", 3, "B"),), fixed=Fixed(7)),
        Operation("d", "J2", (Mode("Lathe", 8),), needs=(Need("crew"),), breaks=Breaks.pause),
        Operation("e", "J3", (Mode("Oven", 6),)),
    ),
    resources=(
        Resource("Saw", changeovers=(Changeover("A", "B", 3), Changeover("B", "A", 2))),
        Resource("Oven", capacity=2, available=((0, 20), (30, 60))),
        Resource("Lathe", available=((0, 10), (15, 40))),
    ),
    precedences=(
        Precedence("a", "b", min_lag=1, max_lag=10),
        Precedence("c", "d", Link.start_start, share=0.5),
    ),
    pools=(Pool("crew", ((0, 10, 2), (15, 50, 2))),),
)
PLAN = {"a": (0, 0, 4), "b": (0, 5, 10), "c": (0, 7, 10), "d": (0, 9, 22), "e": (0, 5, 11)}


def as_schedule(plan: dict[str, tuple[int, int, int] | None]) -> Schedule:
    rows = [Assignment(op, *where) for op, where in plan.items() if where is not None]
    return Schedule(Status.feasible, tuple(rows))


def schedule(**changes: tuple[int, int, int] | None) -> Schedule:
    return as_schedule({**PLAN, **changes})


def kinds(problem: Problem, plan: Schedule) -> list[str]:
    return sorted({v.constraint for v in check(problem, plan)})


def test_the_hand_built_schedule_is_valid() -> None:
    assert check(PLANT, schedule()) == []


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"e": None}, "assignment"),
        ({"b": (2, 5, 10)}, "mode"),
        ({"c": (0, 8, 11), "d": (0, 15, 23)}, "fixed"),
        ({"e": (0, 5, 12)}, "duration"),
        ({"d": (0, 9, 21)}, "duration"),  # works 1 + 6, not 8
        ({"e": (0, 16, 22)}, "calendar"),  # fit: crosses the oven's gap at 20
        ({"d": (0, 10, 23)}, "calendar"),  # pause: starts inside the lathe's break
        ({"b": (0, 4, 9)}, "precedence"),  # finish-start lag of 1 missed
        ({"b": (1, 30, 37)}, "precedence"),  # max lag of 10 exceeded (on the lathe)
        ({"d": (0, 8, 21)}, "precedence"),  # start-start: half of c (2) not done
        ({"a": (0, 1, 5), "b": (0, 6, 11)}, "changeover"),  # A -> B needs 3, gets 2
    ],
)
def test_each_broken_constraint_is_named(
    changes: dict[str, tuple[int, int, int]], kind: str
) -> None:
    assert kinds(PLANT, schedule(**changes)) == [kind]


def test_assignment_twice_or_unknown() -> None:
    twice = replace(schedule(), assignments=(*schedule().assignments, Assignment("a", 0, 0, 4)))
    unknown = replace(schedule(), assignments=(*schedule().assignments, Assignment("z", 0, 0, 1)))
    assert [v.message for v in check(PLANT, twice)] == ["assigned more than once"]
    assert [(v.constraint, v.subject) for v in check(PLANT, unknown)] == [("assignment", "z")]


def test_start_start_share_also_bounds_the_end() -> None:
    late_start = Precedence("d", "e", Link.start_start, share=0.1)  # d spans 9-22: 2 to wait
    problem = replace(PLANT, precedences=(*PLANT.precedences, late_start))
    assert check(problem, schedule(e=(0, 30, 36))) == []
    found = check(problem, schedule(e=(0, 11, 17)))  # starts late enough, ends before d
    assert [(v.constraint, v.subject) for v in found] == [("precedence", "d -> e")]
    assert "ends 17, before d ends 22" in found[0].message


def overlap(after: tuple[int, int]) -> list[str]:
    """X (10 long) then Y (4 long) from 0.3 of X done, plus 2 to 5: Y starts in 5..8."""
    problem = Problem(
        jobs=(Job("J"),),
        operations=(Operation("X", "J", (Mode("R1", 10),)), Operation("Y", "J", (Mode("R2", 4),))),
        resources=(Resource("R1"), Resource("R2")),
        precedences=(Precedence("X", "Y", Link.start_start, 2, 5, share=0.3),),
    )
    rows = (Assignment("X", 0, 0, 10), Assignment("Y", 0, after[0], after[1]))
    return [v.message for v in check(problem, Schedule(Status.feasible, rows))]


def test_share_and_lags_add_up() -> None:
    assert overlap((6, 10)) == overlap((8, 12)) == []
    assert overlap((4, 8)) == [
        "Y starts 1 after the 0.3 of X done, at least 2 needed",
        "Y ends 8, before X ends 10",
    ]
    assert overlap((9, 13)) == ["Y starts 6 after the 0.3 of X done, at most 5 allowed"]


def test_no_changeover_within_a_family() -> None:
    saw = replace(PLANT.resources[0], changeovers=(Changeover("A", "A", 5),))
    twin = replace(PLANT.operations[2], modes=(Mode("Saw", 3, "A"),))
    operations = (*PLANT.operations[:2], twin, *PLANT.operations[3:])
    problem = replace(PLANT, resources=(saw, *PLANT.resources[1:]), operations=operations)
    back_to_back = schedule(a=(0, 3, 7), b=(0, 8, 13))
    assert check(problem, back_to_back) == []
    assert term_values(problem, back_to_back)[Term.setup_time] == 0


def test_release_deadline_horizon() -> None:
    jobs = (replace(PLANT.jobs[0], release=1), PLANT.jobs[1], PLANT.jobs[2])
    assert kinds(replace(PLANT, jobs=jobs), schedule()) == ["release"]
    jobs = (PLANT.jobs[0], replace(PLANT.jobs[1], deadline=21), PLANT.jobs[2])
    assert kinds(replace(PLANT, jobs=jobs), schedule()) == ["deadline"]
    assert kinds(replace(PLANT, horizon=21), schedule()) == ["horizon"]


def test_capacity() -> None:
    oven = replace(PLANT.resources[1], capacity=1)
    problem = replace(PLANT, resources=(PLANT.resources[0], oven, PLANT.resources[2]))
    found = check(problem, schedule())
    assert [(v.constraint, v.subject) for v in found] == [("capacity", "Oven")]
    assert "at 5: 2 operations at once, capacity 1 (b, e)" in found[0].message


def test_pool() -> None:
    late_shift = replace(PLANT, pools=(Pool("crew", ((2, 10, 2), (15, 50, 2))),))
    found = check(late_shift, schedule())
    assert [(v.constraint, v.subject) for v in found] == [("pool", "crew")]
    assert found[0].message.startswith("at 0:")
    # a pausing operation holds its crew only while it works: none is there 10-15
    one = replace(PLANT, pools=(Pool("crew", ((0, 10, 1), (15, 50, 1))),))
    assert check(one, schedule()) == []
    assert kinds(one, schedule(a=(0, 0, 4), d=(0, 3, 16))) == ["pool", "precedence"]


def test_flow_line() -> None:
    problem = Problem(
        jobs=(Job("P"), Job("Q")),
        operations=tuple(
            Operation(f"{j}{m}", j, (Mode(f"M{m}", 2),)) for j in "PQ" for m in (1, 2)
        ),
        resources=(Resource("M1"), Resource("M2")),
        precedences=(Precedence("P1", "P2"), Precedence("Q1", "Q2")),
        flow_lines=(FlowLine(("M1", "M2")),),
    )
    same: dict[str, tuple[int, int, int] | None] = {
        "P1": (0, 0, 2),
        "Q1": (0, 2, 4),
        "P2": (0, 2, 4),
        "Q2": (0, 4, 6),
    }
    passing = {**same, "P2": (0, 6, 8)}  # Q overtakes P on M2
    assert check(problem, as_schedule(same)) == []
    found = check(problem, as_schedule(passing))
    assert [v.constraint for v in found] == ["flow_line"]
    assert "P comes before Q on M1, after it on M2" in found[0].message


def test_flow_line_cycle_over_partial_visits() -> None:
    """P before Q on M1, Q before R on M2, R before P on M3: each pair agrees, no order fits."""
    visits = {"P": ("M1", "M3"), "Q": ("M1", "M2"), "R": ("M2", "M3")}
    problem = Problem(
        jobs=tuple(Job(j) for j in visits),
        operations=tuple(
            Operation(f"{j}{m}", j, (Mode(m, 1),)) for j, ms in visits.items() for m in ms
        ),
        resources=tuple(Resource(m) for m in ("M1", "M2", "M3")),
        flow_lines=(FlowLine(("M1", "M2", "M3")),),
    )
    plan = {"PM1": 0, "QM1": 1, "QM2": 2, "RM2": 3, "RM3": 4, "PM3": 5}
    rows = tuple(Assignment(o, 0, s, s + 1) for o, s in plan.items())
    found = check(problem, Schedule(Status.feasible, rows))
    assert [v.constraint for v in found] == ["flow_line"]
    assert "conflicting orders" in found[0].message


def test_objective_terms_on_hand_worked_numbers() -> None:
    previous = (Planned("a", 0, "Saw"), Planned("b", 3, "Lathe"))
    problem = replace(
        PLANT,
        previous=previous,
        objective=Objective(((Term.makespan, 1), (Term.weighted_tardiness, 2)), move_penalty=5),
    )
    # completions: J1 10, J2 22, J3 11
    assert term_values(problem, schedule()) == {
        Term.makespan: 22,
        Term.weighted_tardiness: 2 * (10 - 8) + 3 * (22 - 15),  # 25
        Term.late_jobs: 2 + 3,
        Term.setup_time: 3,  # a (A) then c (B) on the saw
        Term.flow_time: 10 + (22 - 2) + 11,
        Term.deviation: 0 + (5 - 3) + 5,  # b moved 2 and to the oven
    }
    assert objective_value(problem, schedule()) == 22 + 2 * 25
