"""Low-level codes: the deepest level at which each item appears in any bill of materials."""

from __future__ import annotations

from graphlib import TopologicalSorter

from plantops.planning.mrp.problem import MrpProblem


def low_level_codes(problem: MrpProblem) -> dict[str, int]:
    """0 for an item no bill of materials uses; otherwise one more than its deepest parent.
    Every version of every bill counts (validation has ruled out loops)."""
    graph: TopologicalSorter[str] = TopologicalSorter({item.code: () for item in problem.items})
    components: dict[str, set[str]] = {}
    for bom in problem.boms:
        for line in bom.lines:
            graph.add(line.component, bom.item)
            components.setdefault(bom.item, set()).add(line.component)
    level = {item.code: 0 for item in problem.items}
    for parent in graph.static_order():  # parents before their components
        for child in components.get(parent, ()):
            level[child] = max(level[child], level[parent] + 1)
    return level
