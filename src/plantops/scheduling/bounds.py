"""Cheap lower bounds, valid for any schedule: what the objective can never go below."""

from __future__ import annotations

from plantops.scheduling.index import FS, Index
from plantops.scheduling.priority import topological
from plantops.scheduling.problem import Term, Time


def heads(idx: Index) -> list[Time]:
    """Earliest start of every operation from releases, pins and precedences alone
    (shortest modes, no resource conflicts, no breaks)."""
    head = [idx.release[idx.op_job[o]] for o in range(idx.n)]
    for o in topological(idx):
        fixed = idx.fixed[o]
        if fixed is not None:
            head[o] = fixed[0]
        d = idx.min_duration(o) if fixed is None else idx.modes[o][fixed[1]][1]
        for a in idx.succ[o]:
            ref = head[o] + (d if a.kind == FS else 0) + a.min_lag
            if a.share is not None:
                ref += -((-a.share.numerator * d) // a.share.denominator)
            head[a.other] = max(head[a.other], ref)
    return head


def makespan_bound(idx: Index) -> Time:
    """The longest chain of precedences, or the load of the busiest resource that some
    operations cannot avoid, whichever is more."""
    head = heads(idx)
    best = max((head[o] + idx.min_duration(o) for o in range(idx.n)), default=0)
    load: dict[int, int] = {}
    first: dict[int, Time] = {}
    for o in range(idx.n):
        resources = {r for r, _, _ in idx.modes[o]}
        if len(resources) == 1:
            r = resources.pop()
            load[r] = load.get(r, 0) + idx.min_duration(o)
            first[r] = min(first.get(r, head[o]), head[o])
    for r, work in load.items():
        best = max(best, first[r] + -(-work // idx.capacity[r]))
    return best


def lower_bound(idx: Index) -> int | None:
    """A bound on the weighted objective (None when lexicographic): every term but the
    makespan is at least 0."""
    if idx.lexicographic:
        return None
    return sum(w * makespan_bound(idx) for t, w in idx.terms if t == Term.makespan)
