"""Every problem with MRP's input at once, each naming its field, before anything is planned."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

from plantops.errors import FieldError
from plantops.masterdata.bom_graph import find_cycle
from plantops.planning.mrp.problem import Demand, Item, LotRule, MrpProblem, Supply

Where = tuple[str | int, ...]


class MrpInputError(ValueError):
    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__(
            "; ".join(f"{'/'.join(map(str, p.location))}: {p.message}" for p in problems)
        )
        self.problems = problems


def validate(problem: MrpProblem) -> None:
    """Raise MrpInputError listing every problem found; return when there is none."""
    found: list[FieldError] = []
    items = {item.code for item in problem.items}
    found += _duplicates(("items",), (item.code for item in problem.items), "item")
    for k, item in enumerate(problem.items):
        found += _item(("items", k), item)
    for k, bom in enumerate(problem.boms):
        where: Where = ("boms", k)
        if bom.item not in items:
            found.append(FieldError((*where, "item"), f"unknown item {bom.item!r}"))
        found += _positive((*where, "quantity"), bom.quantity)
        for n, line in enumerate(bom.lines):
            at: Where = (*where, "lines", n)
            if line.component not in items:
                found.append(FieldError((*at, "component"), f"unknown item {line.component!r}"))
            found += _positive((*at, "quantity_per"), line.quantity_per)
            if not 0 <= line.scrap_factor < 1:
                found.append(FieldError((*at, "scrap_factor"), "must be at least 0 and below 1"))
    found += _orders("demands", "demand", problem.demands, items)
    found += _orders("supplies", "supply", problem.supplies, items)
    cycle = find_cycle({b.item: [x.component for x in b.lines] for b in problem.boms})
    if cycle is not None:
        found.append(FieldError(("boms",), "the bills of materials loop: " + " -> ".join(cycle)))
    if found:
        raise MrpInputError(found)


def _orders(
    name: str, what: str, rows: Sequence[Demand | Supply], items: set[str]
) -> list[FieldError]:
    out = _duplicates((name,), (row.id for row in rows), what)
    for k, row in enumerate(rows):
        if row.item not in items:
            out.append(FieldError((name, k, "item"), f"unknown item {row.item!r}"))
        out += _positive((name, k, "quantity"), row.quantity)
    return out


def _item(where: Where, item: Item) -> list[FieldError]:
    out: list[FieldError] = []
    if item.lead_time_days < 0:
        out.append(FieldError((*where, "lead_time_days"), "must not be negative"))
    for name in ("safety_stock", "on_hand", "allocated"):
        if getattr(item, name) < 0:
            out.append(FieldError((*where, name), "must not be negative"))
    lot = item.lot
    needed = {LotRule.fixed: "fixed", LotRule.period: "periods"}.get(lot.rule)
    if needed and getattr(lot, needed) is None:
        out.append(FieldError((*where, "lot", needed), f"required by the {lot.rule} rule"))
    for name in ("fixed", "minimum", "maximum", "multiple", "periods"):
        value = getattr(lot, name)
        if value is not None:
            out += _positive((*where, "lot", name), value)
    if lot.minimum is not None and lot.maximum is not None and lot.minimum > lot.maximum:
        out.append(FieldError((*where, "lot", "maximum"), "must not be below the minimum"))
    return out


def _positive(where: Where, value: Decimal | int) -> list[FieldError]:
    return [] if value > 0 else [FieldError(where, "must be greater than 0")]


def _duplicates(where: Where, keys: Iterable[str], what: str) -> list[FieldError]:
    counts = Counter(keys)
    return [
        FieldError(where, f"{what} {key!r} appears {n} times") for key, n in counts.items() if n > 1
    ]
