"""MRP: gross to net, level by level, from the finished goods down to the raw materials.

Items are planned in the order of their low-level codes (the deepest level each is used at),
so every requirement an item will ever get from its parents is known before it is netted.
A planned order of a made item puts the lines of its bill of materials, effective on its
release date, as requirements on the components on that date."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from plantops.masterdata.bom_graph import in_effect
from plantops.planning.mrp.levels import low_level_codes
from plantops.planning.mrp.lots import Lots
from plantops.planning.mrp.messages import Records, messages
from plantops.planning.mrp.netting import Lot, Netting, Want
from plantops.planning.mrp.problem import Bom, MrpProblem
from plantops.planning.mrp.result import (
    ExceptionMessage,
    Links,
    MrpResult,
    PlannedOrder,
    Source,
)
from plantops.planning.mrp.units import SCALE, to_quantity, to_units
from plantops.planning.mrp.validate import validate

# a bill in units: (quantity made, [(component, quantity per x SCALE, quantity made x
# (SCALE - scrap), from, to)], from, to): a component's units are ceil(size x a / b)
Bill = tuple[int, list[tuple[str, int, int, date | None, date | None]], date | None, date | None]


def plan(problem: MrpProblem) -> MrpResult:
    """Planned orders, links, exception messages and records. Raises MrpInputError, with
    every problem of the input, before planning anything."""
    validate(problem)
    with _no_cycle_collection():
        return _plan(problem)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A plant's plan allocates millions of small objects, none in a reference cycle; the
    cyclic collector's full passes over them, again and again as they pile up, made the
    50,000-item plan three times slower. Turned back on (if it was on) when done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan(problem: MrpProblem) -> MrpResult:
    levels = low_level_codes(problem)
    bills = _bills(problem.boms)
    wanted: dict[str, list[Want]] = defaultdict(list)
    for d in problem.demands:
        wanted[d.item].append((d.due, to_units(d.quantity), Source.demand, d.id))
    open_supply: dict[str, list[tuple[str, int, date]]] = defaultdict(list)
    for s in problem.supplies:
        open_supply[s.item].append((s.id, to_units(s.quantity), s.due))
    orders: list[PlannedOrder] = []
    links = Links()
    alerts: list[ExceptionMessage] = []
    cal, today = problem.calendar, problem.today
    records = Records(cal, orders)
    for item in sorted(problem.items, key=lambda i: (levels[i.code], i.code)):
        netting = Netting(item, cal, today, Lots.of(item.lot), links, problem.frozen_until)
        netted = netting.run(wanted.pop(item.code, []), open_supply.get(item.code, []))
        code = item.code
        alerts += messages(item, netted, cal, today, problem.defer_tolerance_days)
        records.add(item, netted, len(orders))
        for lot in netted.planned:
            size = to_quantity(lot.size)
            orders.append(PlannedOrder(lot.id, code, item.make, size, lot.release, lot.due))
            if item.make and code in bills:
                _explode(lot, bills[code], wanted)
    return MrpResult(tuple(orders), links, tuple(alerts), records, levels)


def _bills(boms: tuple[Bom, ...]) -> dict[str, list[Bill]]:
    """Every item's bills in units, the most recent version first."""
    out: dict[str, list[Bill]] = defaultdict(list)
    for bom in sorted(boms, key=lambda b: b.valid_from or date.min, reverse=True):
        made = to_units(bom.quantity)
        lines = [
            (
                x.component,
                to_units(x.quantity_per) * SCALE,
                made * (SCALE - to_units(x.scrap_factor)),
                x.valid_from,
                x.valid_to,
            )
            for x in bom.lines
        ]
        out[bom.item].append((made, lines, bom.valid_from, bom.valid_to))
    return out


def _explode(lot: Lot, bills: list[Bill], wanted: dict[str, list[Want]]) -> None:
    """The components of a planned order, needed when it is released: quantity per, over
    the quantity the bill makes, grossed up by scrap (q / (1 - scrap)), rounded up. (The
    hottest loop of a plant's plan: half a million orders at 50,000 items.)"""
    release, size, order, kind = lot.release, lot.size, lot.id, Source.order
    bill = next((b for b in bills if in_effect(release, b[2], b[3])), None)
    if bill is None:
        return
    for component, per, divisor, start, end in bill[1]:
        if (start is not None and release < start) or (end is not None and release > end):
            continue
        wanted[component].append((release, -(-(size * per) // divisor), kind, order))
