"""MRP records worked out by hand, the way textbooks teach them. Calendar: Monday to Friday;
today is Monday 5 January 2026 unless a test says otherwise."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from plantops.masterdata.bom_graph import BomLine
from plantops.planning.mrp import (
    ON_HAND,
    Bom,
    Bucket,
    Cover,
    Demand,
    ExceptionKind,
    Item,
    LotRule,
    LotSizing,
    MrpProblem,
    Pegging,
    WorkingDays,
    plan,
)
from tests.unit.mrp.support import MON, day


def test_lot_for_lot_with_stock_and_a_lead_time_across_a_weekend() -> None:
    # A: 50 on hand, lead time 2 working days, lot for lot.
    #   Wed 7: gross 30 -> 50 - 30 = 20 left.
    #   Fri 9: gross 40 -> 20 from stock, net 20: order 20 due Fri 9, released Wed 7.
    #   Tue 13: gross 25 -> net 25: order due Tue 13, released 2 working days before:
    #           Mon 12 (1), Fri 9 (2): the weekend does not count.
    a = Item("A", make=True, lead_time_days=2, on_hand=D(50))
    demands = (
        Demand("so1", "A", D(30), day(7)),
        Demand("so2", "A", D(40), day(9)),
        Demand("so3", "A", D(25), day(13)),
    )
    result = plan(MrpProblem(items=(a,), demands=demands, today=MON))
    orders = [(o.quantity, o.due, o.release) for o in result.planned_orders]
    assert orders == [(D(20), day(9), day(7)), (D(25), day(13), day(9))]
    assert result.records["A"] == (
        Bucket(day(7), D(30), D(0), D(20), D(0), D(0), D(20)),
        Bucket(day(9), D(40), D(0), D(0), D(20), D(20), D(25)),
        Bucket(day(13), D(25), D(0), D(0), D(25), D(25), D(0)),
    )
    pegging = Pegging(result)
    assert pegging.covered("so2") == [Cover(ON_HAND, "A", D(20)), Cover("A/1", "A", D(20))]
    assert pegging.served("A", "A/2") == {"so3": D(25)}
    assert not result.exceptions


def test_offsetting_skips_a_weekend_and_a_holiday_and_a_due_date_on_a_sunday() -> None:
    # Lead time 3; Monday 12 is a holiday. Due Wed 14: Tue 13 (1), Fri 9 (2), Thu 8 (3).
    # A demand due Sunday 18 must be in on Friday 16: Thu 15 (1), Wed 14 (2), Tue 13 (3).
    calendar = WorkingDays(holidays=frozenset({day(12)}))
    b = Item("B", make=False, lead_time_days=3)
    demands = (Demand("d1", "B", D(5), day(14)), Demand("d2", "B", D(5), day(18)))
    result = plan(MrpProblem(items=(b,), demands=demands, calendar=calendar, today=MON))
    assert [(o.due, o.release) for o in result.planned_orders] == [
        (day(14), day(8)),
        (day(16), day(13)),
    ]
    assert all(not o.make for o in result.planned_orders)


def test_multi_level_with_low_level_codes_scrap_lot_multiples_and_pegging() -> None:
    # P (made, lead time 1) = 1 S + 2 C at 20 % scrap; S (made, lead time 1) = 1 C.
    # C is used directly under P (level 1) and under S (level 2): low-level code 2, so it is
    # netted once, after S, with both requirements.
    #   P: demand 10 on Thu 8, nothing on hand: order P/1 10 due Thu 8, released Wed 7.
    #      It needs on Wed 7: S 10, and C 10 x 2 / (1 - 0.2) = 25.
    #   S: 4 on hand, net 6: order S/1 6 due Wed 7, released Tue 6; it needs C 6 on Tue 6.
    #   C (bought, lead time 2, multiples of 10): Tue 6 net 6 -> order C/1 10, due Tue 6,
    #      released Mon 5 (1), Fri 2 (2): before today, so past due. Its surplus 4 covers
    #      part of Wed 7's 25; net 21 -> order C/2 30 due Wed 7, released Mon 5.
    line = BomLine
    p = Item("P", make=True, lead_time_days=1)
    s = Item("S", make=True, lead_time_days=1, on_hand=D(4))
    c = Item(
        "C", make=False, lead_time_days=2,
        lot=LotSizing(LotRule.min_max_multiple, multiple=D(10)),
    )  # fmt: skip
    boms = (
        Bom("P", (line("S", D(1)), line("C", D(2), scrap_factor=D("0.2")))),
        Bom("S", (line("C", D(1)),)),
    )
    result = plan(
        MrpProblem(
            items=(c, s, p), boms=boms, demands=(Demand("so1", "P", D(10), day(8)),), today=MON
        )
    )
    assert result.levels == {"P": 0, "S": 1, "C": 2}
    orders = {o.id: (o.quantity, o.due, o.release) for o in result.planned_orders}
    assert orders == {
        "P/1": (D(10), day(8), day(7)),
        "S/1": (D(6), day(7), day(6)),
        "C/1": (D(10), day(6), date(2026, 1, 2)),
        "C/2": (D(30), day(7), day(5)),
    }
    pegging = Pegging(result)
    assert pegging.served("C", "C/1") == {"so1": D(10)}  # 6 for S/1 on Tue 6, 4 for P/1
    assert pegging.served("C", "C/2") == {"so1": D(21)}  # its other 9 serve no demand: stock
    # level by level: P/1's 10; S from stock and S/1; C for S/1 (6, from C/1) and for P/1
    # (25: the 4 left of C/1, 21 of C/2)
    assert pegging.covered("so1") == [
        Cover("P/1", "P", D(10)),
        Cover(ON_HAND, "S", D(4)),
        Cover("S/1", "S", D(6)),
        Cover("C/1", "C", D(4)),
        Cover("C/2", "C", D(21)),
        Cover("C/1", "C", D(6)),
    ]
    late = [(e.kind, e.order, e.day, e.to) for e in result.exceptions]
    assert late == [(ExceptionKind.past_due, "C/1", date(2026, 1, 2), MON)]


def test_the_plans_links_read_as_tuples_however_they_are_asked_for() -> None:
    # P (made, lead time 0) = 1 S; S bought, 4 on hand. Demand so1: 10 P on Thu 8.
    # P/1 meets so1 whole; the 10 S that P/1 needs come 4 from stock and 6 from S/1.
    # The links (kept as columns) read the same link by link, by index, by slice.
    line = BomLine
    result = plan(
        MrpProblem(
            items=(Item("P", make=True), Item("S", make=False, on_hand=D(4))),
            boms=(Bom("P", (line("S", D(1)),)),),
            demands=(Demand("so1", "P", D(10), day(8)),),
            today=MON,
        )
    )
    links = [(k.item, k.supply, k.kind, k.source, k.quantity) for k in result.links]
    assert links == [
        ("P", "P/1", "demand", "so1", D(10)),
        ("S", ON_HAND, "order", "P/1", D(4)),
        ("S", "S/1", "order", "P/1", D(6)),
    ]
    assert len(result.links) == 3
    assert result.links[-1] == ("S", "S/1", "order", "P/1", 6_000_000)
    assert result.links[1:] == list(result.links)[1:]
    assert result.links[0].quantity == D(10)
