"""The golden plan: the bicycle plant (plant.py) planned through `plantops plan run` on both
databases, every planned order worked out by hand the way MRP records are taught.

Today is Monday 2 March 2026, horizon six weeks (to 13 April). Working days: Monday to
Friday, except the holiday on Wednesday 11 March. Nothing is in stock yet.

BIKE (level 0, lead time 2, lot for lot). SO-3 (4 May) lies beyond the horizon: not planned.
    SO-1: 30 due Thu 12 Mar  -> MO-1-00001: 30, released Mon 9 Mar  (Tue 10, Mon 9: the 11th
                                 is a holiday), due Thu 12 Mar
    SO-2: 25 due Tue 17 Mar  -> MO-1-00002: 25, released Fri 13 Mar (Mon 16, Fri 13), due
                                 Tue 17 Mar
FRAME (level 1, lead time 3, fixed lot 40): one per BIKE, needed when the BIKE is released.
    Mon 9 Mar needs 30:  MO-1-00003: 40 due Mon 9 Mar, released Wed 4 Mar (Fri 6, Thu 5,
                         Wed 4); 10 left over
    Fri 13 Mar needs 25: 10 left from MO-1-00003, 15 more: MO-1-00004: 40 due Fri 13 Mar,
                         released Mon 9 Mar (Thu 12, Tue 10, Mon 9); 25 left over
TUBE (level 2, lead time 5, at least 100 in multiples of 50, safety stock 20): 2.5 m per
    FRAME grossed up for 20 % scrap: 40 x 2.5 / (1 - 0.2) = 125 m per FRAME order.
    Today, the safety stock wants 20: PR-1-00001: 100 due Mon 2 Mar, to be ordered Mon 23 Feb
                                      (past due); 80 left
    Wed 4 Mar needs 125: 80 left, 45 more: PR-1-00002: 100 due Wed 4 Mar, ordered Wed 25 Feb
                                      (past due); 55 left
    Mon 9 Mar needs 125: 55 left, 70 more: PR-1-00003: 100 due Mon 9 Mar, ordered Mon 2 Mar
                                      (today); 30 left
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from plantops.access.caller import SYSTEM
from plantops.cli.main import app
from plantops.integration.service import import_plant
from plantops.masterdata.models import Calendar, Item
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.policy import set_policy
from plantops.planning.schemas import PlanningPolicyIn
from plantops.storage.engine import make_session_factory, unit_of_work
from tests.scenarios.plant import bicycle_plant

runner = CliRunner()


def _plant(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        import_plant(session, SYSTEM, bicycle_plant())
        site = session.scalars(select(Site)).one()
        calendar = session.scalars(select(Calendar)).one()
        set_policy(session, SYSTEM, site.id, PlanningPolicyIn(calendar_id=calendar.id))


def _orders(engine: Engine) -> list[tuple[str, str, Decimal, date, date]]:
    with make_session_factory(engine)() as session:
        made = session.execute(
            select(m.ProductionOrder, Item.code)
            .join(Item, Item.id == m.ProductionOrder.item_id)
            .order_by(m.ProductionOrder.code)
        ).all()
        bought = session.execute(
            select(m.PurchaseOrder, Item.code)
            .join(Item, Item.id == m.PurchaseOrder.item_id)
            .order_by(m.PurchaseOrder.code)
        ).all()
    return [(o.code, item, o.quantity, o.release_date, o.due_date) for o, item in made] + [
        (o.code, item, o.quantity, o.order_date, o.due_date) for o, item in bought
    ]


def test_the_golden_plan_matches_the_hand_worked_records(configured: Engine) -> None:
    _plant(configured)
    result = runner.invoke(app, ["plan", "run", "--today", "2026-03-02", "--horizon", "6w"])
    assert result.exit_code == 0, result.output
    d = date
    assert _orders(configured) == [
        ("MO-1-00001", "BIKE", Decimal(30), d(2026, 3, 9), d(2026, 3, 12)),
        ("MO-1-00002", "BIKE", Decimal(25), d(2026, 3, 13), d(2026, 3, 17)),
        ("MO-1-00003", "FRAME", Decimal(40), d(2026, 3, 4), d(2026, 3, 9)),
        ("MO-1-00004", "FRAME", Decimal(40), d(2026, 3, 9), d(2026, 3, 13)),
        ("PR-1-00001", "TUBE", Decimal(100), d(2026, 2, 23), d(2026, 3, 2)),
        ("PR-1-00002", "TUBE", Decimal(100), d(2026, 2, 25), d(2026, 3, 4)),
        ("PR-1-00003", "TUBE", Decimal(100), d(2026, 3, 2), d(2026, 3, 9)),
    ]
    with make_session_factory(configured)() as session:
        messages = session.execute(
            select(
                m.PlanException.kind, m.PlanException.order_code, m.PlanException.to_day
            ).order_by(m.PlanException.id)
        ).all()
        links = session.execute(
            select(
                m.PlanLink.supply, m.PlanLink.demand_kind, m.PlanLink.demand, m.PlanLink.quantity
            ).order_by(m.PlanLink.id)
        ).all()
    assert [tuple(row) for row in messages] == [
        ("below_safety_stock", None, None),
        ("past_due", "PR-1-00001", d(2026, 3, 2)),
        ("past_due", "PR-1-00002", d(2026, 3, 2)),
    ]
    # pegging, level by level: which order each supply is for
    assert [tuple(row) for row in links] == [
        ("MO-1-00001", "sales_order_line", "SO-1/1", 30),
        ("MO-1-00002", "sales_order_line", "SO-2/1", 25),
        ("MO-1-00003", "order", "MO-1-00001", 30),
        ("MO-1-00003", "order", "MO-1-00002", 10),
        ("MO-1-00004", "order", "MO-1-00002", 15),
        ("PR-1-00001", "reserve", "safety stock", 20),
        ("PR-1-00001", "order", "MO-1-00003", 80),
        ("PR-1-00002", "order", "MO-1-00003", 45),
        ("PR-1-00002", "order", "MO-1-00004", 55),
        ("PR-1-00003", "order", "MO-1-00004", 70),
    ]


def test_the_golden_schedule_runs_each_order_from_its_release_after_its_components(
    configured: Engine,
) -> None:
    """One operation per order, 600 s setup and 300 s a piece, shifts from 06:00 (05:00 UTC
    in March, Berlin): FRAME 40 takes 3 h 30, BIKE 30 2 h 40, BIKE 25 2 h 15. Each starts
    at its release, and a BIKE after the FRAME order that feeds it (done days before)."""
    _plant(configured)
    result = runner.invoke(app, ["plan", "run", "--today", "2026-03-02", "--horizon", "6w"])
    assert result.exit_code == 0, result.output
    with make_session_factory(configured)() as session:
        run = session.scalars(select(m.PlanRun)).one()
        times = {
            o.code: (o.scheduled_start, o.scheduled_end, o.late_seconds)
            for o in session.scalars(select(m.ProductionOrder))
        }
        operations = session.scalar(select(func.count()).select_from(m.ScheduledOperation))

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 3, day, hour, minute, tzinfo=UTC)

    assert run.summary is not None and run.summary["schedule"]["status"] == "optimal"
    assert run.summary["schedule"]["late_orders"] == 0
    assert times == {
        "MO-1-00001": (at(9, 5), at(9, 7, 40), 0),  # BIKE 30 for SO-1
        "MO-1-00002": (at(13, 5), at(13, 7, 15), 0),  # BIKE 25 for SO-2
        "MO-1-00003": (at(4, 5), at(4, 8, 30), 0),  # FRAME 40
        "MO-1-00004": (at(9, 5), at(9, 8, 30), 0),  # FRAME 40
    }
    assert operations == 4
