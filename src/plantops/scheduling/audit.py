"""The engine's own audit of a solution: every hard constraint, in index terms.

An empty list means the solution may leave the engine; a construction or search result that
breaks anything (a deadline the heuristic missed, a max lag) never becomes the incumbent."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter
from itertools import pairwise

from plantops.scheduling.evaluate import Solution, lag_bounds, sequences, span_end
from plantops.scheduling.index import Index
from plantops.scheduling.timeline import Profile


def audit(idx: Index, sol: Solution) -> list[str]:
    problems = _operations(idx, sol)
    if problems:
        return problems
    seqs = sequences(idx, sol)
    problems += _resources(idx, sol, seqs)
    problems += _pools(idx, sol)
    problems += _lines(idx, sol, seqs)
    return problems


def _operations(idx: Index, sol: Solution) -> list[str]:
    out = []
    for o in range(idx.n):
        name, m, s, e = idx.op_ids[o], sol.mode[o], sol.start[o], sol.end[o]
        if not 0 <= m < len(idx.modes[o]):
            out.append(f"{name}: mode {m} out of range")
            continue
        fixed = idx.fixed[o]
        if fixed is not None and (s, m) != fixed:
            out.append(f"{name}: moved from its fixed place")
        if span_end(idx, o, m, s) != e:
            out.append(f"{name}: [{s}, {e}) does not match its duration and calendar")
        j = idx.op_job[o]
        if s < idx.release[j] or s < 0:
            out.append(f"{name}: starts before its release")
        deadline = idx.deadline[j]
        if deadline is not None and e > deadline:
            out.append(f"{name}: ends after the deadline of {idx.job_ids[j]}")
        if e > idx.horizon:
            out.append(f"{name}: ends after the horizon")
        lo, hi, end_lo = lag_bounds(idx, sol, o)
        if not lo <= s <= hi or e < end_lo:
            out.append(f"{name}: breaks a precedence")
    return out


def _resources(idx: Index, sol: Solution, seqs: list[list[int]]) -> list[str]:
    out = []
    for r, seq in enumerate(seqs):
        if idx.capacity[r] == 1:
            table = idx.setup[r] or {}
            for a, b in pairwise(seq):
                fa, fb = idx.modes[a][sol.mode[a]][2], idx.modes[b][sol.mode[b]][2]
                gap = table.get((fa, fb), 0) if fa != fb else 0
                if sol.start[b] < sol.end[a] + gap:
                    out.append(f"{idx.res_ids[r]}: {idx.op_ids[a]} and {idx.op_ids[b]} overlap")
        else:
            prof = Profile.constant(idx.capacity[r])
            for o in seq:
                if prof.conflict(sol.start[o], sol.end[o], 1) is not None:
                    out.append(f"{idx.res_ids[r]}: over capacity at {idx.op_ids[o]}")
                prof.take(sol.start[o], sol.end[o], 1)
    return out


def _pools(idx: Index, sol: Solution) -> list[str]:
    if not idx.pool_ids:
        return []
    profiles = [Profile.steps(steps) for steps in idx.pool_steps]
    out = []
    for o in range(idx.n):
        for pool, q in idx.needs[o]:
            if profiles[pool].conflict(sol.start[o], sol.end[o], q) is not None:
                out.append(f"{idx.pool_ids[pool]}: short at {idx.op_ids[o]}")
            profiles[pool].take(sol.start[o], sol.end[o], q)
    return out


def _lines(idx: Index, sol: Solution, seqs: list[list[int]]) -> list[str]:
    out = []
    for line in idx.lines:
        graph: dict[int, set[int]] = {}
        for r in line:
            jobs = [idx.op_job[o] for o in seqs[r]]
            for a, b in pairwise(jobs):
                if a != b:
                    graph.setdefault(b, set()).add(a)
        try:
            tuple(TopologicalSorter(graph).static_order())
        except CycleError:
            out.append("flow line " + "/".join(idx.res_ids[r] for r in line) + ": jobs pass")
    return out
