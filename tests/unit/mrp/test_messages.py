"""Exception messages and safety stock, worked by hand. Monday to Friday; today Monday 5
January 2026; defer tolerance 5 working days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from plantops.masterdata.bom_graph import BomLine
from plantops.planning.mrp import (
    ON_HAND,
    Bom,
    Cover,
    Demand,
    ExceptionKind,
    Item,
    MrpProblem,
    Pegging,
    Supply,
    plan,
)
from tests.unit.mrp.support import MON, day


def test_safety_stock_is_kept_and_open_orders_are_expedited_before_anything_new() -> None:
    # B: 15 on hand, safety stock 20. Open: PO2 30 due Fri 9, PO1 50 due Tue 20.
    #   Today the reserve wants 20: 15 from stock, 5 from PO2 (due Fri 9): expedite to today.
    #   Mon 12 wants 40: the other 25 of PO2, then 15 of PO1 (due Tue 20): expedite to Mon 12.
    #   Nothing new is planned; 35 of PO1 are left over (not a cancel: it is partly used).
    b = Item("B", make=False, lead_time_days=5, safety_stock=D(20), on_hand=D(15))
    supplies = (Supply("PO1", "B", D(50), day(20)), Supply("PO2", "B", D(30), day(9)))
    result = plan(
        MrpProblem(
            items=(b,), supplies=supplies, demands=(Demand("so", "B", D(40), day(12)),), today=MON
        )
    )
    assert result.planned_orders == ()
    kinds = [(e.kind, e.order, e.day, e.to) for e in result.exceptions]
    assert kinds == [
        (ExceptionKind.below_safety_stock, None, MON, None),
        (ExceptionKind.expedite, "PO1", day(20), day(12)),
        (ExceptionKind.expedite, "PO2", day(9), MON),
    ]
    pegging = Pegging(result)
    assert pegging.covered("so") == [Cover("PO2", "B", D(25)), Cover("PO1", "B", D(15))]
    assert pegging.served("B", ON_HAND) == {"safety stock B": D(15)}
    assert pegging.served("B", "PO2") == {"safety stock B": D(5), "so": D(25)}
    assert pegging.served("B", "PO1") == {"so": D(15)}
    # the record shows open supply where it is due: below zero until PO2 arrives
    record = {bucket.day: bucket.projected for bucket in result.records["B"]}
    assert record == {day(9): D(45), day(12): D(5), day(20): D(55)}


def test_defer_cancel_and_past_due_open_supply() -> None:
    # E: 100 on hand; demand 105 on Mon 26. Stock covers 100; the other 5 come from the
    #   earliest open supply, PO5, due Tue 30 December: past due, and not needed before
    #   Mon 26, well after Tue 30 December + 5 working days: defer to Mon 26 as well.
    #   PO3 (due Tue 6) and PO4 (due Wed 7) are never needed: cancel.
    # F: nothing on hand; PO6 10 due Tue 6, PO7 10 due Wed 14; demands Thu 15 and Mon 19.
    #   PO6 serves Thu 15: later than Tue 6 + 5 working days (Tue 13): defer to Thu 15.
    #   PO7 serves Mon 19: within Wed 14 + 5 working days (Wed 21): left where it is.
    e = Item("E", make=False, on_hand=D(100))
    f = Item("F", make=False)
    supplies = (
        Supply("PO3", "E", D(10), day(6)),
        Supply("PO4", "E", D(10), day(7)),
        Supply("PO5", "E", D(10), date(2025, 12, 30)),
        Supply("PO6", "F", D(10), day(6)),
        Supply("PO7", "F", D(10), day(14)),
    )
    demands = (
        Demand("d1", "E", D(105), day(26)),
        Demand("d2", "F", D(10), day(19)),
        Demand("d3", "F", D(10), day(15)),
    )
    result = plan(MrpProblem(items=(e, f), supplies=supplies, demands=demands, today=MON))
    kinds = {(e.kind, e.order): (e.day, e.to) for e in result.exceptions}
    assert kinds == {
        (ExceptionKind.cancel, "PO3"): (day(6), None),
        (ExceptionKind.cancel, "PO4"): (day(7), None),
        (ExceptionKind.past_due, "PO5"): (date(2025, 12, 30), None),
        (ExceptionKind.defer, "PO5"): (date(2025, 12, 30), day(26)),
        (ExceptionKind.defer, "PO6"): (day(6), day(15)),
    }
    assert Pegging(result).covered("d3") == [Cover("PO6", "F", D(10))]
    assert result.planned_orders == ()


def test_stock_promised_beyond_what_is_on_hand_is_a_requirement_today() -> None:
    # G: 10 on hand, 15 allocated: 5 short now. Lead time 0: order G/1 5 due and released today.
    g = Item("G", make=True, on_hand=D(10), allocated=D(15))
    result = plan(MrpProblem(items=(g,), today=MON))
    [order] = result.planned_orders
    assert (order.quantity, order.due, order.release) == (D(5), MON, MON)
    assert Pegging(result).served("G", "G/1") == {"allocated G": D(5)}


def test_nothing_new_is_released_inside_the_frozen_fence() -> None:
    # A (made, lead time 2) needs 1 B (bought, lead time 3) each. Fence: releases from Fri 9
    #   (3 working days after Mon 5 in the site's policy). Demand: 10 A on Tue 6, 10 A on
    #   Thu 22.
    # A for Tue 6 would be released Fri 2 (past): moved to Fri 9, due Tue 13, expedite to
    #   Tue 6. A for Thu 22: released Tue 20, outside the fence, on time.
    # B for A/1's release (Fri 9) would be released Tue 6: moved to Fri 9, due Wed 14, a
    #   day after A/1 needs it: expedite to Fri 9. B for A/2 (Tue 20): released Thu 15.
    a = Item("A", make=True, lead_time_days=2)
    b = Item("B", make=False, lead_time_days=3)
    bom = Bom("A", (BomLine("B", D(1)),))
    demands = (Demand("d1", "A", D(10), day(6)), Demand("d2", "A", D(10), day(22)))
    problem = MrpProblem((a, b), (bom,), demands, today=MON, frozen_until=day(9))
    result = plan(problem)
    orders = {o.id: (o.release, o.due) for o in result.planned_orders}
    assert orders == {
        "A/1": (day(9), day(13)),
        "A/2": (day(20), day(22)),
        "B/1": (day(9), day(14)),
        "B/2": (day(15), day(20)),
    }
    late = [(e.kind, e.order, e.day, e.to) for e in result.exceptions]
    assert late == [
        (ExceptionKind.expedite, "A/1", day(13), day(6)),
        (ExceptionKind.expedite, "B/1", day(14), day(9)),
    ]
    # without a fence the same plan releases A/1 in the past: past due, to be released today
    plain = plan(MrpProblem((a, b), (bom,), demands, today=MON))
    assert [(e.kind, e.order, e.to) for e in plain.exceptions] == [
        (ExceptionKind.past_due, "A/1", MON),
        (ExceptionKind.past_due, "B/1", MON),
    ]
