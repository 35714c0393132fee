"""The pure BOM module: cycle detection, multi-level explosion, scrap grossing, effectivity."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantops.masterdata.bom_graph import (
    Bom,
    BomLine,
    Requirement,
    explode,
    find_cycle,
    gross_quantity,
)

D = Decimal
TODAY = date(2026, 6, 1)


def bom(item: str, *lines: BomLine, quantity: str = "1") -> Bom:
    return Bom(item, D(quantity), lines)


def totals(requirements: list[Requirement]) -> dict[str, Decimal]:
    summed: dict[str, Decimal] = defaultdict(Decimal)
    for requirement in requirements:
        summed[requirement.item] += requirement.quantity
    return dict(summed)


# --- explosion -------------------------------------------------------------------------------

# A bicycle: two wheels and a frame; each wheel and the frame take bolts (a shared component).
BIKE = {
    "bike": bom("bike", BomLine("wheel", D(2)), BomLine("frame", D(1)), BomLine("bolt", D(2))),
    "wheel": bom("wheel", BomLine("spoke", D(32)), BomLine("rim", D(1)), BomLine("bolt", D(1))),
    "frame": bom("frame", BomLine("tube", D("2.5")), BomLine("bolt", D(4))),
}


def test_multi_level_explosion_with_a_shared_component() -> None:
    requirements = explode(BIKE, "bike", D(10), TODAY)
    # Level 1: 20 wheels, 10 frames. Level 2 per 10 bikes:
    # wheels 20 x (32 spokes, 1 rim, 1 bolt); frame 10 x (2.5 tubes, 4 bolts).
    # The shared bolt is used at levels 1 and 2: it appears once, at its low-level code 2,
    # with the sum over its parents: 10 x 2 (bike) + 20 x 1 (wheels) + 10 x 4 (frame) = 80.
    assert {r.item: (r.level, r.quantity) for r in requirements} == {
        "wheel": (1, D(20)),
        "frame": (1, D(10)),
        "spoke": (2, D(640)),
        "rim": (2, D(20)),
        "bolt": (2, D(80)),
        "tube": (2, D(25)),
    }
    assert [r.level for r in requirements] == [1, 1, 2, 2, 2, 2]  # level by level


def test_bom_quantity_scales_the_lines() -> None:
    # The BOM makes 4 boards from 1 sheet: 10 boards need 2.5 sheets.
    boms = {"board": bom("board", BomLine("sheet", D(1)), quantity="4")}
    assert explode(boms, "board", D(10), TODAY) == [Requirement("sheet", 1, D("2.5"))]


def test_scrap_factor_grosses_up_the_quantity() -> None:
    line = BomLine("blank", D(2), scrap_factor=D("0.2"))
    # 5 parents x 2 = 10 net; 20 % are lost, so 10 / (1 - 0.2) = 12.5 are issued.
    assert gross_quantity(line, D(5), D(1)) == D("12.5")
    assert gross_quantity(BomLine("blank", D(2)), D(5), D(1)) == D(10)
    # Grossing compounds over levels: 12.5 blanks, each needing 1 bar at 50 % scrap -> 25 bars.
    boms = {
        "part": bom("part", line),
        "blank": bom("blank", BomLine("bar", D(1), scrap_factor=D("0.5"))),
    }
    assert explode(boms, "part", D(5), TODAY) == [
        Requirement("blank", 1, D("12.5")),
        Requirement("bar", 2, D(25)),
    ]


def test_effectivity_dates_pick_the_lines_of_the_day() -> None:
    old = BomLine("motor-a", D(1), valid_to=date(2026, 6, 30))
    new = BomLine("motor-b", D(1), valid_from=date(2026, 7, 1))
    always = BomLine("cable", D(3))
    boms = {"pump": bom("pump", old, new, always)}
    assert totals(explode(boms, "pump", D(1), date(2026, 6, 30))) == {
        "motor-a": D(1),
        "cable": D(3),
    }
    assert totals(explode(boms, "pump", D(1), date(2026, 7, 1))) == {"motor-b": D(1), "cable": D(3)}
    # Both ends of the validity are inclusive.
    assert old.effective(date(2026, 6, 30)) and not old.effective(date(2026, 7, 1))
    assert new.effective(date(2026, 7, 1)) and not new.effective(date(2026, 6, 30))


def test_an_ineffective_line_hides_its_whole_subtree() -> None:
    boms = {
        "a": bom("a", BomLine("b", D(1), valid_from=date(2027, 1, 1))),
        "b": bom("b", BomLine("c", D(1))),
    }
    assert explode(boms, "a", D(1), TODAY) == []


def test_purchased_item_has_no_requirements() -> None:
    assert explode(BIKE, "bolt", D(100), TODAY) == []


def test_explosion_reports_a_cycle_with_its_path() -> None:
    boms = {
        "a": bom("a", BomLine("b", D(1))),
        "b": bom("b", BomLine("c", D(1))),
        "c": bom("c", BomLine("a", D(1))),
    }
    with pytest.raises(ValueError, match="BOM cycle: a -> b -> c -> a"):
        explode(boms, "a", D(1), TODAY)


def test_explosion_stops_at_max_depth_without_calling_it_a_cycle() -> None:
    chain = {f"i{n}": bom(f"i{n}", BomLine(f"i{n + 1}", D(1))) for n in range(50_000)}
    with pytest.raises(ValueError, match="deeper than 64 levels") as caught:
        explode(chain, "i0", D(1), TODAY)
    assert "cycle" not in str(caught.value)
    # 100 levels are fine when allowed.
    requirements = explode(chain, "i49900", D(1), TODAY, max_depth=100)
    assert [r.level for r in requirements] == list(range(1, 101))


# --- cycles ----------------------------------------------------------------------------------


def test_find_cycle_reports_the_path() -> None:
    edges = {1: [2, 3], 2: [4], 3: [4], 4: [5], 5: [3]}
    # Depth first in edge order: 1 -> 2 -> 4 -> 5 -> 3 -> 4 closes the loop at 4.
    assert find_cycle(edges) == [4, 5, 3, 4]
    assert find_cycle({7: [7]}) == [7, 7]  # an item in its own BOM
    assert find_cycle({1: [2, 3], 2: [4], 3: [4]}) is None  # a diamond is no cycle
    assert find_cycle({}) is None


def test_a_50000_item_chain_does_not_overflow_the_stack() -> None:
    chain = {n: [n + 1] for n in range(50_000)}
    assert find_cycle(chain) is None
    chain[50_000] = [0]
    cycle = find_cycle(chain)
    assert cycle is not None
    assert cycle[0] == cycle[-1] == 0
    assert len(cycle) == 50_002


@st.composite
def dags(draw: st.DrawFn, max_size: int = 40) -> dict[int, list[int]]:
    """Random DAGs: edges only go from a lower to a higher number."""
    size = draw(st.integers(1, max_size))
    edges: dict[int, list[int]] = {}
    for node in range(size - 1):
        children = draw(st.lists(st.integers(node + 1, size - 1), max_size=4, unique=True))
        if children:
            edges[node] = children
    return edges


def reachable(edges: dict[int, list[int]], start: int) -> set[int]:
    seen, todo = set(), [start]
    while todo:
        for child in edges.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def is_cycle(edges: dict[int, list[int]], path: list[int]) -> bool:
    return (
        len(path) >= 2
        and path[0] == path[-1]
        and all(b in edges.get(a, []) for a, b in pairwise(path))
    )


@settings(max_examples=200, deadline=None)
@given(dags())
def test_random_dags_have_no_cycle(edges: dict[int, list[int]]) -> None:
    assert find_cycle(edges) is None


@settings(max_examples=200, deadline=None)
@given(dags(), st.data())
def test_a_back_edge_makes_a_cycle_that_is_found(
    edges: dict[int, list[int]], data: st.DataObject
) -> None:
    ancestors = [node for node in edges if reachable(edges, node)]
    if not ancestors:
        edges = {0: [1]}
        ancestors = [0]
    ancestor = data.draw(st.sampled_from(ancestors))
    descendant = data.draw(st.sampled_from(sorted(reachable(edges, ancestor))))
    edges.setdefault(descendant, []).append(ancestor)
    cycle = find_cycle(edges)
    assert cycle is not None
    assert is_cycle(edges, cycle)


@settings(max_examples=100, deadline=None)
@given(dags(max_size=10), st.integers(1, 1000))  # the reference roll-up walks every path
def test_explosion_of_a_dag_matches_a_recursive_roll_up(
    edges: dict[int, list[int]], quantity: int
) -> None:
    boms = {
        f"n{parent}": bom(f"n{parent}", *(BomLine(f"n{c}", D(c % 3 + 1)) for c in children))
        for parent, children in edges.items()
    }

    def rolled(item: int, amount: Decimal, into: dict[str, Decimal]) -> None:
        for child in edges.get(item, []):
            needed = amount * (child % 3 + 1)
            into[f"n{child}"] = into.get(f"n{child}", D(0)) + needed
            rolled(child, needed, into)

    expected: dict[str, Decimal] = {}
    rolled(0, D(quantity), expected)
    assert totals(explode(boms, "n0", D(quantity), TODAY)) == expected


def test_heavily_shared_sub_assemblies_explode_in_linear_time() -> None:
    # 40 levels where each level uses the next one twice, through two parents: 2^40 paths.
    boms = {
        f"l{n}": bom(f"l{n}", BomLine(f"a{n}", D(1)), BomLine(f"b{n}", D(1))) for n in range(40)
    }
    for n in range(40):
        boms[f"a{n}"] = bom(f"a{n}", BomLine(f"l{n + 1}", D(1)))
        boms[f"b{n}"] = bom(f"b{n}", BomLine(f"l{n + 1}", D(1)))
    requirements = {r.item: r for r in explode(boms, "l0", D(1), TODAY, max_depth=100)}
    assert requirements["l40"].quantity == D(2**40)
    assert requirements["l40"].level == 80
