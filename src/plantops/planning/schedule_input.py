"""The scheduling engine's problem from a plan: one job per production order, its routing's
operations with their alternative work centers, crews and overlaps; a component's order
finishing before the parent order that consumes it starts; firm and released orders pinned.
With the floor's state: completed operations left out, started ones kept on the work center
they run on for what is left to make, the others sized by what is left."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from plantops.planning.crews import pool_id
from plantops.planning.floor_state import FloorState, OnFloor
from plantops.planning.shop import Shop, Step
from plantops.scheduling.problem import (
    Breaks,
    Fixed,
    Job,
    Link,
    Mode,
    Need,
    Objective,
    Operation,
    Precedence,
    Problem,
    Resource,
    Term,
    Time,
)

# Lateness first, weighted by priority; then fewer changeovers, then orders done early
# (less work in progress). Seconds throughout.
OBJECTIVE = Objective(((Term.weighted_tardiness, 100), (Term.setup_time, 1), (Term.flow_time, 1)))


@dataclass(frozen=True)
class Order:
    """A production order to schedule."""

    code: str
    item: str
    quantity: Decimal
    release: date
    due: date
    priority: int = 3  # 1 most urgent .. 9


def operation_id(order: str, sequence: int) -> str:
    return f"{order}/{sequence}"


def build_problem(
    shop: Shop,
    orders: Iterable[Order],
    feeds: Iterable[tuple[str, str]],
    floor: FloorState | None = None,
    not_before: Time = 0,
) -> tuple[Problem, dict[str, tuple[str, Step]]]:
    """The problem, and for each operation id its order and routing step. `feeds` are
    (component order, parent order) pairs from the plan's pegging; `floor` what the floor
    reports of released orders; nothing new starts before `not_before`."""
    jobs, operations, precedences = [], [], []
    steps_of: dict[str, tuple[str, Step]] = {}
    firsts, lasts = {}, {}
    resources = {r.id: r for r in shop.resources}
    now = max(not_before, shop.seconds(floor.now)) if floor else not_before
    started: set[str] = set()
    for order in orders:
        kept = []  # (operation id, step) still to schedule
        for step in shop.routings.get(order.item, ()):
            on = floor.of(order.code, step.operation_id) if floor else None
            if on is None or not on.done:
                kept.append((operation_id(order.code, step.sequence), step, on))
        if not kept:
            continue
        release = max(shop.midnight(order.release), not_before)
        for op_id, step, on in kept:
            steps_of[op_id] = (order.code, step)
            if on is not None and on.started_at is not None:
                operation, start = _running(op_id, order.code, step, on, resources, now)
                started.add(op_id)
                release = min(release, start)
            else:
                operation = _operation(shop, order, op_id, step, on, not_before)
            operations.append(operation)
        due = shop.midnight(order.due + timedelta(days=1))  # due by the end of its day
        jobs.append(Job(order.code, release, due, weight=10 - order.priority))
        for (before, step, _), (after, _, _) in pairwise(kept):
            if after not in started:  # what has started has its predecessors behind it
                precedences.append(_within(before, after, step.overlap))
        firsts[order.code], lasts[order.code] = kept[0][0], kept[-1][0]
    for component, parent in sorted(set(feeds)):
        if component in lasts and parent in firsts and firsts[parent] not in started:
            precedences.append(Precedence(lasts[component], firsts[parent]))
    problem = Problem(
        jobs=tuple(jobs),
        operations=tuple(operations),
        resources=shop.resources,
        precedences=tuple(precedences),
        pools=shop.pools,
        objective=OBJECTIVE,
    )
    return problem, steps_of


def _running(
    op_id: str,
    order: str,
    step: Step,
    on: OnFloor,
    resources: dict[str, Resource],
    now: Time,
) -> tuple[Operation, Time]:
    """A started operation stays on the work center it runs on, from now (or when that work
    center is next available) for what is left to make; its setup is behind it."""
    alternative = next(
        (a for a in step.alternatives if a.work_center == on.work_center), step.alternatives[0]
    )
    left = max(MIN_LEFT, math.ceil(alternative.run_seconds_per_unit * float(on.remaining)))
    mode = Mode(on.work_center, left, step.setup_family)
    needs = (Need(pool_id(step.skill), step.crew_size),) if step.skill else ()
    resource = resources.get(on.work_center)
    start = next_available(resource.available if resource else None, now)
    return Operation(op_id, order, (mode,), needs, Breaks.pause, Fixed(start, 0)), start


MIN_LEFT = 60  # a started operation with everything reported still holds its work center


def next_available(available: tuple[tuple[Time, Time], ...] | None, at: Time) -> Time:
    """The first instant from `at` that the resource works (`at` when it is always open)."""
    if available is None:
        return at
    for start, end in available:
        if end > at:
            return max(start, at)
    return at


def _operation(
    shop: Shop,
    order: Order,
    op_id: str,
    step: Step,
    on: OnFloor | None = None,
    not_before: Time = 0,
) -> Operation:
    quantity = float(on.remaining if on is not None else order.quantity)
    modes = tuple(
        Mode(
            alt.work_center,
            max(1, alt.setup_seconds + math.ceil(alt.run_seconds_per_unit * quantity)),
            step.setup_family,
        )
        for alt in step.alternatives
    )
    needs = (Need(pool_id(step.skill), step.crew_size),) if step.skill else ()
    fixed = None
    pin = shop.pinned.get((order.code, step.operation_id))
    if pin is not None and pin[0] >= not_before:  # a slot already passed cannot be kept
        centers = [alt.work_center for alt in step.alternatives]
        if pin[1] in centers:
            fixed = Fixed(pin[0], centers.index(pin[1]))
    # long operations run over several shifts: they pause at the end of one and resume
    return Operation(op_id, order.code, modes, needs, Breaks.pause, fixed)


def _within(before: str, after: str, overlap: float) -> Precedence:
    """Consecutive steps: finish to start, or the next starts once `overlap` of this is done."""
    if overlap >= 1:
        return Precedence(before, after)
    return Precedence(before, after, Link.start_start, share=overlap)
