"""The web application's frame over real HTTP and in Chromium: where each role lands, what
its navigation offers, the site switcher, and the cockpit filled with the plant's figures."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from plantops.access.caller import SYSTEM
from plantops.access.roles import Role
from plantops.demo.history import create_history
from plantops.demo.loader import load_demo
from plantops.kpi.cockpit import cockpit
from plantops.org.models import Site
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.web.shell import NAVIGATION
from tests.web.conftest import browser_as, screenshots, signed_in

PAGES = ("/cockpit", "/board", "/orders", "/terminal", "/kpis", "/data")


def _sites(engine: Engine) -> dict[str, int]:
    with unit_of_work(make_session_factory(engine)) as session:
        return {s.code: s.id for s in session.scalars(select(Site))}


@pytest.mark.parametrize(
    ("role", "lands", "refused"),
    [("operator", "/terminal", "/cockpit"), ("supervisor", "/cockpit", None),
     ("production_manager", "/cockpit", None), ("regional_manager", "/cockpit", "/terminal"),
     ("director", "/cockpit", "/terminal"), ("admin", "/cockpit", None),
     ("auditor", "/cockpit", "/terminal")],
)  # fmt: skip
def test_each_role_lands_on_its_page(
    base_url: str, engine: Engine, role: str, lands: str, refused: str | None
) -> None:
    load_demo(engine)
    sites = _sites(engine)
    with signed_in(base_url, engine, f"u-{role}", role=role, site_ids=(sites["DE-STR"],)) as web:
        home = web.get("/")
        assert home.status_code == 303 and home.headers["location"] == lands
        if refused:  # a page the role has no business on sends it home, not to an error
            away = web.get(refused)
            assert away.status_code == 303 and away.headers["location"] == lands
        page = web.get(lands)
        assert page.status_code == 200 and "<title>" in page.text
        # the navigation links only the pages the role may use (at the user's one site)
        shown = {path for path in (*PAGES, "/reports", "/plan", "/plant")
                 if f"{path}?site=DE-STR" in page.text}  # fmt: skip
        allowed = {d.path for d in NAVIGATION if Role(role) in d.roles}
        assert shown == allowed, role
        for path in ("/plan", "/reports", "/plant"):  # the server-rendered pages, the same
            answer = web.get(f"{path}?site=DE-STR")
            if path in allowed:
                assert answer.status_code == 200 and f'href="{path}?site=DE-STR"' in answer.text
            else:
                assert answer.status_code == 303 and answer.headers["location"] == lands


def test_signed_out_visitors_are_sent_to_sign_in(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as anonymous:
        for path in PAGES:
            answer = anonymous.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == "/login", path


def test_the_cockpit_in_chromium(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    load_demo(sqlite_engine)
    now = datetime.now(UTC)
    create_history(sqlite_engine, days=1, seed=2, now=now)
    sites = _sites(sqlite_engine)
    with browser_as(chromium, sqlite_base_url, sqlite_engine, "director", "director") as page:
        assert page.url.endswith("/cockpit")
        # the director sees the roll-up of every site, and every page a manager uses
        switcher = page.locator(".q-select").first
        assert "All my sites" in switcher.inner_text()
        for name in ("Cockpit", "Board", "Orders", "KPIs", "Reports", "Master data"):
            assert page.get_by_role("navigation").get_by_text(name, exact=True).count() == 1
        assert page.get_by_role("navigation").get_by_text("Terminal", exact=True).count() == 0
        page.get_by_text("updated ").wait_for()
        # the switcher narrows the page to one site
        switcher.click()
        page.get_by_role("option", name=re.compile("^DE-STR")).click()
        page.wait_for_url(re.compile(r"/cockpit\?site=DE-STR$"))
        page.get_by_text("Today at Stuttgart plant").wait_for()
        page.get_by_text("updated ").wait_for()
        with unit_of_work(make_session_factory(sqlite_engine)) as session:
            expected = cockpit(session, SYSTEM, [sites["DE-STR"]], datetime.now(UTC))
        made, planned = page.locator("text=/^[0-9,]+ \\/ [0-9,]+$/").inner_text().split(" / ")
        assert int(made.replace(",", "")) == round(expected.made)
        assert int(planned.replace(",", "")) == round(expected.planned)
        assert page.get_by_text(f"{len(expected.down)}", exact=True).count() >= 1
        for down in expected.down:
            assert page.get_by_role("cell", name=down.work_center, exact=True).count() == 1
        oee = expected.trend[-1].oee
        if oee is not None:
            assert page.get_by_text(f"{oee:.1%}", exact=True).count() == 1
        assert page.locator("canvas").count() >= 1  # the OEE trend is drawn
        screenshots(page, "cockpit")
        # every tile leads to its detail
        page.locator("text=Late and at-risk orders").locator("..").get_by_text("details").click()
        page.wait_for_url(re.compile(r"/orders\?site=DE-STR&late=1$"))


def test_an_operator_sees_only_the_floor(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    load_demo(sqlite_engine)
    sites = _sites(sqlite_engine)
    grants = {"site_ids": (sites["US-MKE"],)}
    with browser_as(chromium, sqlite_base_url, sqlite_engine, "op", "operator", **grants) as page:
        assert re.search(r"/terminal", page.url)
        page.get_by_role("button", name="Menu").click()  # the terminal starts with it closed
        navigation = page.get_by_role("navigation")
        navigation.get_by_text("Terminal", exact=True).wait_for()
        assert navigation.get_by_text("Terminal", exact=True).count() == 1
        for name in ("Cockpit", "Board", "KPIs", "Master data"):
            assert navigation.get_by_text(name, exact=True).count() == 0
        # one site: the switcher shows it, and there is no roll-up to choose
        assert "US-MKE" in page.locator(".q-select").first.inner_text()
