"""From the MRP result to what the schedule needs: the production orders to place (the run's
proposals and the planners' open orders) and which order feeds which (from the pegging)."""

from __future__ import annotations

from plantops.planning.mrp import MrpResult, Source
from plantops.planning.schedule_input import Order
from plantops.planning.snapshot import Snapshot

DEFAULT_PRIORITY = 3


def orders_to_schedule(result: MrpResult, codes: dict[str, str], snapshot: Snapshot) -> list[Order]:
    """Every production order: a proposal takes the most urgent priority of the sales order
    lines it serves directly."""
    urgent: dict[str, int] = {}
    for link in result.links:
        if link.kind is Source.demand and link.source in snapshot.priorities:
            priority = snapshot.priorities[link.source]
            urgent[link.supply] = min(urgent.get(link.supply, priority), priority)
    proposed = [
        Order(codes[o.id], o.item, o.quantity, o.release, o.due, urgent.get(o.id, DEFAULT_PRIORITY))
        for o in result.planned_orders
        if o.make
    ]
    return proposed + snapshot.open_made


def feeds(result: MrpResult, codes: dict[str, str], snapshot: Snapshot) -> list[tuple[str, str]]:
    """(component order, parent order): the component order's output goes into the parent."""
    out = []
    for link in result.links:
        supply = codes.get(link.supply, link.supply)
        if link.kind is Source.order:
            out.append((supply, codes[link.source]))
        elif link.kind is Source.demand and snapshot.demand_kinds.get(link.source) == "order":
            out.append((supply, link.source.split(">", 1)[0]))
    return out
