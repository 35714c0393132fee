"""The repair of a site's schedule around a disruption: outages cut out of the work centers'
time, firm slots and pins kept while they can be, and the engine asked for lateness first,
then as little movement as it can."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from plantops.execution.reschedule_before import Before
from plantops.planning.run_phases import Progress, solve_reporting
from plantops.planning.schedule_input import build_problem, operation_id
from plantops.planning.schedule_result import Placed, place
from plantops.planning.shop import Shop
from plantops.scheduling.problem import Objective, Planned, Problem, Term, Time
from plantops.types import OrderStatus

log = logging.getLogger(__name__)

# Lateness and stability weighed together: a second an order of weight w (10 - priority)
# ends later costs w, a second an operation moves costs 1, a move to another work center as
# much as an hour's shift; then fewer changeovers. With lateness far ahead (as in a plan
# run), an overloaded plant would reshuffle everything to gain minutes on orders already
# days late: the floor would be told a new plan for nothing.
MOVE_PENALTY = 3600
REPAIR = Objective(
    ((Term.weighted_tardiness, 1), (Term.deviation, 1), (Term.setup_time, 1)),
    move_penalty=MOVE_PENALTY,
)


@dataclass
class Repaired:
    placed: Placed | None
    figures: dict[str, Any] | None  # the schedule's, or its status and reason when none
    problem: Problem
    firm_released: bool  # firm orders had to leave their slots


def repair(
    shop: Shop,
    before: Before,
    seconds: float,
    factory: sessionmaker[Session],
    run_id: int,
    progress: Progress | None,
    objective: Objective = REPAIR,
) -> Repaired:
    """The schedule repaired around the disruption (`objective`: REPAIR, or another to
    compare it with, as benchmarks/reschedule.py does)."""
    now = shop.seconds(before.now)
    shop = replace(
        shop,
        resources=tuple(
            replace(r, available=without(r.available, now, shop.seconds(before.down[r.id])))
            if r.id in before.down
            else r
            for r in shop.resources
        ),
    )
    kept = _firm_pins(shop, before, now)
    firm = {key: slot for key, slot in kept.items() if key not in before.held}
    # what it keeps, most first: pins and firm slots; when that is impossible, the firm
    # slots alone (a planner's pin gives way first); then nothing. The moves say so.
    tries = [kept] + ([firm] if len(firm) < len(kept) else []) + ([{}] if firm else [])
    for pinned in tries:
        shop = replace(shop, pinned=pinned)
        firm_released = bool(firm) and not pinned
        problem, steps = build_problem(shop, before.orders, before.feeds, before.floor, now)
        close = any(term is Term.deviation for term, _ in objective.terms)
        previous = _previous(shop, problem, before) if close else ()
        problem = replace(problem, previous=previous, objective=objective)
        if not problem.operations:
            return Repaired(None, None, problem, firm_released)
        schedule = solve_reporting(problem, factory, run_id, seconds, progress)
        if schedule.assignments:
            due = {o.code: o.due for o in before.orders}
            placed = place(shop, problem, schedule, steps, due)
            return Repaired(placed, placed.figures, problem, firm_released)
        log.warning(
            "reschedule %s: no schedule keeping %d slots: %s", run_id, len(pinned), schedule.reason
        )
    status = {"status": str(schedule.status), "reason": schedule.reason}
    return Repaired(None, status, problem, firm_released)


def without(
    available: tuple[tuple[Time, Time], ...] | None, start: Time, end: Time
) -> tuple[tuple[Time, Time], ...]:
    """The intervals with [start, end) taken out."""
    out: list[tuple[Time, Time]] = []
    for a, b in available if available is not None else ((0, 10**12),):
        if b <= start or a >= end:
            out.append((a, b))
            continue
        if a < start:
            out.append((a, start))
        if b > end:
            out.append((end, b))
    return tuple(out)


def _firm_pins(shop: Shop, before: Before, now: Time) -> dict[tuple[str, int], tuple[int, str]]:
    """Firm orders keep their slots, and pinned operations their pins, unless the time has
    passed, the work center is down then, or the operation has started on the floor."""
    firm = {key: (start, center) for key, (start, _, center) in before.slots.items()
            if before.statuses.get(key[0]) is OrderStatus.firm}  # fmt: skip
    pins = {}
    for (order, operation), (start, center) in (firm | before.held).items():
        on = before.floor.of(order, operation)
        if on is not None and (on.done or on.started_at is not None):
            continue
        until = before.down.get(center)
        if shop.seconds(start) < now or (until is not None and start < until):
            continue
        pins[(order, operation)] = (shop.seconds(start), center)
    return pins


def _previous(shop: Shop, problem: Problem, before: Before) -> tuple[Planned, ...]:
    """Where each operation that may move stood: what the deviation is measured from."""
    placed = {o.id for o in problem.operations if o.fixed is None}
    out = []
    for order in before.orders:
        for step in shop.routings.get(order.item, ()):
            op_id = operation_id(order.code, step.sequence)
            slot = before.slots.get((order.code, step.operation_id))
            if op_id in placed and slot is not None:
                out.append(Planned(op_id, max(0, shop.seconds(slot[0])), slot[2]))
    return tuple(out)
