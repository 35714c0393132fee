"""The cockpit's figures on both databases: late and at-risk orders by each site's own day,
shortages, machines down, output against plan and the OEE trend against the KPI rows, all
within the caller's sites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from plantops.access.caller import SYSTEM, Caller
from plantops.access.roles import Role
from plantops.access.scope import Scope
from plantops.demo.history import create_history
from plantops.demo.loader import load_demo
from plantops.execution.views import work_centers_now
from plantops.kpi import catalog, query
from plantops.kpi.cockpit import TREND_DAYS, cockpit
from plantops.kpi.refresh import ensure_fresh
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import ON_THE_FLOOR, OrderStatus, WorkCenterState

NOW = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)  # a Wednesday afternoon in Stuttgart


@pytest.fixture
def plant(engine: Engine) -> dict[str, int]:
    load_demo(engine)
    create_history(engine, days=2, seed=5, now=NOW)
    with unit_of_work(make_session_factory(engine)) as session:
        ensure_fresh(session, list(session.scalars(select(Site.id))), NOW)
        return {s.code: s.id for s in session.scalars(select(Site))}


def _floor_orders(session: object, site_id: int) -> list[ProductionOrder]:
    rows = session.scalars(  # type: ignore[attr-defined]
        select(ProductionOrder).where(ProductionOrder.site_id == site_id,
                                      ProductionOrder.status.in_(ON_THE_FLOOR))
        .order_by(ProductionOrder.code)
    )  # fmt: skip
    return list(rows)


def test_late_and_at_risk_orders_by_the_sites_own_day(
    engine: Engine, plant: dict[str, int]
) -> None:
    factory = make_session_factory(engine)
    stuttgart = NOW.astimezone(ZoneInfo("Europe/Berlin")).date()
    with unit_of_work(factory) as session:
        orders = _floor_orders(session, plant["DE-STR"])
        assert len(orders) >= 4, "the history releases orders at Stuttgart"
        overdue, today, risky, short = orders[:4]
        overdue.due_date = stuttgart - timedelta(days=1)  # late: due yesterday, still open
        today.due_date = stuttgart  # due today: not late yet
        today.late_seconds = None
        risky.due_date = stuttgart + timedelta(days=3)
        risky.late_seconds = 5400  # the schedule finishes it 1.5 h after its due date
        risky.explanation = {"chain": [{"kind": "resource", "operation": "10",
                                        "detail": "waited for MILL-01 until Thu 03 Dec 14:00"}],
                             "bottlenecks": ["MILL-01"]}  # fmt: skip
        short.status = OrderStatus.waiting_for_material
        for other in orders[4:]:
            other.due_date = stuttgart + timedelta(days=30)
            other.late_seconds = None
        for order in (overdue, short):
            order.late_seconds = None
    with unit_of_work(factory) as session:
        found = cockpit(session, SYSTEM, [plant["DE-STR"]], NOW)
    assert found.days == {"DE-STR": stuttgart}
    assert [f.code for f in found.late] == [overdue.code] and found.late_count == 1
    assert [f.code for f in found.at_risk] == [risky.code] and found.at_risk_count == 1
    assert found.at_risk[0].late_hours == 1.5
    assert "waited for MILL-01" in found.at_risk[0].why and "MILL-01" in found.at_risk[0].why
    assert found.short_orders == 1
    assert {s.order for s in found.shortages} <= {short.code}


def test_down_output_and_trend_agree_with_their_sources(
    engine: Engine, plant: dict[str, int]
) -> None:
    factory = make_session_factory(engine)
    site = plant["DE-STR"]
    with unit_of_work(factory) as session:
        found = cockpit(session, SYSTEM, [site], NOW)
        down = [c.work_center.code for c in work_centers_now(session, SYSTEM, site)
                if c.state is WorkCenterState.down]  # fmt: skip
        day = found.days["DE-STR"]
        rows = query.totals(session, query.Selection(day - timedelta(days=TREND_DAYS - 1), day,
                                                     frozenset({site})), "day")  # fmt: skip
    assert sorted(d.work_center for d in found.down) == sorted(down)
    assert len(found.trend) == TREND_DAYS and found.trend[-1].day == day.isoformat()
    by_day = {g.key: g.totals for g in rows}
    for point in found.trend:
        t = by_day.get(point.day)
        assert point.oee == (catalog.oee(t) if t else None)
    assert found.trend[-1].oee is not None, "the history ran on the day"
    assert found.made > 0 and found.made == sum(p.good for p in found.products)
    assert found.goals["oee"] == pytest.approx(0.65)  # the demo's target


def test_a_caller_sees_only_their_own_sites(engine: Engine, plant: dict[str, int]) -> None:
    factory = make_session_factory(engine)
    mine = Caller(7, "sup", Role.supervisor, Scope(frozenset({plant["US-MKE"]})))
    with unit_of_work(factory) as session:
        found = cockpit(session, mine, list(plant.values()), NOW)
        late = cockpit(session, SYSTEM, list(plant.values()), NOW)
    assert found.sites == ("US-MKE",)
    assert all(f.site == "US-MKE" for f in (*found.late, *found.at_risk, *found.down))
    assert set(late.sites) == {"CN-SUZ", "DE-STR", "US-MKE"}
    nobody = Caller(8, "x", Role.operator, Scope(frozenset()))
    with unit_of_work(factory) as session:
        assert cockpit(session, nobody, list(plant.values()), NOW).sites == ()
