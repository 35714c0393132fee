"""A compiled, integer-indexed view of a Problem: what every algorithm of the engine reads.

Operations, jobs, resources, pools and setup families become list positions, so the hot loops
of construction and local search touch only lists of ints."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from plantops.scheduling.calendars import Calendar
from plantops.scheduling.problem import Breaks, Link, Problem, Term, Time

FS, SS = 0, 1  # precedence kinds: finish-start, start-start


@dataclass(frozen=True, slots=True)
class Arc:
    """A precedence seen from one end: `other` is the op at the far end."""

    other: int
    kind: int  # FS or SS
    min_lag: Time
    max_lag: Time | None
    share: Fraction | None  # SS only: the share of `before`'s span done before `after` starts


@dataclass
class Index:
    problem: Problem
    op_ids: list[str]
    op_job: list[int]
    modes: list[list[tuple[int, Time, int]]]  # (resource, duration, family or -1) per mode
    needs: list[list[tuple[int, int]]]  # (pool, quantity)
    pause: list[bool]
    fixed: list[tuple[Time, int] | None]  # (start, mode)
    succ: list[list[Arc]]
    pred: list[list[Arc]]
    job_ids: list[str]
    release: list[Time]
    due: list[Time | None]
    deadline: list[Time | None]
    weight: list[int]
    job_ops: list[list[int]]
    res_ids: list[str]
    capacity: list[int]
    calendar: list[Calendar | None]
    setup: list[dict[tuple[int, int], Time] | None]  # (family, family) -> changeover time
    families: list[str]
    pool_ids: list[str]
    pool_steps: list[list[tuple[Time, Time, int]]]
    lines: list[list[int]]
    previous: list[tuple[Time, int] | None]  # (start, resource) in the previous schedule
    terms: list[tuple[Term, int]]
    lexicographic: bool
    move_penalty: Time
    horizon: Time = 0
    op_pos: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.op_ids)

    def min_duration(self, o: int) -> Time:
        return min(d for _, d, _ in self.modes[o])

    def job_sinks(self, j: int) -> list[int]:
        """Operations of job j with no successor inside the job: the job ends with them."""
        return [o for o in self.job_ops[j] if all(self.op_job[a.other] != j for a in self.succ[o])]

    def max_setup(self, r: int) -> Time:
        table = self.setup[r]
        return max(table.values(), default=0) if table else 0


def compile_problem(problem: Problem) -> Index:
    """Build the index of a validated problem."""
    job_pos = {j.id: k for k, j in enumerate(problem.jobs)}
    res_pos = {r.id: k for k, r in enumerate(problem.resources)}
    pool_pos = {p.id: k for k, p in enumerate(problem.pools)}
    families: dict[str, int] = {}

    def family(name: str | None) -> int:
        return -1 if name is None else families.setdefault(name, len(families))

    ops = problem.operations
    idx = Index(
        problem=problem,
        op_ids=[o.id for o in ops],
        op_job=[job_pos[o.job] for o in ops],
        modes=[
            [(res_pos[m.resource], m.duration, family(m.setup_family)) for m in o.modes]
            for o in ops
        ],
        needs=[[(pool_pos[n.pool], n.quantity) for n in o.needs] for o in ops],
        pause=[o.breaks == Breaks.pause for o in ops],
        fixed=[(o.fixed.start, o.fixed.mode) if o.fixed else None for o in ops],
        succ=[[] for _ in ops],
        pred=[[] for _ in ops],
        job_ids=[j.id for j in problem.jobs],
        release=[j.release for j in problem.jobs],
        due=[j.due for j in problem.jobs],
        deadline=[j.deadline for j in problem.jobs],
        weight=[j.weight for j in problem.jobs],
        job_ops=[[] for _ in problem.jobs],
        res_ids=[r.id for r in problem.resources],
        capacity=[r.capacity for r in problem.resources],
        calendar=[
            Calendar(r.available) if r.available is not None else None for r in problem.resources
        ],
        setup=[],
        families=[],
        pool_ids=[p.id for p in problem.pools],
        pool_steps=[sorted(p.profile) for p in problem.pools],
        lines=[[res_pos[r] for r in line.resources] for line in problem.flow_lines],
        previous=[None] * len(ops),
        terms=[(Term(t), w) for t, w in problem.objective.terms],
        lexicographic=problem.objective.lexicographic,
        move_penalty=problem.objective.move_penalty,
    )
    for r in problem.resources:
        table = {
            (family(c.from_family), family(c.to_family)): c.time for c in r.changeovers if c.time
        }
        idx.setup.append(table or None)
    idx.families = sorted(families, key=families.__getitem__)
    _link(idx, problem, res_pos)
    idx.horizon = problem.horizon if problem.horizon is not None else derived_horizon(idx)
    return idx


def _link(idx: Index, problem: Problem, res_pos: dict[str, int]) -> None:
    """Operations to jobs, precedences both ways, the previous schedule."""
    idx.op_pos = {o: k for k, o in enumerate(idx.op_ids)}
    for k, j in enumerate(idx.op_job):
        idx.job_ops[j].append(k)
    for p in problem.precedences:
        a, b = idx.op_pos[p.before], idx.op_pos[p.after]
        kind = FS if p.link == Link.finish_start else SS
        share = _share(p.share) if p.share is not None else None
        idx.succ[a].append(Arc(b, kind, p.min_lag, p.max_lag, share))
        idx.pred[b].append(Arc(a, kind, p.min_lag, p.max_lag, share))
    for planned in problem.previous:
        idx.previous[idx.op_pos[planned.operation]] = (planned.start, res_pos[planned.resource])


def pauses_over_calendars(idx: Index) -> bool:
    """Whether some operation may pause over a calendar's breaks: its CP-SAT model then
    grows with every calendar interval in its window (a plant's, not a benchmark's)."""
    return any(
        idx.pause[o] and any(idx.calendar[r] is not None for r, _, _ in idx.modes[o])
        for o in range(idx.n)
    )


def derived_horizon(idx: Index) -> Time:
    """A horizon long enough for a schedule that runs the operations one after another once
    every calendar, pool step, release and pinned operation has passed."""
    base = max(idx.release, default=0)
    work = 0
    for o in range(idx.n):
        fixed = idx.fixed[o]
        if fixed is not None:
            base = max(base, fixed[0] + idx.modes[o][fixed[1]][1])
            continue
        work += max(d + idx.max_setup(r) for r, d, _ in idx.modes[o])
        work += sum(max(a.min_lag, 0) for a in idx.succ[o])
    for cal in idx.calendar:
        if cal is not None:
            base = max(base, cal.end)
    for steps in idx.pool_steps:
        base = max([base] + [end for _, end, _ in steps])
    for prev in idx.previous:
        if prev is not None:
            base = max(base, prev[0])
    return base + work


def _share(value: float) -> Fraction:
    """The share as a fraction never below it (in millionths): 0.3 stays 3/10, and an
    overlap is never granted earlier than the float says."""
    return Fraction(math.ceil(value * 1_000_000 - 1e-6), 1_000_000)
