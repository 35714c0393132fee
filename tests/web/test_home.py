"""The home page over real HTTP, and once in a real browser (Debian's chromium)."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from plantops.demo import build_plant
from plantops.demo.loader import load_demo
from tests.web.conftest import ARTIFACTS


def test_the_home_page_lists_sites_and_their_work_centers(base_url: str, engine: Engine) -> None:
    load_demo(engine)
    document = build_plant()
    response = httpx.get(f"{base_url}/", timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    regions = {r["code"]: r["name"] for r in document["regions"]}
    for site in document["sites"]:
        for text in (site["name"], site["code"], site["time_zone"], regions[site["region"]]):
            assert escape(text) in page
    for area in document["areas"]:
        assert escape(area["name"]) in page
    for center in document["work_centers"]:
        assert f"<code>{escape(center['code'])}</code></td><td>{escape(center['name'])}<" in page
    assert 'href="/api/docs"' in page
    # nothing fetched from elsewhere: plant networks are often offline
    assert not re.search(r"<script|<link|src=|https?://", page)


def test_an_empty_database_says_how_to_start(base_url: str) -> None:
    page = httpx.get(f"{base_url}/", timeout=30).text
    assert "No site yet" in page and "plantops demo" in page


def test_names_are_escaped(base_url: str) -> None:
    with httpx.Client(base_url=f"{base_url}/api/v1", timeout=30) as api:
        region = api.post("/regions", json={"code": "EU", "name": "Europe <b>&</b>"}).json()
        site = {"code": "X1", "name": "<script>alert(1)</script>", "region_id": region["id"]}
        created = api.post("/sites", json=site | {"time_zone": "Europe/Berlin", "currency": "EUR"})
        assert created.status_code == 201, created.text
    page = httpx.get(f"{base_url}/", timeout=30).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "Europe &lt;b&gt;&amp;&lt;/b&gt;" in page


@pytest.mark.browser
def test_the_home_page_renders_in_chromium(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    load_demo(sqlite_engine)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{sqlite_base_url}/")
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
    finally:
        page.close()
    assert (ARTIFACTS / "home.png").stat().st_size > 10_000
