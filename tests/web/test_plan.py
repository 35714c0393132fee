"""The plan page over real HTTP on both databases, and once in a real browser: run the plan of
a site, follow the run, read its figures, messages and rough-cut capacity."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import Engine

from plantops.storage.engine import make_session_factory
from plantops.web import what_if
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
    assert "<strong>0%</strong>sales lines planned on time" in page
    why = re.findall(r'<td class="number">[\d.]+ (?:h|days) late</td><td>([^<]+)</td></tr>', page)
    assert why and all(why), "every late order says why"
    assert "<td>past due</td>" in page
    assert "<td>below safety stock</td>" in page  # TUBE: nothing in stock
    assert "<code>WELD</code>" in page and "<code>ASSY</code>" in page  # rough-cut rows
    assert not re.search(r"<script|<link|src=|https?://", page)


def test_the_plan_page_shows_what_a_reschedule_moved(base_url: str, engine: Engine) -> None:
    _bicycles(base_url, engine)
    token = admin_token(make_session_factory(engine))
    headers = {"Authorization": f"Bearer {token}"}
    with signed_in(base_url, engine, "planner") as client:
        _planned(client)
        with httpx.Client(base_url=f"{base_url}/api/v1", timeout=30, headers=headers) as api:
            site = api.get("/sites").json()["items"][0]["id"]
            weld = next(
                c["id"] for c in api.get("/work_centers").json()["items"] if c["code"] == "WELD"
            )
            until = (datetime.now(UTC) + timedelta(days=4)).isoformat()
            body = {"site_id": site, "down": [{"work_center_id": weld, "until": until}],
                    "schedule_seconds": 1}  # fmt: skip
            assert api.post("/reschedules", json=body).status_code == 202
        page = _until_done(client)
    assert "<h2>Reschedule <small>" in page and "<strong>succeeded</strong>" in page
    assert "<h2>What moved <small>" in page and "<td>down</td>" in page
    assert "WELD down until" in page
    assert "<td>past due</td>" in page  # the plan run's messages stay on the page


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def _planned(client: httpx.Client) -> tuple[str, str]:
    """Run the plan of B1 from the page: the form token, and the page once the run is done."""
    csrf = _csrf(client.get("/plan").text)
    client.post("/plan/run", data={"site": "B1", "csrf": csrf})
    return csrf, _until_done(client)


def _statuses(page: str) -> dict[str, str]:
    """Production order code -> status, as the orders table shows them."""
    rows = re.findall(r'value="production:\d+".*?<code>([^<]+)</code>.*?<td>(\w+)</td></tr>', page)
    return dict(rows)


def test_a_planner_approves_firms_and_releases_orders_from_the_page(
    base_url: str, engine: Engine
) -> None:
    _bicycles(base_url, engine)
    with signed_in(base_url, engine, "planner") as client:
        csrf, page = _planned(client)
        ids = re.findall(r'value="production:(\d+)"', page)
        assert len(ids) >= 3 and set(_statuses(page).values()) == {"proposed"}
        ticked = [f"production:{i}" for i in ids[:2]]
        moved = client.post(
            "/plan/orders", data={"site": "B1", "csrf": csrf, "status": "approved", "order": ticked}
        )
        assert moved.status_code == 303 and "moved=2" in moved.headers["location"]
        page = client.get(moved.headers["location"]).text
        assert "2 orders now approved." in page
        assert sorted(_statuses(page).values()).count("approved") == 2
        client.post(
            "/plan/orders",
            data={"site": "B1", "csrf": csrf, "status": "released", "order": ticked[:1]},
        )
        # all or none: the released order (on the floor, ready) cannot go back, so the approved
        # one stays approved
        refused = client.post(
            "/plan/orders", data={"site": "B1", "csrf": csrf, "status": "proposed", "order": ticked}
        )
        assert refused.status_code == 409
        assert "cannot become proposed" in refused.text and 'role="alert"' in refused.text
        after = sorted(_statuses(client.get("/plan?site=B1").text).values())
        assert after.count("ready") == 1 and after.count("approved") == 1
        for odd in ("production:\u00b2", "production:" + "9" * 5000, "sales:1", "production:0"):
            wrong = client.post(
                "/plan/orders", data={"site": "B1", "csrf": csrf, "status": "firm", "order": odd}
            )
            assert wrong.status_code == 422 and "order: not an order" in wrong.text
        nothing = client.post("/plan/orders", data={"site": "B1", "csrf": csrf, "status": "firm"})
        assert nothing.status_code == 422 and "order: tick at least one order" in nothing.text
        forged = client.post(
            "/plan/orders", data={"site": "B1", "csrf": "x", "status": "firm", "order": ticked}
        )
        assert forged.status_code == 403
    auditor = signed_in(base_url, engine, "reader", role="auditor", everywhere=True)
    with auditor as client:  # reads the plan, changes nothing
        csrf = _csrf(client.get("/plan?site=B1").text)
        denied = client.post(
            "/plan/orders", data={"site": "B1", "csrf": csrf, "status": "firm", "order": ticked}
        )
        assert denied.status_code == 403


def test_a_scenario_at_the_end_of_time_is_shown_as_kept() -> None:
    # 23:00 on 31 Dec 9999 in Chicago is past the last instant Python has in UTC
    late = {
        "kind": "down", "work_center": "WELD",
        "starts_at": "9999-12-31T22:00:00-06:00", "ends_at": "9999-12-31T23:00:00-06:00",
    }  # fmt: skip
    said = what_if._describe(late, ZoneInfo("America/Chicago"))
    assert said == "down: WELD from 9999-12-31T22:00:00-06:00 to 9999-12-31T23:00:00-06:00"


RUSH_DUE = date.today() + timedelta(days=8)  # ahead, whenever the suite runs


def rush_fields() -> dict[str, str]:
    return {"kind": "new_demand", "item": "BIKE", "quantity": "5", "due_date": str(RUSH_DUE)}


def test_a_what_if_scenario_is_made_run_and_compared_from_the_page(
    base_url: str, engine: Engine
) -> None:
    _bicycles(base_url, engine)
    with signed_in(base_url, engine, "planner") as client:
        csrf, _ = _planned(client)
        form = {"site": "B1", "csrf": csrf, "code": "RUSH", "name": "A rush order"}
        missing = client.post(
            "/plan/scenarios", data={**form, "kind": "new_demand", "item": "BIKE"}
        )
        assert missing.status_code == 422
        assert "quantity: Field required" in missing.text and "due_date" in missing.text
        assert "None yet." in missing.text  # nothing was kept
        unnamed = client.post("/plan/scenarios", data={**form, "code": "", **rush_fields()})
        assert unnamed.status_code == 422 and "code: " in unnamed.text
        rush = rush_fields()
        made = client.post("/plan/scenarios", data={**form, **rush})
        assert made.status_code == 303
        page = client.get("/plan?site=B1").text
        assert f"new demand: 5 of BIKE due {RUSH_DUE} (priority 3)" in page
        assert "Not run yet." in page
        again = client.post("/plan/scenarios", data={**form, **rush})
        assert again.status_code == 409 and "exists" in again.text
        shift = {
            "site": "B1", "csrf": csrf, "code": "SAT", "name": "Saturday shift",
            "kind": "extra_shift", "work_center": "WELD",
            "starts_at": "2026-11-28T06:00", "ends_at": "2026-11-28T14:00",
        }  # fmt: skip
        assert client.post("/plan/scenarios", data=shift).status_code == 303
        page = client.get("/plan?site=B1").text
        assert "extra shift on WELD from 2026-11-28 06:00 to 2026-11-28 14:00" in page  # Berlin
        scenario = re.search(r'name="scenario" value="(\d+)"><button type="submit">Run RUSH', page)
        assert scenario is not None
        ran = client.post("/plan/run", data={"site": "B1", "csrf": csrf, "scenario": scenario[1]})
        assert ran.status_code == 303
        page = _until_done(client)
        row = re.search(
            r'<td>production orders</td><td class="number">(\d+)</td>'
            r'<td class="number">(\d+)</td><td class="number">1</td><td>plan</td>',
            page,
        )
        assert row is not None and int(row[2]) == int(row[1]) + 1, "the rush adds one bike order"
        assert re.search(
            r"<td>utilisation of <code>ASSY</code></td><td class=\"number\">\d+%", page
        )
        gone = client.post(
            "/plan/scenarios/delete", data={"site": "B1", "csrf": csrf, "scenario": scenario[1]}
        )
        assert gone.status_code == 303
        assert "Run RUSH" not in client.get("/plan?site=B1").text


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
        page.wait_for_url(f"{sqlite_base_url}/cockpit")
        page.get_by_role("link", name="Plan runs").click()  # from the navigation
        page.get_by_role("button", name="Run the plan").click()
        page.get_by_text("succeeded").wait_for(timeout=120_000)  # the page refreshes itself
        assert page.get_by_role("heading", name="Late orders").count() == 1
        assert page.get_by_role("cell", name="below safety stock").count() == 1
        page.get_by_role("checkbox").first.check()
        page.get_by_role("button", name="Approve").click()
        page.get_by_text("1 order now approved.").wait_for()
        page.get_by_label("Code", exact=True).fill("SAT")
        page.get_by_label("Name", exact=True).fill("Saturday shift")
        page.get_by_label("Change", exact=True).select_option("extra_shift")
        page.get_by_label("Work center", exact=True).fill("WELD")
        saturday = date.today() + timedelta(days=(5 - date.today().weekday()) % 7 or 7)
        page.get_by_label("From", exact=True).fill(f"{saturday}T06:00")
        page.get_by_label("To", exact=True).fill(f"{saturday}T14:00")
        page.get_by_role("button", name="Create the scenario").click()
        page.get_by_text(f"extra shift on WELD from {saturday} 06:00").wait_for()
        page.get_by_role("button", name="Run SAT").click()
        page.get_by_role("columnheader", name="Better").wait_for(timeout=120_000)
        page.screenshot(path=str(ARTIFACTS / "plan.png"), full_page=True)
    finally:
        page.close()
    assert (ARTIFACTS / "plan.png").stat().st_size > 10_000
