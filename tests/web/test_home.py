"""The plant page (/plant) over real HTTP, and once in a real browser (Debian's chromium)."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from plantops.demo import build_plant
from plantops.demo.loader import load_demo
from plantops.storage.engine import make_session_factory
from tests.accounts import PASSWORD, admin_token
from tests.web.conftest import ARTIFACTS, signed_in


def test_the_home_page_lists_sites_and_their_work_centers(base_url: str, engine: Engine) -> None:
    load_demo(engine)
    document = build_plant()
    with signed_in(base_url, engine) as client:
        response = client.get("/plant")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    regions = {r["code"]: r["name"] for r in document["regions"]}
    for site in document["sites"]:
        for shown in (site["name"], site["code"], site["time_zone"], regions[site["region"]]):
            assert escape(shown) in page
    for area in document["areas"]:
        assert escape(area["name"]) in page
    for center in document["work_centers"]:
        assert f"<code>{escape(center['code'])}</code></td><td>{escape(center['name'])}<" in page
    assert 'href="/api/docs"' in page
    # nothing fetched from elsewhere: plant networks are often offline
    assert not re.search(r"<script|<link|src=|https?://", page)


def test_an_empty_database_says_how_to_start(base_url: str, engine: Engine) -> None:
    with signed_in(base_url, engine) as client:
        page = client.get("/plant").text
    assert "No site yet" in page and "plantops demo" in page


def test_names_are_escaped(base_url: str, engine: Engine) -> None:
    token = admin_token(make_session_factory(engine))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=30, headers=headers) as api:
        region = api.post("/regions", json={"code": "EU", "name": "Europe <b>&</b>"}).json()
        site = {"code": "X1", "name": "<script>alert(1)</script>", "region_id": region["id"]}
        created = api.post("/sites", json=site | {"time_zone": "Europe/Berlin", "currency": "EUR"})
        assert created.status_code == 201, created.text
    with signed_in(base_url, engine) as client:
        page = client.get("/plant").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "Europe &lt;b&gt;&amp;&lt;/b&gt;" in page


def test_a_user_sees_only_the_sites_granted(base_url: str, engine: Engine) -> None:
    load_demo(engine)
    with engine.connect() as connection:
        stuttgart = connection.execute(text("SELECT id FROM site WHERE code = 'DE-STR'")).scalar()
    with signed_in(base_url, engine, "ops", role="operator", site_ids=(stuttgart,)) as client:
        page = client.get("/plant").text
    assert 'id="site-DE-STR"' in page
    assert 'id="site-CN-SUZ"' not in page and 'id="site-US-MKE"' not in page
    assert "ops · operator" in page


@pytest.mark.browser
def test_signing_in_and_the_home_page_in_chromium(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    load_demo(sqlite_engine)
    with signed_in(sqlite_base_url, sqlite_engine):  # creates the admin
        pass
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{sqlite_base_url}/")
        assert page.url.endswith("/login")  # not signed in yet
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("alert").inner_text() == "Unknown username or wrong password."
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{sqlite_base_url}/cockpit")  # an administrator starts there
        page.goto(f"{sqlite_base_url}/plant")
        assert page.title() == "PlantOps"
        headings = page.locator("section.site h2").all_inner_texts()
        assert headings == [
            "Suzhou plant CN-SUZ",
            "Stuttgart plant DE-STR",
            "Milwaukee plant US-MKE",
        ]
        assert page.get_by_role("cell", name="CNC mill 1").count() == 3
        assert page.get_by_role("link", name="API documentation").get_attribute("href") == (
            "/api/docs"
        )
        page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{sqlite_base_url}/login")
        page.goto(f"{sqlite_base_url}/")
        assert page.url.endswith("/login")  # the session is gone
    finally:
        page.close()
    assert (ARTIFACTS / "home.png").stat().st_size > 10_000
