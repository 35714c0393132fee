"""Pure BOM logic: cycle detection and multi-level explosion (no database)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar, cast

Node = TypeVar("Node", bound=Hashable)


_DONE: object = object()  # end of a node's children (None may be a node)


def find_cycle(edges: Mapping[Node, Iterable[Node]]) -> list[Node] | None:
    """A path parent -> ... -> parent if the graph has a cycle, else None.

    Iterative depth-first search with three colours, so a 50,000-item BOM cannot overflow the
    stack; deterministic for a given edge order."""
    state: dict[Node, int] = {}  # 1 on the current path, 2 finished
    for start in edges:
        if state.get(start):
            continue
        path: list[Node] = [start]
        stack = [iter(edges.get(start, ()))]
        state[start] = 1
        while stack:
            step = next(stack[-1], _DONE)
            if step is _DONE:
                state[path.pop()] = 2
                stack.pop()
                continue
            child = cast(Node, step)
            mark = state.get(child)
            if mark == 1:
                return [*path[path.index(child) :], child]
            if mark is None:
                state[child] = 1
                path.append(child)
                stack.append(iter(edges.get(child, ())))
    return None


def in_effect(on: date, valid_from: date | None, valid_to: date | None) -> bool:
    """Whether a dated row (a BOM line, a BOM version) applies on `on`; None: open-ended."""
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)


@dataclass(frozen=True)
class BomLine:
    component: str
    quantity_per: Decimal
    scrap_factor: Decimal = Decimal(0)
    valid_from: date | None = None
    valid_to: date | None = None

    def effective(self, on: date) -> bool:
        return in_effect(on, self.valid_from, self.valid_to)


@dataclass(frozen=True)
class Bom:
    item: str
    quantity: Decimal  # parent quantity the lines make
    lines: tuple[BomLine, ...]


@dataclass(frozen=True)
class Requirement:
    item: str
    level: int  # low-level code: 1 = used only directly under the exploded item
    quantity: Decimal


def gross_quantity(line: BomLine, parent_quantity: Decimal, bom_quantity: Decimal) -> Decimal:
    """Component quantity for `parent_quantity`, grossed up so that after the scrap share is
    lost the net quantity remains: q / (1 - scrap)."""
    return parent_quantity * line.quantity_per / bom_quantity / (1 - line.scrap_factor)


def _structure(
    boms: Mapping[str, Bom], item: str, on: date
) -> tuple[dict[str, list[BomLine]], list[str]]:
    """The lines effective on `on` below `item`, and the items in topological order."""
    lines: dict[str, list[BomLine]] = {}
    stack, seen = [item], {item}
    while stack:
        parent = stack.pop()
        bom = boms.get(parent)
        effective = [line for line in bom.lines if line.effective(on)] if bom else []
        lines[parent] = effective
        for line in effective:
            if line.component not in seen:
                seen.add(line.component)
                stack.append(line.component)
    cycle = find_cycle({parent: [x.component for x in rows] for parent, rows in lines.items()})
    if cycle is not None:
        raise ValueError("BOM cycle: " + " -> ".join(cycle))
    return lines, _topological(item, lines)


def _topological(item: str, lines: Mapping[str, list[BomLine]]) -> list[str]:
    waiting = {node: 0 for node in lines}
    for rows in lines.values():
        for line in rows:
            waiting[line.component] += 1
    order, ready = [], [item]
    while ready:
        node = ready.pop()
        order.append(node)
        for line in reversed(lines[node]):
            waiting[line.component] -= 1
            if waiting[line.component] == 0:
                ready.append(line.component)
    return order


def explode(
    boms: Mapping[str, Bom], item: str, quantity: Decimal, on: date, *, max_depth: int = 64
) -> list[Requirement]:
    """The total requirement of every component under `item`, lines effective on `on`.

    Each component appears once, at its low-level code (the deepest level it is used at in
    this structure), with the sum over every parent: the textbook MRP explosion, linear in
    the size of the structure however much sub-assemblies are shared. Raises ValueError with
    the path on a cycle, or when the structure is deeper than max_depth levels."""
    lines, order = _structure(boms, item, on)
    level = dict.fromkeys(order, 0)
    total = dict.fromkeys(order, Decimal(0))
    total[item] = quantity
    for parent in order:
        bom_quantity = boms[parent].quantity if parent in boms else Decimal(1)
        for line in lines[parent]:
            level[line.component] = max(level[line.component], level[parent] + 1)
            total[line.component] += gross_quantity(line, total[parent], bom_quantity)
    if max(level.values()) > max_depth:
        raise ValueError(f"BOM of {item} is deeper than {max_depth} levels")
    rank = {node: index for index, node in enumerate(order)}
    components = sorted((n for n in order if n != item), key=lambda n: (level[n], rank[n]))
    return [Requirement(n, level[n], total[n]) for n in components]
