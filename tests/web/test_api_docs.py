"""The API documentation works on a plant network cut off from the internet."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.web.conftest import ARTIFACTS


@pytest.mark.browser
def test_swagger_ui_renders_from_local_assets_only(chromium: Any, sqlite_base_url: str) -> None:
    own_host = urlparse(sqlite_base_url).netloc
    foreign: list[str] = []
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.on("request", lambda r: foreign.append(r.url) if urlparse(r.url).netloc != own_host else 0)
    try:
        page.goto(f"{sqlite_base_url}/api/docs")
        # Swagger UI draws one block per tag; "items" is one of the record resources.
        page.locator("#operations-tag-items").wait_for(timeout=15_000)
        assert page.locator(".opblock").count() > 50
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    finally:
        page.close()
    assert foreign == []
