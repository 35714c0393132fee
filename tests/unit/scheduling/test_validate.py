"""Malformed problems are refused before any solver runs, with the offending element named."""

from __future__ import annotations

import dataclasses

import pytest

from plantops.scheduling.problem import (
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
from plantops.scheduling.solver import solve
from plantops.scheduling.validate import ProblemError, validate


def base() -> Problem:
    return Problem(
        jobs=(Job("A"), Job("B")),
        operations=(
            Operation("A.1", "A", (Mode("M1", 3),)),
            Operation("A.2", "A", (Mode("M2", 2),)),
            Operation("B.1", "B", (Mode("M1", 4),)),
        ),
        resources=(Resource("M1"), Resource("M2")),
        precedences=(Precedence("A.1", "A.2"),),
        pools=(Pool("crew", ((0, 100, 2),)),),
    )


def with_op(problem: Problem, index: int, **changes: object) -> Problem:
    ops = list(problem.operations)
    ops[index] = dataclasses.replace(ops[index], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(problem, operations=tuple(ops))


def test_the_base_problem_is_valid() -> None:
    validate(base())


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (lambda p: with_op(p, 0, modes=()), "operation A.1 has no mode"),
        (
            lambda p: with_op(p, 0, modes=(Mode("M9", 3),)),
            "operation A.1 refers to unknown resource M9",
        ),
        (lambda p: with_op(p, 0, modes=(Mode("M1", -1),)), "operation A.1 has a negative duration"),
        (lambda p: with_op(p, 0, job="Z"), "operation A.1 refers to unknown job Z"),
        (lambda p: with_op(p, 0, fixed=Fixed(0, 1)), "operation A.1 fixed mode out of range"),
        (lambda p: with_op(p, 0, fixed=Fixed(-5)), "operation A.1 fixed start -5 is negative"),
        (
            lambda p: with_op(p, 0, needs=(Need("welders"),)),
            "operation A.1 refers to unknown pool welders",
        ),
        (lambda p: with_op(p, 0, needs=(Need("crew", 0),)), "non-positive quantity of crew"),
        (lambda p: with_op(p, 2, id="A.1"), "duplicate operation id A.1"),
        (lambda p: dataclasses.replace(p, jobs=(Job("A"), Job("A"))), "duplicate job id A"),
        (
            lambda p: dataclasses.replace(
                p, resources=(Resource("M1", capacity=0), Resource("M2"))
            ),
            "resource M1 has non-positive capacity 0",
        ),
        (
            lambda p: dataclasses.replace(
                p, resources=(Resource("M1", available=((5, 5),)), Resource("M2"))
            ),
            "resource M1 has a bad available interval",
        ),
        (
            lambda p: dataclasses.replace(
                p,
                resources=(
                    Resource("M1", capacity=2, changeovers=(Changeover("x", "y", 3),)),
                    Resource("M2"),
                ),
            ),
            "resource M1 has changeovers but capacity 2",
        ),
        (
            lambda p: dataclasses.replace(p, pools=(Pool("crew", ((0, 10, 1), (5, 20, 1))),)),
            "pool crew has overlapping steps",
        ),
        (
            lambda p: dataclasses.replace(p, precedences=(Precedence("A.1", "X.9"),)),
            "refers to unknown X.9",
        ),
        (
            lambda p: dataclasses.replace(
                p, precedences=(Precedence("A.1", "A.2"), Precedence("A.2", "A.1"))
            ),
            "precedence cycle: A.1 -> A.2 -> A.1",
        ),
        (
            lambda p: dataclasses.replace(
                p, precedences=(Precedence("A.1", "A.2", min_lag=5, max_lag=2),)
            ),
            "max_lag below min_lag",
        ),
        (
            lambda p: dataclasses.replace(p, precedences=(Precedence("A.1", "A.2", share=0.5),)),
            "share needs start_start",
        ),
        (
            lambda p: dataclasses.replace(
                p, precedences=(Precedence("A.1", "A.2", Link.start_start, share=1.5),)
            ),
            "share needs start_start and 0..1",
        ),
        (
            lambda p: dataclasses.replace(p, jobs=(Job("A", release=-1), Job("B"))),
            "job A has a negative release",
        ),
        (
            lambda p: dataclasses.replace(p, jobs=(Job("A", weight=-2), Job("B"))),
            "job A has a negative weight",
        ),
        (
            lambda p: dataclasses.replace(p, flow_lines=(FlowLine(("M1", "M7")),)),
            "flow line refers to unknown resource M7",
        ),
        (
            lambda p: dataclasses.replace(p, previous=(Planned("Q", 0, "M1"),)),
            "unknown operation Q",
        ),
        (lambda p: dataclasses.replace(p, objective=Objective(())), "objective has no term"),
        (
            lambda p: dataclasses.replace(
                p, objective=Objective(((Term.makespan, 1), (Term.makespan, 2)))
            ),
            "objective term makespan appears twice",
        ),
        (lambda p: dataclasses.replace(p, horizon=-1), "horizon -1 is negative"),
    ],
)
def test_malformed_input_names_the_element(broken, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProblemError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate(broken(base()))


def test_longer_cycles_are_spelled_out() -> None:
    p = base()
    p = dataclasses.replace(
        p,
        precedences=(Precedence("A.1", "A.2"), Precedence("A.2", "B.1"), Precedence("B.1", "A.1")),
    )
    with pytest.raises(ProblemError) as caught:
        validate(p)
    assert "precedence cycle" in str(caught.value)
    path = str(caught.value).split(": ")[1].split(" -> ")
    assert path[0] == path[-1] and set(path) == {"A.1", "A.2", "B.1"}


def test_solve_validates_first_and_problem_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"operation A\.1 has no mode"):
        solve(with_op(base(), 0, modes=()), time_limit=1)
