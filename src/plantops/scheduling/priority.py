"""Priorities from a backward pass over the precedence graph: the latest start each operation
can have for its job (and every job it feeds) to end in time."""

from __future__ import annotations

import random

from plantops.scheduling.index import FS, Index
from plantops.scheduling.problem import Term, Time


def topological(idx: Index) -> list[int]:
    """Operations in an order where every `before` comes ahead of its `after`."""
    pending = [len(p) for p in idx.pred]
    order = [o for o in range(idx.n) if pending[o] == 0]
    for o in order:  # grows while iterating
        for a in idx.succ[o]:
            pending[a.other] -= 1
            if pending[a.other] == 0:
                order.append(a.other)
    return order


def latest_starts(idx: Index, noise: float = 0.0, rng: random.Random | None = None) -> list[float]:
    """Smaller is more urgent. For makespan the reference end is common to all jobs (most work
    remaining first); for due-date terms it is the due date (least slack first); for flow time
    only the remaining work counts, shortest first. Deadlines and pinned successors always bind."""
    first = idx.terms[0][0] if idx.terms else Term.makespan
    due_driven = first in (Term.weighted_tardiness, Term.late_jobs)
    common = _common_end(idx)
    lst = [0.0] * idx.n
    for o in reversed(topological(idx)):
        j = idx.op_job[o]
        dmin = idx.min_duration(o)
        ref: float = 0.0 if first == Term.flow_time else common
        due, deadline = idx.due[j], idx.deadline[j]
        if due_driven and due is not None:
            ref = float(due)
        if deadline is not None and first != Term.flow_time:
            ref = min(ref, deadline)
        best = ref - dmin
        for a in idx.succ[o]:
            offset: float = a.min_lag + (dmin if a.kind == FS else 0)
            if a.share is not None:
                offset += float(a.share) * dmin
            best = min(best, lst[a.other] - offset)
        fixed = idx.fixed[o]
        lst[o] = float(fixed[0]) if fixed is not None else best
    if noise and rng is not None:
        scale = noise * max(1.0, _mean_duration(idx) * 4)
        lst = [v + rng.random() * scale for v in lst]
    return lst


def job_order(idx: Index, lst: list[float], ops: list[int]) -> dict[int, int]:
    """A rank for every job owning one of `ops`: most urgent first (flow lines keep it)."""
    key: dict[int, float] = {}
    for o in ops:
        j = idx.op_job[o]
        key[j] = min(key.get(j, lst[o]), lst[o])
    return {j: k for k, j in enumerate(sorted(key, key=lambda j: (key[j], j)))}


def _common_end(idx: Index) -> Time:
    """A makespan estimate: the heaviest resource or the longest job, whichever is more."""
    load = [0] * len(idx.res_ids)
    for o in range(idx.n):
        r, d, _ = min(idx.modes[o], key=lambda m: m[1])
        load[r] += d
    longest = max((sum(idx.min_duration(o) for o in ops) for ops in idx.job_ops), default=0)
    cap = idx.capacity
    return max([longest] + [load[r] // cap[r] for r in range(len(load))]) + max(
        idx.release, default=0
    )


def _mean_duration(idx: Index) -> float:
    durations = [d for modes in idx.modes for _, d, _ in modes]
    return sum(durations) / max(1, len(durations))
