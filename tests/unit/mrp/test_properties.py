"""Properties of MRP on random multi-level problems: every demand is met in full at its own
item, pegs account for every planned quantity a demand takes, releases are the due dates
offset by the lead time, and no item runs short of its requirements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from plantops.masterdata.bom_graph import BomLine
from plantops.planning.mrp import (
    Bom,
    Demand,
    Item,
    LotRule,
    LotSizing,
    MrpProblem,
    Pegging,
    Supply,
    WorkingDays,
    plan,
)

MON = date(2026, 1, 5)
LOTS = [
    LotSizing(),
    LotSizing(LotRule.fixed, fixed=D(25)),
    LotSizing(LotRule.min_max_multiple, minimum=D(10), maximum=D(60), multiple=D(5)),
    LotSizing(LotRule.period, periods=3),
]


@st.composite
def problems(draw: st.DrawFn) -> MrpProblem:
    n = draw(st.integers(1, 7))
    items = tuple(
        Item(
            f"I{k}",
            make=draw(st.booleans()),
            lead_time_days=draw(st.integers(0, 4)),
            safety_stock=D(draw(st.integers(0, 10))),
            lot=draw(st.sampled_from(LOTS)),
            on_hand=D(draw(st.integers(0, 40))),
            allocated=D(draw(st.integers(0, 10))),
        )
        for k in range(n)
    )
    boms = []
    for k, item in enumerate(items):
        below = [c for c in range(k + 1, n) if draw(st.booleans())]  # acyclic: only later items
        if item.make and below:
            lines = tuple(
                BomLine(f"I{c}", D(draw(st.integers(1, 3))), D(draw(st.sampled_from(["0", "0.1"]))))
                for c in below
            )
            boms.append(Bom(item.code, lines))

    def when() -> date:
        return MON + timedelta(days=draw(st.integers(-3, 30)))

    demands = tuple(
        Demand(f"d{k}", f"I{draw(st.integers(0, n - 1))}", D(draw(st.integers(1, 50))), when())
        for k in range(draw(st.integers(0, 6)))
    )
    supplies = tuple(
        Supply(f"s{k}", f"I{draw(st.integers(0, n - 1))}", D(draw(st.integers(1, 50))), when())
        for k in range(draw(st.integers(0, 4)))
    )
    holidays = frozenset({MON + timedelta(days=draw(st.integers(0, 30)))})
    calendar = WorkingDays(holidays=holidays)
    return MrpProblem(items, tuple(boms), demands, supplies, calendar, MON)


@settings(max_examples=150, deadline=None)
@given(problems())
def test_mrp_invariants(problem: MrpProblem) -> None:
    result = plan(problem)
    items = {item.code: item for item in problem.items}
    pegging = Pegging(result)
    for demand in problem.demands:
        own = [c for c in pegging.covered(demand.id) if c.item == demand.item]
        assert sum(c.quantity for c in own) == demand.quantity
    supplied: dict[str, D] = defaultdict(D)
    for order in result.planned_orders:
        item = items[order.item]
        assert order.release == problem.calendar.back(order.due, item.lead_time_days)
        assert problem.calendar.works(order.due)
        assert sum(pegging.served(order.item, order.id).values()) <= order.quantity
        if item.lot.rule == LotRule.fixed:
            assert order.quantity == item.lot.fixed
        supplied[order.item] += order.quantity
    for supply in problem.supplies:
        supplied[supply.item] += supply.quantity
    for code, record in result.records.items():
        item = items[code]
        gross = sum((b.gross for b in record), D(0))
        reserve = item.safety_stock + max(D(0), item.allocated - item.on_hand)
        stock = max(D(0), item.on_hand - item.allocated)
        assert stock + supplied[code] >= gross + reserve
        assert sum((b.net for b in record), D(0)) <= sum((b.planned_receipts for b in record), D(0))
