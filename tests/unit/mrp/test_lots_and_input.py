"""Lot sizing, effectivity dates and input errors. Monday to Friday; today Monday 5 January
2026."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from plantops.masterdata.bom_graph import BomLine
from plantops.planning.mrp import (
    Bom,
    Demand,
    Item,
    LotRule,
    LotSizing,
    MrpInputError,
    MrpProblem,
    Supply,
    plan,
)
from plantops.planning.mrp.lots import Lots
from plantops.planning.mrp.units import shown, to_units
from tests.unit.mrp.support import MON, day


@pytest.mark.parametrize(
    ("lot", "net", "expected"),
    [
        (LotSizing(), D("7.5"), [D("7.5")]),
        (LotSizing(LotRule.fixed, fixed=D(100)), D(250), [D(100)] * 3),
        (LotSizing(LotRule.fixed, fixed=D(100)), D(100), [D(100)]),
        # at least 10, in fours: 7 -> 10 -> 12
        (LotSizing(LotRule.min_max_multiple, minimum=D(10), multiple=D(4)), D(7), [D(12)]),
        # at most 50, in twenties: 130 -> 40 + 40 + 40 + 20 (an order of 50 is no multiple)
        (
            LotSizing(LotRule.min_max_multiple, maximum=D(50), multiple=D(20)),
            D(130),
            [D(40), D(40), D(40), D(20)],
        ),
        (LotSizing(LotRule.min_max_multiple, maximum=D(30)), D(70), [D(30), D(30), D(10)]),
    ],
)
def test_lot_rules(lot: LotSizing, net: D, expected: list[D]) -> None:
    assert Lots.of(lot).orders(to_units(net)) == [to_units(q) for q in expected]


def test_period_order_quantity_covers_the_net_requirements_of_its_periods() -> None:
    # Five working days per order: the order due Mon 5 covers Mon 5 to Fri 9 (10 + 20);
    # Mon 12 starts the next period: an order of 5 + 8 (Fri 16); 4 on Mon 19 a third.
    h = Item("H", make=True, lot=LotSizing(LotRule.period, periods=5))
    demands = tuple(
        Demand(f"d{n}", "H", D(q), day(n)) for n, q in ((5, 10), (7, 20), (12, 5), (16, 8), (19, 4))
    )
    result = plan(MrpProblem(items=(h,), demands=demands, today=MON))
    assert [(o.quantity, o.due) for o in result.planned_orders] == [
        (D(30), day(5)),
        (D(13), day(12)),
        (D(4), day(19)),
    ]


def test_bom_lines_and_versions_follow_the_release_date() -> None:
    # K (lead time 1) uses X until Tue 6 and Y from Wed 7 (line dates); from Mon 12 a new
    # version of the bill uses Z. Orders of K due Wed 7, Thu 8 and Tue 13 are released
    # Tue 6, Wed 7 and Mon 12.
    k = Item("K", make=True, lead_time_days=1)
    parts = [Item(code, make=False) for code in "XYZ"]
    boms = (
        Bom(
            "K",
            (BomLine("X", D(1), valid_to=day(6)), BomLine("Y", D(2), valid_from=day(7))),
            valid_to=day(11),
        ),
        Bom("K", (BomLine("Z", D(3)),), valid_from=day(12)),
    )
    demands = tuple(Demand(f"d{n}", "K", D(1), day(n)) for n in (7, 8, 13))
    result = plan(MrpProblem(items=(k, *parts), boms=boms, demands=demands, today=MON))
    released = sorted(o.release for o in result.planned_orders if o.item == "K")
    assert released == [day(6), day(7), day(12)]
    parts_ordered = sorted(
        (o.item, o.due, o.quantity) for o in result.planned_orders if o.item != "K"
    )
    assert parts_ordered == [("X", day(6), D(1)), ("Y", day(7), D(2)), ("Z", day(12), D(3))]


def test_every_input_problem_is_reported_at_once_and_nothing_is_planned() -> None:
    items = (
        Item("A", make=True, lead_time_days=-1),
        Item("B", make=False, lot=LotSizing(LotRule.fixed)),
        Item("A", make=False),
    )
    boms = (
        Bom("A", (BomLine("B", D(1)), BomLine("Q", D(1)))),
        Bom("B", (BomLine("A", D(0)),)),
    )
    problem = MrpProblem(
        items=items,
        boms=boms,
        demands=(Demand("d", "NOPE", D(1), MON),),
        supplies=(Supply("s", "A", D(-2), MON),),
        today=MON,
    )
    with pytest.raises(MrpInputError) as caught:
        plan(problem)
    found = {(p.location, p.message) for p in caught.value.problems}
    assert found == {
        (("items",), "item 'A' appears 2 times"),
        (("items", 0, "lead_time_days"), "must not be negative"),
        (("items", 1, "lot", "fixed"), "required by the fixed rule"),
        (("boms", 0, "lines", 1, "component"), "unknown item 'Q'"),
        (("boms", 1, "lines", 0, "quantity_per"), "must be greater than 0"),
        (("demands", 0, "item"), "unknown item 'NOPE'"),
        (("supplies", 0, "quantity"), "must be greater than 0"),
        (("boms",), "the bills of materials loop: A -> B -> A"),
    }


def test_quantities_in_messages_are_written_as_people_write_them() -> None:
    assert [shown(D(x)) for x in ("20.000000", "100", "2.500000", "0.000000")] == [
        "20",
        "100",
        "2.5",
        "0",
    ]
