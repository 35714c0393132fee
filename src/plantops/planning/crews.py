"""Crews in the schedule: a work center whose operations need people with a skill works only
while enough of them are on shift, and each skill is a pool of the holders on shift.

The scheduling engine holds an operation's crew over its whole span, and a long operation
pauses over its work center's breaks. So the work center's calendar is cut to the times its
crews are there (a machine needing a turner does not run on a night without turners), and a
pool is unlimited where no work center needing it works: an operation paused over a weekend
holds nobody. Times are integer seconds; spans are sorted, disjoint (start, end) pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from plantops.scheduling.problem import Pool

Spans = list[tuple[int, int]]
UNLIMITED = 10**6  # a pool's size where no work center needing it works


def pool_id(skill: str) -> str:
    return f"skill {skill}"


def headcount(shifts: Iterable[Spans]) -> dict[int, int]:
    """How many are on shift, as changes: time -> +/- people."""
    steps: dict[int, int] = defaultdict(int)
    for spans in shifts:
        for a, b in spans:
            steps[a] += 1
            steps[b] -= 1
    return steps


def staffed(steps: Mapping[int, int], crew: int) -> Spans:
    """Where at least `crew` are on shift."""
    out: Spans = []
    level, since = 0, None
    for at in sorted(steps):
        level += steps[at]
        if level >= crew and since is None:
            since = at
        elif level < crew and since is not None:
            if at > since:
                out.append((since, at))
            since = None
    return out


def intersect(a: Spans, b: Spans) -> Spans:
    out: Spans = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def union(spans: Iterable[tuple[int, int]]) -> Spans:
    out: Spans = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif a < b:
            out.append((a, b))
    return out


def pool(skill: str, steps: Mapping[int, int], working: Spans, horizon: int) -> Pool:
    """The skill's holders on shift where a work center needing it works; unlimited
    elsewhere, up to `horizon`."""
    changes: dict[int, int] = defaultdict(int, steps)
    changes[0] += UNLIMITED
    changes[horizon] -= UNLIMITED
    for a, b in working:
        changes[a] -= UNLIMITED
        changes[b] += UNLIMITED
    out, level, last = [], 0, None
    for at in sorted(changes):
        if last is not None and level > 0 and at > last:
            out.append((last, at, level))
        level += changes[at]
        last = at
    return Pool(pool_id(skill), tuple(out))
