"""The scheduling engine's problem from a plan: one job per production order, its routing's
operations with their alternative work centers, crews and overlaps; a component's order
finishing before the parent order that consumes it starts; firm and released orders pinned."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from plantops.planning.crews import pool_id
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
    Term,
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
    shop: Shop, orders: Iterable[Order], feeds: Iterable[tuple[str, str]]
) -> tuple[Problem, dict[str, tuple[str, Step]]]:
    """The problem, and for each operation id its order and routing step. `feeds` are
    (component order, parent order) pairs from the plan's pegging."""
    jobs, operations, precedences = [], [], []
    steps_of: dict[str, tuple[str, Step]] = {}
    firsts, lasts = {}, {}
    for order in orders:
        steps = shop.routings.get(order.item, ())
        if not steps:
            continue
        due = shop.midnight(order.due + timedelta(days=1))  # due by the end of its day
        jobs.append(Job(order.code, shop.midnight(order.release), due, weight=10 - order.priority))
        ids = [operation_id(order.code, s.sequence) for s in steps]
        for op_id, step in zip(ids, steps, strict=True):
            steps_of[op_id] = (order.code, step)
            operations.append(_operation(shop, order, op_id, step))
        for (before, step), after in zip(zip(ids, steps, strict=True), ids[1:], strict=False):
            precedences.append(_within(before, after, step.overlap))
        firsts[order.code], lasts[order.code] = ids[0], ids[-1]
    for component, parent in sorted(set(feeds)):
        if component in lasts and parent in firsts:
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


def _operation(shop: Shop, order: Order, op_id: str, step: Step) -> Operation:
    quantity = float(order.quantity)
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
    if pin is not None and pin[0] >= 0:  # a pin in the past has started: it is not moved
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
