"""What a plan's schedule says, in the plant's terms: when each order starts and ends, how
late it is and why, and the figures a planner compares plans by."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from plantops.planning.shop import Shop, Step
from plantops.scheduling.problem import Problem
from plantops.scheduling.schedule import Schedule


@dataclass(frozen=True)
class PlacedOperation:
    order: str
    step: Step
    work_center: str
    start: datetime
    end: datetime
    setup_seconds: int


@dataclass(frozen=True)
class OrderTimes:
    start: datetime
    end: datetime
    late_seconds: int  # 0: on time
    explanation: dict[str, Any] | None


@dataclass(frozen=True)
class Placed:
    operations: tuple[PlacedOperation, ...]
    orders: dict[str, OrderTimes]
    figures: dict[str, Any]
    work_center_ids: dict[str, int]


def place(
    shop: Shop,
    problem: Problem,
    schedule: Schedule,
    steps: dict[str, tuple[str, Step]],
    due: dict[str, date],
) -> Placed:
    """The schedule in the plant's terms; `due`: each order's due day. Lateness counts from
    the end of that day, also for a day already past (the engine's due is never before
    today, so its own lateness would forget the overdue days)."""
    ops = {o.id: o for o in problem.operations}
    placed = []
    spans: dict[str, list[int]] = {}
    busy: dict[str, int] = defaultdict(int)
    for a in schedule.assignments:
        order, step = steps[a.operation]
        mode = ops[a.operation].modes[a.mode]
        setup = step.alternatives[a.mode].setup_seconds
        placed.append(
            PlacedOperation(order, step, mode.resource, shop.at(a.start), shop.at(a.end), setup)
        )
        span = spans.setdefault(order, [a.start, a.end])
        span[0], span[1] = min(span[0], a.start), max(span[1], a.end)
        busy[mode.resource] += mode.duration
    why = {e.job: e for e in schedule.explanations}
    orders = {}
    for order, (start, end) in spans.items():
        deadline = shop.day_start(due[order] + timedelta(days=1))
        late = max(0, int((shop.at(end) - deadline).total_seconds()))
        explanation = why.get(order)
        said = None
        if explanation is not None:
            said = {
                "lateness_seconds": explanation.lateness,
                "chain": [
                    {"kind": c.kind, "operation": c.operation, "detail": wall_clock(shop, c.detail)}
                    for c in explanation.chain
                ],
                "bottlenecks": list(explanation.bottlenecks),
            }
        orders[order] = OrderTimes(shop.at(start), shop.at(end), late, said)
    setups = sum(p.setup_seconds for p in placed)
    figures = _figures(shop, schedule, orders, busy, setups)
    return Placed(tuple(placed), orders, figures, shop.work_center_ids)


def why_late(explanation: dict[str, Any] | None) -> str:
    """An order's stored explanation (see place) in one line: the first causes of its
    lateness, then the bottlenecks; "" when it has none."""
    if not explanation:
        return ""
    causes = [str(c.get("detail", "")) for c in explanation.get("chain", [])[:3]]
    necks = ", ".join(str(b) for b in explanation.get("bottlenecks", []))
    return "; ".join(causes) + (f" (bottlenecks: {necks})" if necks else "")


_TIME = re.compile(r"\b(until|before|after|at|from|by|ended) (\d+)\b")


def wall_clock(shop: Shop, detail: str) -> str:
    """The engine says when in its own units (seconds from the plan's start): the planner
    reads the site's wall clock ("until Mon 23 Nov 14:00")."""

    def local(found: re.Match[str]) -> str:
        at = shop.at(int(found[2])).astimezone(shop.zone)
        return f"{found[1]} {at:%a %d %b %H:%M}"

    return _TIME.sub(local, detail)


def _figures(
    shop: Shop,
    schedule: Schedule,
    orders: dict[str, OrderTimes],
    busy: dict[str, int],
    setups: int,
) -> dict[str, Any]:
    late = [t.late_seconds for t in orders.values() if t.late_seconds > 0]
    makespan = max((shop.seconds(t.end) for t in orders.values()), default=0)
    available = {  # up to the end of the schedule: what the plan could have used
        r.id: sum(min(b, makespan) - a for a, b in r.available or () if a < makespan)
        for r in shop.resources
    }
    return {
        "status": schedule.status.value,
        "reason": schedule.reason,
        "seconds": round(schedule.seconds, 3),
        "orders": len(orders),
        "late_orders": len(late),
        "lateness_hours": round(sum(late) / 3600, 1),
        "setup_hours": round(setups / 3600, 1),
        "utilisation": {
            center: round(busy[center] / seconds, 3)
            for center, seconds in sorted(available.items())
            if seconds and busy.get(center)
        },
    }
