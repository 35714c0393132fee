"""Permutation flow shops: when one flow line carries every operation, a job order is the
whole decision, and the schedule it implies is computed in closed form.

Completion times follow C[t][i] = max(C[t-1][i] + setup, C[t][i-1]) + p; along the machines
that is a running maximum of prefix sums, so numpy evaluates a step for all machines, and for
every place a job could be inserted, at once (what iterated greedy needs)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from plantops.scheduling.evaluate import Solution
from plantops.scheduling.index import FS, Index
from plantops.scheduling.problem import Term

Ints = npt.NDArray[np.int64]
TERMS = {Term.makespan, Term.weighted_tardiness, Term.late_jobs, Term.flow_time, Term.setup_time}


@dataclass
class FlowShop:
    jobs: list[int]  # job index of each row
    ops: list[list[int]]  # the operation of each row on each machine of the route
    p: Ints  # rows x machines
    setup: Ints  # machines x (rows + 1) x rows; the extra row: nothing before
    release: Ints
    due: Ints  # no due date: a due date never reached
    weight: Ints
    terms: dict[Term, int]


def flow_shop(idx: Index) -> FlowShop | None:
    """The permutation flow shop `idx` is, or None when it is anything more."""
    terms = dict(idx.terms)
    if idx.lexicographic or len(idx.lines) != 1 or not set(terms) <= TERMS or idx.pool_ids:
        return None
    route = idx.lines[0]
    if any(d is not None for d in idx.deadline) or idx.problem.horizon is not None:
        return None
    if any(idx.capacity[r] != 1 or idx.calendar[r] is not None for r in route):
        return None
    rows = [j for j, ops in enumerate(idx.job_ops) if ops]
    table: list[list[int]] = []
    for j in rows:
        chain = _chain(idx, idx.job_ops[j])
        if chain is None or [idx.modes[o][0][0] for o in chain] != route:
            return None
        table.append(chain)
    n, m = len(rows), len(route)
    setup = np.zeros((m, n + 1, n), dtype=np.int64)
    for i, r in enumerate(route):
        changes = idx.setup[r]
        if changes:
            fam = [idx.modes[table[a][i]][0][2] for a in range(n)]
            for a in range(n):
                for b in range(n):
                    if fam[a] != fam[b]:
                        setup[i, a, b] = changes.get((fam[a], fam[b]), 0)
    big = idx.horizon * 4 + 1
    return FlowShop(
        jobs=rows,
        ops=table,
        p=np.array(
            [[idx.modes[o][0][1] for o in chain] for chain in table], dtype=np.int64
        ).reshape(n, m),
        setup=setup,
        release=np.array([idx.release[j] for j in rows], dtype=np.int64),
        due=np.array([d if (d := idx.due[j]) is not None else big for j in rows], dtype=np.int64),
        weight=np.array(
            [idx.weight[j] if idx.due[j] is not None else 0 for j in rows], dtype=np.int64
        ),
        terms=terms,
    )


def _chain(idx: Index, ops: list[int]) -> list[int] | None:
    """The job's operations as one plain finish-start chain, or None."""
    firsts = [o for o in ops if not idx.pred[o]]
    if len(firsts) != 1:
        return None
    chain, o = [firsts[0]], firsts[0]
    while idx.succ[o]:
        if len(idx.succ[o]) != 1 or len(idx.pred[idx.succ[o][0].other]) != 1:
            return None
        arc = idx.succ[o][0]
        if arc.kind != FS or arc.min_lag or arc.max_lag is not None:
            return None
        o = arc.other
        chain.append(o)
    ok = len(chain) == len(ops) and all(
        len(idx.modes[x]) == 1 and idx.fixed[x] is None for x in chain
    )
    return chain if ok else None


def insertion_costs(fs: FlowShop, seq: list[int], job: int) -> Ints:
    """The objective of `seq` with `job` inserted at each of its len(seq) + 1 places."""
    places = len(seq) + 1
    at = np.arange(places)
    order = np.array([*seq, job], dtype=np.int64)
    n = fs.p.shape[0]
    finish = np.zeros((places, fs.p.shape[1]), dtype=np.int64)
    prev = np.full(places, n, dtype=np.int64)
    cost = np.zeros(places, dtype=np.int64)
    for t in range(places):
        rows = np.where(t < at, order[min(t, places - 2)] if places > 1 else job, job)
        if t:
            rows = np.where(t > at, order[t - 1], rows)
        finish, step = _step(fs, finish, prev, rows)
        cost += step
        prev = rows
    return cost + _final(fs, finish)


def sequence_cost(fs: FlowShop, seq: list[int]) -> int:
    finish = np.zeros((1, fs.p.shape[1]), dtype=np.int64)
    prev = np.full(1, fs.p.shape[0], dtype=np.int64)
    cost = 0
    for job in seq:
        rows = np.array([job], dtype=np.int64)
        finish, step = _step(fs, finish, prev, rows)
        cost += int(step[0])
        prev = rows
    return cost + int(_final(fs, finish)[0])


def _step(fs: FlowShop, finish: Ints, prev: Ints, rows: Ints) -> tuple[Ints, Ints]:
    """Append the job `rows[k]` to schedule k: its completions, and what it costs."""
    change = fs.setup[:, prev, rows].T  # places x machines
    ready = finish + change
    ready[:, 0] = np.maximum(ready[:, 0], fs.release[rows])
    work = fs.p[rows]
    done = np.cumsum(work, axis=1)
    finish = done + np.maximum.accumulate(ready - (done - work), axis=1)
    end = finish[:, -1]
    cost = np.zeros(len(rows), dtype=np.int64)
    w = fs.terms
    if w.get(Term.weighted_tardiness):
        cost += w[Term.weighted_tardiness] * fs.weight[rows] * np.maximum(0, end - fs.due[rows])
    if w.get(Term.late_jobs):
        cost += w[Term.late_jobs] * fs.weight[rows] * (end > fs.due[rows])
    if w.get(Term.flow_time):
        cost += w[Term.flow_time] * (end - fs.release[rows])
    if w.get(Term.setup_time):
        cost += w[Term.setup_time] * change.sum(axis=1)
    return finish, cost


def _final(fs: FlowShop, finish: Ints) -> Ints:
    return fs.terms.get(Term.makespan, 0) * finish[:, -1]


def decode(fs: FlowShop, idx: Index, seq: list[int]) -> Solution:
    """The semi-active schedule of a job order: every operation as early as it can be."""
    sol = Solution([0] * idx.n, [0] * idx.n, [0] * idx.n)
    m = fs.p.shape[1]
    free = [0] * m
    prev = fs.p.shape[0]
    for row in seq:
        t = int(fs.release[row])
        for i in range(m):
            start = max(t, free[i] + int(fs.setup[i, prev, row]))
            o = fs.ops[row][i]
            sol.start[o], sol.end[o] = start, start + int(fs.p[row, i])
            t = free[i] = sol.end[o]
        prev = row
    return sol


def order_of(fs: FlowShop, sol: Solution) -> list[int]:
    """The job order of a schedule (on the first machine of the line)."""
    return sorted(range(len(fs.jobs)), key=lambda row: sol.start[fs.ops[row][0]])
