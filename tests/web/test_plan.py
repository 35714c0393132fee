"""The plan page over real HTTP on both databases, and once in a real browser: run the plan of
a site, follow the run, read its figures, messages and rough-cut capacity."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from plantops.storage.engine import make_session_factory
from tests.accounts import PASSWORD, admin_token
from tests.scenarios.plant import bicycle_plant
from tests.web.conftest import ARTIFACTS, signed_in


def _bicycles(base_url: str, engine: Engine) -> None:
    token = admin_token(make_session_factory(engine))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=30, headers=headers) as api:
        assert api.post("/plant/import", json=bicycle_plant()).status_code == 201
        calendar = api.get("/calendars").json()["items"][0]["id"]
        site = api.get("/sites").json()["items"][0]["id"]
        api.put(f"/sites/{site}/planning_policy", json={"calendar_id": calendar})


def _until_done(client: httpx.Client) -> str:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        page = client.get("/plan?site=B1").text
        if 'http-equiv="refresh"' not in page:
            return page
        time.sleep(0.3)
    raise AssertionError("the run did not end")


def test_the_plan_page_runs_the_plan_and_shows_what_it_says(base_url: str, engine: Engine) -> None:
    _bicycles(base_url, engine)
    with signed_in(base_url, engine, "planner") as client:
        first = client.get("/plan")
        assert first.status_code == 200 and "Never run for this site." in first.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', first.text)
        assert csrf is not None
        refused = client.post("/plan/run", data={"site": "B1", "csrf": "forged"})
        assert refused.status_code == 403
        started = client.post("/plan/run", data={"site": "B1", "csrf": csrf[1]})
        assert started.status_code == 303 and started.headers["location"] == "/plan?site=B1"
        page = _until_done(client)
    # planned as of today, the plant's sales orders (March to May 2026) are all overdue
    assert "<strong>succeeded</strong>" in page
    made = re.search(r"<strong>(\d+)</strong>production orders", page)
    assert made is not None and int(made[1]) >= 5  # SO-3 is within the horizon now
    assert "<strong>0%</strong>on-time delivery" in page
    why = re.findall(r'<td class="number">[\d.]+</td><td>([^<]+)</td></tr>', page)
    assert why and all(why), "every late order says why"
    assert "<td>past due</td>" in page
    assert "<td>below safety stock</td>" in page  # TUBE: nothing in stock
    assert "<code>WELD</code>" in page and "<code>ASSY</code>" in page  # rough-cut rows
    assert not re.search(r"<script|<link|src=|https?://", page)


@pytest.mark.browser
def test_running_the_plan_in_chromium(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    _bicycles(sqlite_base_url, sqlite_engine)
    with signed_in(sqlite_base_url, sqlite_engine):  # creates the admin
        pass
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{sqlite_base_url}/login")
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{sqlite_base_url}/")
        page.get_by_role("link", name="Plan").click()
        page.get_by_role("button", name="Run the plan").click()
        page.get_by_text("succeeded").wait_for(timeout=120_000)  # the page refreshes itself
        assert page.get_by_role("heading", name="Late orders").count() == 1
        assert page.get_by_role("cell", name="below safety stock").count() == 1
        page.screenshot(path=str(ARTIFACTS / "plan.png"), full_page=True)
    finally:
        page.close()
    assert (ARTIFACTS / "plan.png").stat().st_size > 10_000
