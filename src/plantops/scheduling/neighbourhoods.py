"""Which operations an LNS step frees: a slice of time, a few resources, a few jobs, or the
chain that makes the schedule as long (or the late jobs as late) as it is."""

from __future__ import annotations

import random
from itertools import pairwise

from plantops.scheduling.evaluate import Solution, job_end, resource_of, sequences
from plantops.scheduling.index import FS, Index

KINDS = ("window", "resources", "jobs", "critical_resources", "critical_window")


def pick(kind: str, idx: Index, sol: Solution, k: int, rng: random.Random) -> set[int]:
    if kind == "window":
        return window(sol, k, rng)
    if kind == "resources":
        return resources(idx, sol, k, rng)
    if kind == "jobs":
        return jobs(idx, k, rng)
    if kind == "critical_resources":
        return critical_resources(idx, sol, k, rng)
    return critical_window(idx, sol, k, rng)


def window(sol: Solution, k: int, rng: random.Random) -> set[int]:
    """k operations consecutive in start order, from a random point."""
    order = sorted(range(len(sol.start)), key=sol.start.__getitem__)
    i = rng.randrange(max(1, len(order) - k + 1))
    return set(order[i : i + k])


def resources(idx: Index, sol: Solution, k: int, rng: random.Random) -> set[int]:
    """Whole resources until k operations are free; a slice of one when it alone has more."""
    by_res: list[list[int]] = [[] for _ in idx.res_ids]
    for o in range(idx.n):
        by_res[resource_of(idx, sol, o)].append(o)
    used = [r for r in range(len(by_res)) if by_res[r]]
    rng.shuffle(used)
    free: set[int] = set()
    for r in used:
        ops = sorted(by_res[r], key=sol.start.__getitem__)
        room = k - len(free)
        if len(ops) > room:
            i = rng.randrange(len(ops) - room + 1)
            ops = ops[i : i + room]
        free.update(ops)
        if len(free) >= k:
            break
    return free


def jobs(idx: Index, k: int, rng: random.Random) -> set[int]:
    order = list(range(len(idx.job_ops)))
    rng.shuffle(order)
    free: set[int] = set()
    for j in order:
        if len(free) >= k:
            break
        free.update(idx.job_ops[j])
    return free


def chain(idx: Index, sol: Solution, rng: random.Random) -> list[int]:
    """A chain of operations each started by the end of the one before (a precedence, or the
    resource freeing up), back from the end of the latest (or a late) job: what makes the
    schedule as long as it is."""
    late = [
        (job_end(idx, sol, j) - due if (due := idx.due[j]) is not None else 0) * idx.weight[j]
        for j in range(len(idx.job_ops))
    ]
    if max(late, default=0) > 0:
        jobs_ = [j for j, v in enumerate(late) if v > 0]
        j = rng.choices(jobs_, weights=[late[j] for j in jobs_])[0]
        o = max(idx.job_ops[j], key=sol.end.__getitem__)
    else:
        last = max(sol.end)
        o = rng.choice([o for o in range(idx.n) if sol.end[o] == last])
    before = {b: a for seq in sequences(idx, sol) for a, b in pairwise(seq)}
    path = [o]
    while len(path) < idx.n:
        s = sol.start[o]
        tight = [
            a.other for a in idx.pred[o] if sol.end[a.other] <= s and _tight(idx, sol, a.other, o)
        ]
        prev = before.get(o, -1)
        if prev >= 0 and sol.end[prev] <= s <= sol.end[prev] + idx.max_setup(
            resource_of(idx, sol, o)
        ):
            tight.append(prev)
        if not tight:
            break
        o = rng.choice(tight)
        path.append(o)
    return path


def _tight(idx: Index, sol: Solution, p: int, o: int) -> bool:
    return any(
        (sol.end[p] if a.kind == FS else sol.start[p]) + a.min_lag >= sol.start[o]
        for a in idx.pred[o]
        if a.other == p
    )


def critical_resources(idx: Index, sol: Solution, k: int, rng: random.Random) -> set[int]:
    """Everything on the resources the critical chain crosses (a slice of a busy one)."""
    path = chain(idx, sol, rng)
    on = set(path)
    crossed = list(dict.fromkeys(resource_of(idx, sol, o) for o in path))
    rng.shuffle(crossed)
    by_res: dict[int, list[int]] = {}
    for o in range(idx.n):
        by_res.setdefault(resource_of(idx, sol, o), []).append(o)
    free: set[int] = set()
    for r in crossed:
        ops = sorted(by_res[r], key=sol.start.__getitem__)
        room = k - len(free)
        if len(ops) > room:
            on_path = [i for i, o in enumerate(ops) if o in on]
            mid = rng.choice(on_path) if on_path else len(ops) // 2
            lo = max(0, min(mid - room // 2, len(ops) - room))
            ops = ops[lo : lo + room]
        free.update(ops)
        if len(free) >= k:
            break
    return free


def critical_window(idx: Index, sol: Solution, k: int, rng: random.Random) -> set[int]:
    """The k operations nearest in time to a random point of the critical chain."""
    o = rng.choice(chain(idx, sol, rng))
    t = sol.start[o]
    near = sorted(range(idx.n), key=lambda x: abs(sol.start[x] + sol.end[x] - 2 * t))
    return set(near[:k])
