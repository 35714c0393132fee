"""MRP: gross to net, level by level, from the finished goods down to the raw materials.

Items are planned in the order of their low-level codes (the deepest level each is used at),
so every requirement an item will ever get from its parents is known before it is netted.
A planned order of a made item puts the lines of its bill of materials, effective on its
release date, as requirements on the components on that date, each carrying its share of
the demands the order serves."""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import date
from decimal import Decimal

from plantops.masterdata.bom_graph import gross_quantity
from plantops.planning.mrp.levels import low_level_codes
from plantops.planning.mrp.lots import exact
from plantops.planning.mrp.netting import Netting, Requirement
from plantops.planning.mrp.problem import Bom, MrpProblem, Supply
from plantops.planning.mrp.result import (
    Bucket,
    Cover,
    ExceptionMessage,
    MrpResult,
    Peg,
    PlannedOrder,
)
from plantops.planning.mrp.validate import validate


def plan(problem: MrpProblem) -> MrpResult:
    """Planned orders, pegging, exception messages and records. Raises MrpInputError, with
    every problem of the input, before planning anything."""
    validate(problem)
    levels = low_level_codes(problem)
    boms: dict[str, list[Bom]] = defaultdict(list)
    for bom in sorted(problem.boms, key=lambda b: b.valid_from or date.min, reverse=True):
        boms[bom.item].append(bom)  # the most recent version first
    wanted: dict[str, list[Requirement]] = defaultdict(list)
    for d in problem.demands:
        wanted[d.item].append(Requirement(d.due, d.quantity, deque([(d.id, d.quantity)])))
    open_supply: dict[str, list[Supply]] = defaultdict(list)
    for s in problem.supplies:
        open_supply[s.item].append(s)
    orders: list[PlannedOrder] = []
    covers: dict[str, list[Cover]] = defaultdict(list)
    messages: list[ExceptionMessage] = []
    records: dict[str, tuple[Bucket, ...]] = {}
    pegs: dict[str, tuple[Peg, ...]] = {}
    for item in sorted(problem.items, key=lambda i: (levels[i.code], i.code)):
        netting = Netting(item, problem.calendar, problem.today, problem.defer_tolerance_days)
        done = netting.run(wanted.pop(item.code, []), open_supply.get(item.code, []))
        orders += done.orders
        for demand, cover in done.covers:
            covers[demand].append(cover)
        messages += done.messages
        records[item.code] = done.record
        pegs.update(done.supply_pegs)
        for order in done.orders:
            if item.make:
                _explode(order, boms.get(item.code, []), wanted)
    return MrpResult(
        planned_orders=tuple(orders),
        covers={demand: tuple(rows) for demand, rows in covers.items()},
        exceptions=tuple(messages),
        records=records,
        levels=levels,
        supply_pegs=pegs,
    )


def _explode(
    order: PlannedOrder, versions: list[Bom], wanted: dict[str, list[Requirement]]
) -> None:
    """The components of `order`, needed when it is released."""
    bom = next((b for b in versions if b.effective(order.release)), None)
    if bom is None:
        return
    for line in bom.lines:
        if not line.effective(order.release):
            continue
        quantity = exact(gross_quantity(line, order.quantity, bom.quantity))
        share = quantity / order.quantity
        served = deque((p.demand, exact(p.quantity * share)) for p in order.pegs)
        _balance(served, quantity, f"stock {order.item}")
        wanted[line.component].append(Requirement(order.release, quantity, served))


def _balance(served: deque[tuple[str, Decimal]], quantity: Decimal, surplus: str) -> None:
    """Make the shares add up to the requirement exactly: rounding, and the part of the
    order that no demand asked for (a lot size above the need), which goes to stock."""
    gap = quantity - sum((q for _, q in served), Decimal(0))
    if gap > 0:
        served.append((surplus, gap))
    while gap < 0:
        demand, q = served.pop()
        if q + gap > 0:
            served.append((demand, q + gap))
            break
        gap += q
