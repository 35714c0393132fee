"""The figures a planner compares plans by, beside the schedule's own: the share of sales
order lines delivered on time, and the stock the plan leaves at the end of its horizon."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from plantops.planning.mrp import ON_HAND, MrpResult, Source
from plantops.planning.schedule_result import Placed
from plantops.planning.shop import Shop
from plantops.planning.snapshot import Snapshot


def plan_figures(
    result: MrpResult,
    codes: dict[str, str],
    snapshot: Snapshot,
    shop: Shop,
    placed: Placed | None,
) -> dict[str, Any]:
    """A line is on time when every supply meeting it is there by the end of its due day:
    stock, a purchase due by then, a production order scheduled to end by then (or, with no
    schedule, due by then)."""
    due = {d.id: d.due for d in snapshot.problem.demands}
    supply_due = {o.id: o.due for o in result.planned_orders}
    supply_due |= {s.id: s.due for s in snapshot.problem.supplies}
    ends = placed.orders if placed else {}
    late: set[str] = set()
    lines = [k for k, kind in snapshot.demand_kinds.items() if kind == "sales_order_line"]
    for link in result.links:
        if link.kind is not Source.demand or link.source not in due or link.supply == ON_HAND:
            continue
        day = due[link.source]
        times = ends.get(codes.get(link.supply, link.supply))
        if times is not None:
            if times.end > shop.at(shop.midnight(day + timedelta(days=1))):
                late.add(link.source)
        elif supply_due.get(link.supply, day) > day:
            late.add(link.source)
    counted = [k for k in lines if k in due]
    on_time = sum(1 for k in counted if k not in late)
    cost = snapshot.costs
    stock = sum(
        (records[-1].projected * cost.get(item, Decimal(0)))
        for item, records in result.records.items()
        if records and records[-1].projected > 0
    )
    return {
        "sales_order_lines": len(counted),
        "on_time_delivery": round(on_time / len(counted), 3) if counted else 1.0,
        "stock_value_at_horizon": float(round(Decimal(stock), 2)),
    }
