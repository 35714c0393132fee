"""Which operations an LNS step frees: a slice of time, a few resources, a few jobs, or the
chain that makes the schedule as long (or the late jobs as late) as it is."""

from __future__ import annotations

import random

from plantops.scheduling.evaluate import Solution, job_end, resource_of
from plantops.scheduling.index import Index

KINDS = ("window", "resources", "jobs", "critical")


def pick(kind: str, idx: Index, sol: Solution, k: int, rng: random.Random) -> set[int]:
    if kind == "window":
        return window(sol, k, rng)
    if kind == "resources":
        return resources(idx, sol, k, rng)
    if kind == "jobs":
        return jobs(idx, k, rng)
    return critical(idx, sol, k, rng)


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


def critical(idx: Index, sol: Solution, k: int, rng: random.Random) -> set[int]:
    """Operations of the jobs that end latest (or latest past due), and what ran beside them
    on the same resources shortly before."""
    ends = [job_end(idx, sol, j) for j in range(len(idx.job_ops))]
    late = [e - (idx.due[j] if idx.due[j] is not None else 0) for j, e in enumerate(ends)]  # type: ignore[operator]
    ranked = sorted(
        range(len(ends)),
        key=lambda j: late[j] + rng.random() * 0.5 * (1 + abs(late[j])),
        reverse=True,
    )
    free: set[int] = set()
    by_res: dict[int, list[int]] = {}
    for o in range(idx.n):
        by_res.setdefault(resource_of(idx, sol, o), []).append(o)
    for seq in by_res.values():
        seq.sort(key=sol.start.__getitem__)
    pos = {o: i for seq in by_res.values() for i, o in enumerate(seq)}
    for j in ranked[: max(1, len(ranked) // 4)]:
        for o in idx.job_ops[j]:
            if len(free) >= k:
                return free
            free.add(o)
            seq = by_res[resource_of(idx, sol, o)]
            i = pos[o]
            for other in seq[max(0, i - rng.randint(0, 2)) : i]:
                free.add(other)
    return free
