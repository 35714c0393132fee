"""Reject malformed problems before any solver sees them, naming the offending element."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from plantops.scheduling.problem import Link, Problem, Term


class ProblemError(ValueError):
    """The problem is malformed: the message names the element at fault."""


def validate(problem: Problem) -> None:
    """Raise ProblemError on the first malformed element; return None when the problem is sound.

    A sound problem may still be infeasible (a deadline too tight): that is the solver's
    verdict, not a data error."""
    jobs = _unique("job", (j.id for j in problem.jobs))
    resources = _unique("resource", (r.id for r in problem.resources))
    pools = _unique("pool", (p.id for p in problem.pools))
    ops = _unique("operation", (o.id for o in problem.operations))
    _check_jobs(problem)
    _check_resources(problem)
    _check_pools(problem)
    _check_operations(problem, jobs, resources, pools)
    _check_precedences(problem, ops)
    for line in problem.flow_lines:
        if not line.resources:
            raise ProblemError("flow line has no resource")
        for r in line.resources:
            if r not in resources:
                raise ProblemError(f"flow line refers to unknown resource {r}")
    for planned in problem.previous:
        if planned.operation not in ops:
            raise ProblemError(f"previous schedule refers to unknown operation {planned.operation}")
        if planned.resource not in resources:
            raise ProblemError(
                f"previous schedule of {planned.operation} refers to unknown resource "
                f"{planned.resource}"
            )
    _check_objective(problem)
    if problem.horizon is not None and problem.horizon < 0:
        raise ProblemError(f"horizon {problem.horizon} is negative")


def _unique(kind: str, ids: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    for i in ids:
        if not isinstance(i, str) or not i:
            raise ProblemError(f"{kind} has an empty id")
        if i in seen:
            raise ProblemError(f"duplicate {kind} id {i}")
        seen.add(i)
    return seen


def _check_jobs(problem: Problem) -> None:
    for job in problem.jobs:
        if job.release < 0:
            raise ProblemError(f"job {job.id} has a negative release {job.release}")
        if job.weight < 0:
            raise ProblemError(f"job {job.id} has a negative weight {job.weight}")
        for name, value in (("due", job.due), ("deadline", job.deadline)):
            if value is not None and value < 0:
                raise ProblemError(f"job {job.id} has a negative {name} {value}")


def _check_resources(problem: Problem) -> None:
    for res in problem.resources:
        if res.capacity <= 0:
            raise ProblemError(f"resource {res.id} has non-positive capacity {res.capacity}")
        for start, end in res.available or ():
            if start < 0 or end <= start:
                raise ProblemError(
                    f"resource {res.id} has a bad available interval [{start}, {end})"
                )
        if res.changeovers and res.capacity != 1:
            raise ProblemError(
                f"resource {res.id} has changeovers but capacity {res.capacity} != 1"
            )
        pairs: set[tuple[str, str]] = set()
        for c in res.changeovers:
            if c.time < 0:
                raise ProblemError(
                    f"resource {res.id} changeover {c.from_family} -> {c.to_family} is negative"
                )
            if (c.from_family, c.to_family) in pairs:
                raise ProblemError(
                    f"resource {res.id} repeats changeover {c.from_family} -> {c.to_family}"
                )
            pairs.add((c.from_family, c.to_family))


def _check_pools(problem: Problem) -> None:
    for pool in problem.pools:
        steps = sorted(pool.profile)
        for start, end, amount in steps:
            if start < 0 or end <= start or amount < 0:
                raise ProblemError(f"pool {pool.id} has a bad step ({start}, {end}, {amount})")
        for (_, end, _), (start, _, _) in pairwise(steps):
            if start < end:
                raise ProblemError(f"pool {pool.id} has overlapping steps at {start}")


def _check_operations(
    problem: Problem, jobs: set[str], resources: set[str], pools: set[str]
) -> None:
    for op in problem.operations:
        if op.job not in jobs:
            raise ProblemError(f"operation {op.id} refers to unknown job {op.job}")
        if not op.modes:
            raise ProblemError(f"operation {op.id} has no mode")
        for mode in op.modes:
            if mode.resource not in resources:
                raise ProblemError(f"operation {op.id} refers to unknown resource {mode.resource}")
            if mode.duration < 0:
                raise ProblemError(f"operation {op.id} has a negative duration {mode.duration}")
        for need in op.needs:
            if need.pool not in pools:
                raise ProblemError(f"operation {op.id} refers to unknown pool {need.pool}")
            if need.quantity <= 0:
                raise ProblemError(
                    f"operation {op.id} needs a non-positive quantity of {need.pool}"
                )
        if op.fixed is not None:
            if not 0 <= op.fixed.mode < len(op.modes):
                raise ProblemError(f"operation {op.id} fixed mode out of range: {op.fixed.mode}")
            if op.fixed.start < 0:
                raise ProblemError(f"operation {op.id} fixed start {op.fixed.start} is negative")


def _check_precedences(problem: Problem, ops: set[str]) -> None:
    succ: dict[str, list[str]] = {}
    for p in problem.precedences:
        for end in (p.before, p.after):
            if end not in ops:
                raise ProblemError(f"precedence {p.before} -> {p.after} refers to unknown {end}")
        if p.before == p.after:
            raise ProblemError(f"precedence cycle: {p.before} -> {p.after}")
        if p.max_lag is not None and p.max_lag < p.min_lag:
            raise ProblemError(f"precedence {p.before} -> {p.after} has max_lag below min_lag")
        if p.share is not None and (p.link != Link.start_start or not 0 <= p.share <= 1):
            raise ProblemError(
                f"precedence {p.before} -> {p.after}: share needs start_start and 0..1"
            )
        succ.setdefault(p.before, []).append(p.after)
    cycle = _find_cycle(succ)
    if cycle:
        raise ProblemError("precedence cycle: " + " -> ".join(cycle))


def _find_cycle(succ: dict[str, list[str]]) -> list[str]:
    """A cycle of the precedence graph as a closed path, or [] (iterative DFS: deep BOMs)."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    for root in succ:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node, i = stack[-1]
            nexts = succ.get(node, [])
            if i == len(nexts):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, i + 1)
            nxt = nexts[i]
            if state.get(nxt) == 1:
                path = [n for n, _ in stack]
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, 0))
    return []


def _check_objective(problem: Problem) -> None:
    terms = problem.objective.terms
    if not terms:
        raise ProblemError("objective has no term")
    if problem.objective.move_penalty < 0:
        raise ProblemError("objective move_penalty is negative")
    seen = set()
    for term, weight in terms:
        if term not in set(Term):
            raise ProblemError(f"objective term {term} is unknown")
        if weight < 0:
            raise ProblemError(f"objective term {term} has a negative weight")
        if term in seen:
            raise ProblemError(f"objective term {term} appears twice")
        seen.add(term)
