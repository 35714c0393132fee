"""Pegging across levels, from MRP's one-level links: which demands a supply serves (up
through the parent orders that need it), and which supplies, at every level, go into a
demand (down through the components of the orders that meet it)."""

from __future__ import annotations

from collections import defaultdict, deque
from decimal import Decimal

from plantops.planning.mrp.result import Cover, Link, MrpResult, PlannedOrder, Source
from plantops.planning.mrp.units import to_quantity, to_units


class Pegging:
    def __init__(self, result: MrpResult) -> None:
        self._orders: dict[str, PlannedOrder] = {o.id: o for o in result.planned_orders}
        self._from: dict[tuple[str, str], list[Link]] = defaultdict(list)  # (item, supply)
        self._for: dict[tuple[Source, str], list[Link]] = defaultdict(list)  # (kind, source)
        for link in result.links:
            self._from[link.item, link.supply].append(link)
            self._for[link.kind, link.source].append(link)
        self._served: dict[str, dict[str, int]] = {}

    def served(self, item: str, supply: str) -> dict[str, Decimal]:
        """The demands and reserves `supply` of `item` ends up serving, in the item's units
        (its unlinked rest, lot size above the need, serves none and goes to stock)."""
        return {key: to_quantity(units) for key, units in self._up(item, supply).items()}

    def _up(self, item: str, supply: str) -> dict[str, int]:
        key = f"{item}\0{supply}"
        if key in self._served:
            return self._served[key]
        out: dict[str, int] = defaultdict(int)
        for link in self._from[item, supply]:
            units = link.units
            if link.kind != Source.order:
                out[link.source if link.kind == Source.demand else f"{link.source} {item}"] += units
                continue
            parent = self._orders[link.source]
            size = to_units(parent.quantity)
            for demand, share in self._up(parent.item, parent.id).items():
                out[demand] += units * share // size  # this link's part of the parent's share
        self._served[key] = out
        return out

    def covered(self, demand: str) -> list[Cover]:
        """Every supply that goes into `demand`: of its own item, then of the components of
        the planned orders among them, level by level, in the quantities the demand's part
        of each order needs."""
        out: list[Cover] = []
        todo = deque((link, Decimal(1)) for link in self._for[Source.demand, demand])
        while todo:
            link, share = todo.popleft()
            out.append(Cover(link.supply, link.item, to_quantity(to_units(link.quantity * share))))
            order = self._orders.get(link.supply)
            if order is not None and order.item == link.item:
                part = link.quantity * share / order.quantity
                todo += [(child, part) for child in self._for[Source.order, order.id]]
        return out
