"""The orders pages in a real browser: a production manager lists the late orders of their
site (as the cockpit links there), opens one, reads what it makes, for whom and why it is
late, releases it to the floor, holds it (a reason is asked for), and reads the events and
the history that left."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine, select

from plantops.access.caller import SYSTEM
from plantops.execution import order_views
from plantops.execution.models import ShopEvent
from plantops.integration.service import import_plant
from plantops.masterdata.models import Calendar
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.policy import set_policy
from plantops.planning.run_requests import request_run
from plantops.planning.runs import execute_run
from plantops.planning.schemas import PlanningPolicyIn, PlanRunIn
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.web import orders
from plantops.web.words import late_by
from tests.scenarios.plant import bicycle_plant
from tests.web.conftest import browser_as, screenshots


def _planned_today(engine: Engine) -> int:
    """The bicycle plant planned as of today: its sales orders (March to May 2026) are all
    past due, so every order is late and the scheduler says why. The site's id."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        import_plant(session, SYSTEM, bicycle_plant())
        site = session.scalars(select(Site)).one()
        calendar = session.scalars(select(Calendar.id)).one()
        set_policy(session, SYSTEM, site.id, PlanningPolicyIn(calendar_id=calendar))
        today = datetime.now(ZoneInfo(site.time_zone)).date()
        run = request_run(session, SYSTEM, PlanRunIn(site_id=site.id, today=today))
        run_id, site_id = run.id, site.id
    execute_run(factory, run_id)
    return site_id


def _late_codes(engine: Engine) -> list[str]:
    with unit_of_work(make_session_factory(engine)) as session:
        site = session.scalars(select(Site)).one()
        today = datetime.now(ZoneInfo(site.time_zone)).date()
        orders = session.scalars(select(m.ProductionOrder)).all()
        return sorted(o.code for o in orders if o.due_date < today or (o.late_seconds or 0) > 0)


def _first_order(engine: Engine) -> m.ProductionOrder:
    with unit_of_work(make_session_factory(engine)) as session:
        query = select(m.ProductionOrder).where(m.ProductionOrder.code == "MO-1-00001")
        return session.scalars(query).one()


def _fact(page: Any, name: str) -> Any:
    return page.locator(f'[data-fact="{name}"]')


def test_lateness_is_said_one_way_and_customers_are_packed() -> None:
    assert late_by(5.5 * 3600) == "5.5 h late"  # under 48 h: hours
    assert late_by(47 * 3600) == "47 h late"
    assert late_by(21.5 * 86400) == "21.5 days late"  # from 48 h: days
    assert orders.customer_words(("Bike shop", "A", "B", "C", "D", "E")) == "Bike shop +5"
    assert orders.customer_words(("Bike shop",)) == "Bike shop"
    assert orders.customer_words(()) == "stock"


def _fits(page: Any, column: str) -> bool:
    """The column's header is wholly inside the grid's visible width (no scrolling to it)."""
    return bool(
        page.evaluate(
            """column => {
                const grid = document.querySelector('[data-testid="orders-grid"]');
                const cell = grid.querySelector(`.ag-header-cell[col-id="${column}"]`);
                return cell.getBoundingClientRect().right <= grid.getBoundingClientRect().right;
            }""",
            column,
        )
    )


def _columns_and_limit(page: Any, late: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The list's columns fit a desktop and scroll on a narrow screen, and when more orders
    match than are loaded, the page says the grid sorts only those."""
    header = page.locator('[data-testid="orders-grid"] .ag-header')
    expect(header.locator('[col-id="late"]')).to_be_visible()
    assert header.locator('[col-id="site"]').count() == 0  # one site: no Site column
    assert _fits(page, "late") and _fits(page, "priority")
    cut = page.locator(
        '[data-testid="orders-grid"] :is(.ag-header-cell-text, .ag-cell-value)'
    ).evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth).map(c => c.innerText)"
    )
    assert cut == [], f"cut off at 1440 px: {cut}"
    page.set_viewport_size({"width": 800, "height": 900})
    expect(header.locator('.ag-pinned-left-header [col-id="code"]')).to_be_visible()
    scroll = page.locator('[data-testid="orders-grid"] .ag-body-horizontal-scroll-viewport')
    assert scroll.evaluate("e => e.scrollWidth > e.clientWidth")  # the rest is a scroll away
    page.set_viewport_size({"width": 1440, "height": 900})
    monkeypatch.setattr(orders, "LIMIT", 2)
    monkeypatch.setattr(order_views, "LIMIT", 2)
    page.goto("/orders?late=1")
    count = page.get_by_test_id("orders-count")
    expect(count).to_contain_text(f"Only the first 2 of {len(late)} orders are loaded")
    expect(count).to_contain_text("sorting and the column filters work on these only")
    monkeypatch.undo()
    page.goto("/orders?late=1")
    expect(page.get_by_text(f"{len(late)} orders", exact=True)).to_be_visible()


def test_a_manager_finds_a_late_order_releases_and_holds_it(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _planned_today(sqlite_engine)
    late = _late_codes(sqlite_engine)
    order = _first_order(sqlite_engine)
    assert late and order.explanation, "the plan made late orders with their reasons"
    grant = {"site_ids": (site,)}
    with browser_as(
        chromium, sqlite_base_url, sqlite_engine, "pm", "production_manager", **grant
    ) as page:
        page.goto("/orders?status=bogus")
        expect(page.get_by_text("status: 'bogus' is not a status", exact=False)).to_be_visible()

        page.goto("/orders?late=1")  # as the cockpit links
        expect(page.get_by_text(f"{len(late)} orders", exact=True)).to_be_visible()
        rows = page.locator(".ag-center-cols-container .ag-row")
        expect(rows).to_have_count(len(late))
        # the order's row, right of its pinned code
        first = page.locator(f'.ag-center-cols-container .ag-row[row-id="{order.id}"]')
        expect(first).to_contain_text("Bike shop")
        expect(first.locator('[col-id="late"]')).to_have_text(re.compile(r"^\d+(\.\d)? days late$"))
        screenshots(page, "orders-list")
        _columns_and_limit(page, late, monkeypatch)

        page.locator(".ag-cell", has_text=re.compile(r"^MO-1-00001$")).first.click()
        page.wait_for_url(re.compile(r"/orders/MO-1-00001"))
        expect(_fact(page, "item")).to_have_text("BIKE · Bike")
        expect(_fact(page, "for")).to_have_text("Bike shop (SHOP)")
        expect(_fact(page, "status")).to_have_text("proposed")
        overdue = re.compile(r"^overdue: \d+(\.\d)? days late")
        expect(_fact(page, "late")).to_have_text(overdue)
        cause = order.explanation["chain"][0]
        expect(page.locator('[data-part="why-late"]')).to_contain_text(cause["detail"])
        expect(page.get_by_text("SO-1/1", exact=True)).to_be_visible()  # the demand it serves

        page.get_by_role("button", name="Release to the floor").click()
        page.get_by_label("Reason (optional)").fill("the customer called")
        page.locator(".q-dialog").get_by_role("button", name="Release to the floor").click()
        expect(_fact(page, "status")).to_have_text("ready")
        expect(page.get_by_role("cell", name="assemble")).to_be_visible()  # its operation
        history = page.get_by_role("row", name=re.compile("status: proposed → released"))
        expect(history).to_contain_text("pm")
        expect(history).to_contain_text("the customer called")

        page.get_by_role("button", name="Hold").click()
        page.locator(".q-dialog").get_by_role("button", name="Hold").click()
        expect(page.get_by_text("reason: say why the order is to hold")).to_be_visible()
        expect(_fact(page, "status")).to_have_text("ready")  # refused: nothing changed
        page.get_by_label("Reason").fill("gauge out of calibration")
        page.locator(".q-dialog").get_by_role("button", name="Hold").click()
        expect(_fact(page, "status")).to_have_text("on hold")
        event = page.get_by_role("row", name=re.compile("order hold"))
        expect(event).to_contain_text("gauge out of calibration")
        screenshots(page, "order-detail")
    with unit_of_work(make_session_factory(sqlite_engine)) as session:
        assert session.get_one(m.ProductionOrder, order.id).status.value == "on_hold"
        notes = session.scalars(
            select(ShopEvent.note).where(ShopEvent.production_order_id == order.id)
        ).all()
        assert notes == ["gauge out of calibration"]  # the refused hold left nothing
