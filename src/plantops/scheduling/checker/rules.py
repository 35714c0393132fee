"""The constraints between placed operations: jobs, precedences, resources, pools and
flow lines (the rules are written in the package docstring)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from plantops.scheduling.checker.placement import Placed, place
from plantops.scheduling.problem import Link, Precedence, Problem, Resource
from plantops.scheduling.schedule import Schedule, Violation

SHOWN = 5  # operations named in one overload message


def check(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every constraint the schedule breaks; empty when it is feasible."""
    out: list[Violation] = []
    placed = place(problem, schedule, out)
    _jobs(problem, placed, out)
    known = {op.id for op in problem.operations}
    for link in problem.precedences:
        for name in {link.before, link.after} - known:
            out.append(Violation("precedence", name, "linked but not in the problem"))
        _precedence(link, placed, out)
    _capacities(problem, placed, out)
    _pools(problem, placed, out)
    _flow_lines(problem, placed, out)
    return out


def _jobs(problem: Problem, placed: dict[str, Placed], out: list[Violation]) -> None:
    jobs = {job.id: job for job in problem.jobs}
    for p in placed.values():
        job = jobs.get(p.op.job)
        if job is None:
            out.append(Violation("assignment", p.op.id, f"its job {p.op.job} does not exist"))
            continue
        if p.start < job.release:
            out.append(Violation("release", p.op.id, f"starts {p.start}, released {job.release}"))
        if job.deadline is not None and p.end > job.deadline:
            message = f"ends {p.end}, after the deadline {job.deadline} of {job.id}"
            out.append(Violation("deadline", p.op.id, message))
        if problem.horizon is not None and p.end > problem.horizon:
            message = f"ends {p.end}, after the horizon {problem.horizon}"
            out.append(Violation("horizon", p.op.id, message))


def share_offset(share: float, span: int) -> int:
    return math.ceil(share * span - 1e-9)  # tolerance: 0.3 x 10 is 3, not 3.0000000000000004


def _precedence(link: Precedence, placed: dict[str, Placed], out: list[Violation]) -> None:
    before, after = placed.get(link.before), placed.get(link.after)
    if before is None or after is None:
        return  # an unknown or unscheduled operation is reported as such
    subject = f"{link.before} -> {link.after}"
    origin = before.end if link.link is Link.finish_start else before.start
    shared = link.link is Link.start_start and link.share is not None
    if shared:
        origin += share_offset(link.share or 0.0, before.end - before.start)
    gap = after.start - origin
    point = f"{link.before}'s " + ("end" if link.link is Link.finish_start else "start")
    point = f"{link.share:g} of {link.before} done" if shared else point
    if gap < link.min_lag:
        message = f"{link.after} starts {gap} after the {point}, at least {link.min_lag} needed"
        out.append(Violation("precedence", subject, message))
    if link.max_lag is not None and gap > link.max_lag:
        message = f"{link.after} starts {gap} after the {point}, at most {link.max_lag} allowed"
        out.append(Violation("precedence", subject, message))
    if shared and after.end < before.end:
        message = f"{link.after} ends {after.end}, before {link.before} ends {before.end}"
        out.append(Violation("precedence", subject, message))


def _overload(
    kind: str, subject: str, changes: list[tuple[int, int, str]], limit: int
) -> Violation | None:
    """Sweep (time, change of use, operation) and report the first time the use exceeds the
    limit. A pool's profile enters as negative use, against a limit of 0."""
    changes.sort(key=lambda c: c[0])
    running = 0
    active: dict[str, None] = {}  # insertion-ordered, to name the operations involved
    for i, (t, delta, op) in enumerate(changes):
        running += delta
        if op and delta < 0:
            active.pop(op, None)
        elif op:
            active[op] = None
        if running > limit and (i + 1 == len(changes) or changes[i + 1][0] != t):
            names = ", ".join(list(active)[:SHOWN])
            what = f"{running} operations at once, capacity {limit}"
            if kind == "pool":
                what = f"needs exceed what is available by {running}"
            return Violation(kind, subject, f"at {t}: {what} ({names})")
    return None


def on_resources(placed: dict[str, Placed]) -> dict[str, list[Placed]]:
    """Operations per resource, by start (then end, then id)."""
    by_resource: dict[str, list[Placed]] = defaultdict(list)
    for p in placed.values():
        by_resource[p.resource].append(p)
    for ops in by_resource.values():
        ops.sort(key=lambda p: (p.start, p.end, p.op.id))
    return by_resource


def changeover_table(resource: Resource) -> dict[tuple[str, str], int]:
    return {(c.from_family, c.to_family): c.time for c in resource.changeovers}


def setups(resource: Resource, ops: list[Placed]) -> Iterable[tuple[Placed, Placed, int]]:
    """Consecutive operations on a capacity-1 resource and the changeover between them."""
    table = changeover_table(resource)
    if resource.capacity != 1 or not table:
        return
    for a, b in pairwise(ops):
        if a.family is not None and b.family is not None and a.family != b.family:
            yield a, b, table.get((a.family, b.family), 0)


def _capacities(problem: Problem, placed: dict[str, Placed], out: list[Violation]) -> None:
    by_resource = on_resources(placed)
    for resource in problem.resources:
        ops = by_resource.get(resource.id, [])
        changes = [(t, d, p.op.id) for p in ops for a, b in p.pieces for t, d in ((a, 1), (b, -1))]
        found = _overload("capacity", resource.id, changes, resource.capacity)
        if found is not None:
            out.append(found)
        for a, b, time in setups(resource, ops):
            if b.start - a.end < time:
                message = f"{b.op.id} starts {b.start - a.end} after {a.op.id}, changeover {time}"
                out.append(Violation("changeover", resource.id, message))


def _pools(problem: Problem, placed: dict[str, Placed], out: list[Violation]) -> None:
    uses: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for p in placed.values():
        for need in p.op.needs:
            for a, b in p.pieces:
                uses[need.pool] += [(a, need.quantity, p.op.id), (b, -need.quantity, p.op.id)]
    pools = {pool.id: pool for pool in problem.pools}
    for name, changes in uses.items():
        if name not in pools:
            out.append(Violation("pool", name, "needed but not in the problem"))
            continue
        for a, b, count in pools[name].profile:
            changes += [(a, -count, ""), (b, count, "")]
        found = _overload("pool", name, changes, 0)
        if found is not None:
            out.append(found)


def _flow_lines(problem: Problem, placed: dict[str, Placed], out: list[Violation]) -> None:
    by_resource = on_resources(placed)
    for line in problem.flow_lines:
        orders = []
        for resource in line.resources:
            jobs = dict.fromkeys(p.op.job for p in by_resource.get(resource, []))
            orders.append((resource, list(jobs)))
        found = _order_conflict(orders)
        if found:
            out.append(Violation("flow_line", ", ".join(line.resources), found))


def _order_conflict(orders: list[tuple[str, list[str]]]) -> str:
    """Why no single job order fits every resource's order ('' when one does)."""
    for (r1, jobs1), (r2, jobs2) in pairwise(orders):
        common = set(jobs1) & set(jobs2)
        seq1, seq2 = [j for j in jobs1 if j in common], [j for j in jobs2 if j in common]
        for j1, j2 in zip(seq1, seq2, strict=True):
            if j1 != j2:
                return f"{j1} comes before {j2} on {r1}, after it on {r2}"
    successors: dict[str, set[str]] = defaultdict(set)
    waiting: dict[str, int] = defaultdict(int)
    for _, jobs in orders:
        for a, b in pairwise(jobs):
            if b not in successors[a]:
                successors[a].add(b)
                waiting[b] += 1
    ready = list(dict.fromkeys(j for _, jobs in orders for j in jobs if waiting[j] == 0))
    seen = set(ready)
    while ready:
        for b in successors[ready.pop()]:
            waiting[b] -= 1
            if waiting[b] == 0 and b not in seen:
                seen.add(b)
                ready.append(b)
    stuck = sorted(j for j, n in waiting.items() if n > 0)
    return f"jobs {', '.join(stuck[:SHOWN])} run in conflicting orders" if stuck else ""
