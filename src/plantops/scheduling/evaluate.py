"""A solution in index terms, what it costs, and the engine's own quick feasibility audit.

The audit keeps the engine honest (nothing leaves `solve` without passing it); the separate
checker module is the independent verifier used by tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from plantops.scheduling.index import FS, Index
from plantops.scheduling.problem import Term, Time
from plantops.scheduling.schedule import Assignment


@dataclass
class Solution:
    mode: list[int]
    start: list[Time]
    end: list[Time]

    def copy(self) -> Solution:
        return Solution(self.mode[:], self.start[:], self.end[:])


def resource_of(idx: Index, sol: Solution, o: int) -> int:
    return idx.modes[o][sol.mode[o]][0]


def span_end(idx: Index, o: int, m: int, s: Time) -> Time | None:
    """End of operation o run in mode m from s, or None when its calendar does not allow s."""
    r, d, _ = idx.modes[o][m]
    cal = idx.calendar[r]
    if cal is None:
        return s + d
    if idx.pause[o] and d > 0:
        return cal.pause_end(s, d)
    return s + d if cal.fits(s, d) else None


def share_offset(share_num: int, share_den: int, span: Time, *, up: bool = True) -> Time:
    """share x span in whole units: rounded up for an earliest start, down for a latest."""
    return -((-share_num * span) // share_den) if up else (share_num * span) // share_den


def job_end(idx: Index, sol: Solution, j: int) -> Time:
    return max((sol.end[o] for o in idx.job_ops[j]), default=idx.release[j])


def term_values(idx: Index, sol: Solution) -> dict[Term, int]:
    ends = [job_end(idx, sol, j) for j in range(len(idx.job_ids))]
    values: dict[Term, int] = {}
    for term, _ in idx.terms:
        if term == Term.makespan:
            values[term] = max(sol.end, default=0)
        elif term == Term.weighted_tardiness:
            values[term] = sum(
                idx.weight[j] * max(0, c - due)
                for j, (c, due) in enumerate(zip(ends, idx.due, strict=True))
                if due is not None
            )
        elif term == Term.late_jobs:
            values[term] = sum(
                idx.weight[j]
                for j, (c, due) in enumerate(zip(ends, idx.due, strict=True))
                if due is not None and c > due
            )
        elif term == Term.setup_time:
            values[term] = total_setup(idx, sol)
        elif term == Term.flow_time:
            values[term] = sum(c - r for c, r in zip(ends, idx.release, strict=True))
        else:
            values[term] = deviation(idx, sol)
    return values


def objective_value(idx: Index, values: dict[Term, int]) -> int:
    """The reported objective: the weighted sum of the terms (also when lexicographic)."""
    return sum(w * values[t] for t, w in idx.terms)


def score(idx: Index, values: dict[Term, int]) -> tuple[int, ...]:
    """What the engine minimises: the weighted sum, or the terms in order when lexicographic."""
    if idx.lexicographic:
        return tuple(w * values[t] for t, w in idx.terms)
    return (objective_value(idx, values),)


def total_setup(idx: Index, sol: Solution) -> int:
    total = 0
    for r, seq in enumerate(sequences(idx, sol)):
        table = idx.setup[r]
        if table is None:
            continue
        fams = [idx.modes[o][sol.mode[o]][2] for o in seq]
        total += sum(table.get((f, g), 0) for f, g in pairwise(fams) if f != g)
    return total


def deviation(idx: Index, sol: Solution) -> int:
    total = 0
    for o, prev in enumerate(idx.previous):
        if prev is not None:
            total += abs(sol.start[o] - prev[0])
            if resource_of(idx, sol, o) != prev[1]:
                total += idx.move_penalty
    return total


def sequences(idx: Index, sol: Solution) -> list[list[int]]:
    """Operations of each resource in start order (ties: end order, so zero-length ones first)."""
    seqs: list[list[int]] = [[] for _ in idx.res_ids]
    for o in sorted(range(idx.n), key=lambda o: (sol.start[o], sol.end[o])):
        seqs[resource_of(idx, sol, o)].append(o)
    return seqs


def to_assignments(idx: Index, sol: Solution) -> tuple[Assignment, ...]:
    return tuple(
        Assignment(idx.op_ids[o], sol.mode[o], sol.start[o], sol.end[o]) for o in range(idx.n)
    )


def lag_bounds(idx: Index, sol: Solution, o: int) -> tuple[Time, Time, Time]:
    """(earliest start, latest start, earliest end) that o's placed predecessors allow."""
    lo, hi, end_lo = 0, 1 << 62, 0
    for a in idx.pred[o]:
        p = a.other
        ref = sol.end[p] if a.kind == FS else sol.start[p]
        ref_hi = ref
        if a.share is not None:
            span, num, den = sol.end[p] - sol.start[p], a.share.numerator, a.share.denominator
            ref += share_offset(num, den, span)
            ref_hi += share_offset(num, den, span, up=False)
            end_lo = max(end_lo, sol.end[p])
        lo = max(lo, ref + a.min_lag)
        if a.max_lag is not None:
            hi = min(hi, ref_hi + a.max_lag)
    return lo, hi, end_lo
