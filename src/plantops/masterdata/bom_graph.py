"""Pure BOM logic: cycle detection and multi-level explosion (no database)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


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
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            mark = state.get(child)
            if mark == 1:
                return [*path[path.index(child) :], child]
            if mark is None:
                state[child] = 1
                path.append(child)
                stack.append(iter(edges.get(child, ())))
    return None


@dataclass(frozen=True)
class BomLine:
    component: str
    quantity_per: Decimal
    scrap_factor: Decimal = Decimal(0)
    valid_from: date | None = None
    valid_to: date | None = None

    def effective(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@dataclass(frozen=True)
class Bom:
    item: str
    quantity: Decimal  # parent quantity the lines make
    lines: tuple[BomLine, ...]


@dataclass(frozen=True)
class Requirement:
    item: str
    level: int  # 1 = direct component
    quantity: Decimal


def gross_quantity(line: BomLine, parent_quantity: Decimal, bom_quantity: Decimal) -> Decimal:
    """Component quantity for `parent_quantity`, grossed up so that after the scrap share is
    lost the net quantity remains: q / (1 - scrap)."""
    return parent_quantity * line.quantity_per / bom_quantity / (1 - line.scrap_factor)


def explode(
    boms: Mapping[str, Bom], item: str, quantity: Decimal, on: date, *, max_depth: int = 64
) -> list[Requirement]:
    """Every component requirement under `item`, level by level, lines effective on `on`.

    Raises ValueError naming the path if the structure cycles (deeper than max_depth)."""
    result: list[Requirement] = []
    frontier: list[tuple[str, Decimal, tuple[str, ...]]] = [(item, quantity, (item,))]
    level = 0
    while frontier:
        level += 1
        next_frontier: list[tuple[str, Decimal, tuple[str, ...]]] = []
        for parent, parent_quantity, path in frontier:
            bom = boms.get(parent)
            if bom is None:
                continue
            for line in bom.lines:
                if not line.effective(on):
                    continue
                if line.component in path or level > max_depth:
                    cycle = " -> ".join((*path, line.component))
                    raise ValueError(f"BOM cycle: {cycle}")
                needed = gross_quantity(line, parent_quantity, bom.quantity)
                result.append(Requirement(line.component, level, needed))
                next_frontier.append((line.component, needed, (*path, line.component)))
        frontier = next_frontier
    return result
