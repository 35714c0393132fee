"""The orders pages' services on both databases: the list's filters (status, late, customer
through pegging, due date, item) and scope, one order's sheet, and the moves a role may make
on an order (refused whole when they may not be made)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import SYSTEM, Caller
from plantops.access.roles import Role
from plantops.access.scope import EVERYWHERE, Scope
from plantops.errors import Forbidden, InvalidTransition, ValidationFailed
from plantops.execution import order_actions, order_detail
from plantops.execution.models import ShopEvent
from plantops.execution.order_views import STOCK, OrderFilter, list_orders
from plantops.integration.service import import_plant
from plantops.masterdata.models import Calendar, Item
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.policy import set_policy
from plantops.planning.queries import pegging
from plantops.planning.run_requests import request_run
from plantops.planning.runs import execute_run
from plantops.planning.schemas import PlanningPolicyIn, PlanRunIn
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import OrderStatus
from tests.scenarios.plant import bicycle_plant

MON = date(2026, 3, 2)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # Tuesday 10 March at the site
# (user_id None: callers that are no account, as the command line; events name no user)
MANAGER = Caller(None, "manager", Role.production_manager, EVERYWHERE)
SUPERVISOR = Caller(None, "super", Role.supervisor, EVERYWHERE)
AUDITOR = Caller(None, "auditor", Role.auditor, EVERYWHERE)


@pytest.fixture
def plan(engine: Engine) -> sessionmaker[Session]:
    """The bicycle plant with a second customer (TOUR, SO-4) planned on MON, and one order
    made by hand for stock (pegged to nothing)."""
    plant = bicycle_plant()
    plant["customers"].append({"site": "B1", "code": "TOUR", "name": "Tour team"})
    plant["sales_orders"].append(
        {"site": "B1", "code": "SO-4", "customer": "TOUR",
         "lines": [{"line_no": 1, "item": "BIKE", "quantity": 12, "due_date": "2026-03-19"}]}
    )  # fmt: skip
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        import_plant(session, SYSTEM, plant)
        site = session.scalars(select(Site.id)).one()
        calendar = session.scalars(select(Calendar.id)).one()
        set_policy(session, SYSTEM, site, PlanningPolicyIn(calendar_id=calendar))
        run = request_run(session, SYSTEM, PlanRunIn(site_id=site, today=MON, horizon_days=42))
        run_id = run.id
    execute_run(factory, run_id)
    with unit_of_work(factory) as session:
        bike = session.scalars(select(Item.id).where(Item.code == "BIKE")).one()
        session.add(
            m.ProductionOrder(
                site_id=site, code="MO-HAND-1", item_id=bike, quantity=Decimal(3),
                status=OrderStatus.approved, release_date=MON, due_date=date(2026, 3, 20),
                late_seconds=7200,  # scheduled to end two hours after its due day: at risk
            )
        )  # fmt: skip
    return factory


def _orders(session: Session) -> list[m.ProductionOrder]:
    return list(session.scalars(select(m.ProductionOrder).order_by(m.ProductionOrder.code)))


def _customers_by_pegging(session: Session, order: m.ProductionOrder) -> set[str]:
    """The order's customers the slow way: its pegging, one sales order at a time."""
    found = set()
    for demand in pegging(session, SYSTEM, order):
        if demand["kind"] == "sales_order_line":
            so = session.scalars(
                select(m.SalesOrder).where(m.SalesOrder.code == demand["demand"].split("/")[0])
            ).one()
            found.add(session.get_one(m.Customer, so.customer_id).name)
    return found


def test_the_list_names_each_orders_customers_and_filters_by_them(
    plan: sessionmaker[Session],
) -> None:
    with unit_of_work(plan) as session:
        orders = _orders(session)
        expected = {o.code: _customers_by_pegging(session, o) for o in orders}
        listed = list_orders(session, MANAGER, OrderFilter(), NOW)
        assert listed.total == len(orders) == len(listed.lines) >= 5
        assert {line.code: set(line.customers) for line in listed.lines} == expected
        assert expected["MO-HAND-1"] == set()
        assert {"Tour team", "Bike shop"} <= set().union(*expected.values())
        for customer, name in (("TOUR", "Tour team"), ("SHOP", "Bike shop")):
            found = list_orders(session, MANAGER, OrderFilter(customer=customer), NOW)
            assert {line.code for line in found.lines} == {
                c for c, n in expected.items() if name in n
            }
        stock = list_orders(session, MANAGER, OrderFilter(customer=STOCK), NOW)
        assert [line.code for line in stock.lines] == [c for c, n in expected.items() if not n]


def test_late_status_due_and_item_filters(plan: sessionmaker[Session]) -> None:
    with unit_of_work(plan) as session:
        orders = _orders(session)
        today = date(2026, 3, 10)  # at the site (Berlin) at NOW
        late = {
            o.code for o in orders
            if o.status not in (OrderStatus.completed, OrderStatus.closed, OrderStatus.cancelled)
            and (o.due_date < today or (o.late_seconds or 0) > 0)
        }  # fmt: skip
        found = list_orders(session, MANAGER, OrderFilter(late=True), NOW)
        assert {line.code for line in found.lines} == late and "MO-HAND-1" in late
        words = {line.code: line.lateness for line in found.lines}
        assert words["MO-HAND-1"] == "at risk"
        assert all(words[o.code] == "overdue" for o in orders if o.due_date < today)
        approved = list_orders(session, MANAGER, OrderFilter(statuses=(OrderStatus.approved,)), NOW)
        assert [line.code for line in approved.lines] == ["MO-HAND-1"]
        frames = list_orders(session, MANAGER, OrderFilter(item="fRaM"), NOW)
        frame_id = session.scalars(select(Item.id).where(Item.code == "FRAME")).one()
        assert {line.code for line in frames.lines} == {
            o.code for o in orders if o.item_id == frame_id
        }
        span = OrderFilter(due_from=date(2026, 3, 12), due_until=date(2026, 3, 17))
        due = list_orders(session, MANAGER, span, NOW)
        assert {line.code for line in due.lines} == {
            o.code for o in orders if date(2026, 3, 12) <= o.due_date <= date(2026, 3, 17)
        }
        assert [line.due_date for line in due.lines] == sorted(line.due_date for line in due.lines)


def test_a_caller_sees_only_the_orders_of_their_sites(plan: sessionmaker[Session]) -> None:
    elsewhere = Caller(None, "far", Role.production_manager, Scope(frozenset({999}), frozenset()))
    with unit_of_work(plan) as session:
        assert list_orders(session, elsewhere, OrderFilter(), NOW).total == 0
        assert order_detail.find(session, elsewhere, "MO-HAND-1") == []
        assert [o.code for o in order_detail.find(session, MANAGER, "MO-HAND-1")] == ["MO-HAND-1"]
        ident = str(order_detail.find(session, MANAGER, "MO-HAND-1")[0].id)
        assert [o.code for o in order_detail.find(session, MANAGER, ident)] == ["MO-HAND-1"]


def _order(factory: sessionmaker[Session], code: str) -> m.ProductionOrder:
    with factory() as session:
        return session.scalars(
            select(m.ProductionOrder).where(m.ProductionOrder.code == code)
        ).one()


def _act(
    factory: sessionmaker[Session], who: Caller, code: str, move: str, reason: str = ""
) -> None:
    with unit_of_work(factory) as session:
        order_actions.act(session, who, _order(factory, code).id, move, reason, NOW)


def test_moves_follow_the_role_and_the_status_and_refuse_whole(
    plan: sessionmaker[Session],
) -> None:
    hand = _order(plan, "MO-HAND-1")
    names = [mv.name for mv in order_actions.moves(MANAGER, hand.status)]
    assert names == ["firm", "propose", "release"]
    assert order_actions.moves(SUPERVISOR, hand.status) == []  # planning is read-only to them
    assert order_actions.moves(AUDITOR, OrderStatus.ready) == []
    with pytest.raises(Forbidden):
        _act(plan, AUDITOR, "MO-HAND-1", "release")
    _act(plan, MANAGER, "MO-HAND-1", "release", "customer waits")
    released = _order(plan, "MO-HAND-1")
    assert released.status is OrderStatus.ready
    floor = [mv.name for mv in order_actions.moves(SUPERVISOR, released.status)]
    assert floor == ["hold", "cancel"]
    with pytest.raises(ValidationFailed) as refused:
        _act(plan, SUPERVISOR, "MO-HAND-1", "hold", "  ")
    assert refused.value.errors[0].location == ("reason",)
    assert _order(plan, "MO-HAND-1").status is OrderStatus.ready  # nothing was written
    with pytest.raises(InvalidTransition):
        _act(plan, SUPERVISOR, "MO-HAND-1", "close")
    _act(plan, SUPERVISOR, "MO-HAND-1", "hold", "gauge out of calibration")
    assert _order(plan, "MO-HAND-1").status is OrderStatus.on_hold
    assert [mv.name for mv in order_actions.moves(SUPERVISOR, OrderStatus.on_hold)] == [
        "release_hold", "cancel",
    ]  # fmt: skip
    _act(plan, SUPERVISOR, "MO-HAND-1", "release_hold")
    assert _order(plan, "MO-HAND-1").status is OrderStatus.ready


def test_the_sheet_of_a_released_order(plan: sessionmaker[Session]) -> None:
    _act(plan, MANAGER, "MO-HAND-1", "release")
    _act(plan, SUPERVISOR, "MO-HAND-1", "hold", "waiting for the customer's colour")
    order = _order(plan, "MO-HAND-1")
    with unit_of_work(plan) as session:
        got = order_detail.sheet(session, MANAGER, order.id, NOW)
        events = list(
            session.scalars(select(ShopEvent).where(ShopEvent.production_order_id == order.id))
        )
    assert (got.item.code, got.site.code, got.customers) == ("BIKE", "B1", {})
    assert [(line.operation.sequence, line.operation.name, line.work_center)
            for line in got.operations] == [(10, "assemble", "ASSY")]  # fmt: skip
    assert got.event_total == len(events) == 1
    assert (got.events[0].event.kind, got.events[0].event.note) == (
        "order_hold", "waiting for the customer's colour",
    )  # fmt: skip
    assert got.lateness == "at risk" and got.pegging == []
    with unit_of_work(plan) as session:
        first = session.scalars(
            select(m.ProductionOrder).where(m.ProductionOrder.code == "MO-1-00001")
        ).one()
        sheet = order_detail.sheet(session, MANAGER, first.id, NOW)
        assert sheet.customers == {"SHOP": "Bike shop"}
        assert [p["demand"] for p in sheet.pegging] == ["SO-1/1"]
