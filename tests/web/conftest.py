"""Fixtures of the web page tests: the session's uvicorn server bound to this test's database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from plantops.storage.engine import make_session_factory
from tests.accounts import PASSWORD, add_user


def bind(server: tuple[object, str], engine: Engine) -> str:
    app, base = server
    app.state.engine = engine  # type: ignore[attr-defined]
    app.state.sessions = make_session_factory(engine)  # type: ignore[attr-defined]
    return base


@pytest.fixture
def base_url(server: tuple[object, str], engine: Engine) -> str:
    """Root URL of the server (no /api/v1), on this test's database, both backends."""
    return bind(server, engine)


@pytest.fixture
def sqlite_base_url(server: tuple[object, str], sqlite_engine: Engine) -> str:
    """The same on SQLite only: for the browser test, which needs no second backend."""
    return bind(server, sqlite_engine)


def submit_sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    """Open the sign-in page (it sets the form's token cookie) and post the form."""
    client.get("/login")
    form = {"username": username, "password": password, "csrf": client.cookies["plantops_form"]}
    return client.post("/login", data=form)


@contextmanager
def signed_in(
    base: str, engine: Engine, username: str = "admin", **grants: Any
) -> Iterator[httpx.Client]:
    """A client that signed in through the form, as a browser does (admin: every site)."""
    if grants:
        add_user(make_session_factory(engine), username, grants.pop("role"), **grants)
    else:
        add_user(make_session_factory(engine), username, "admin", everywhere=True)
    with httpx.Client(base_url=base, timeout=30) as client:
        answer = submit_sign_in(client, username, PASSWORD)
        assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text
        yield client


CHROMIUM = Path("/usr/bin/chromium")  # Debian's: never a downloaded browser build
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",  # the plant network (and CI) is closed
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; skipped with the reason where it is missing,
    a failure when PLANTOPS_TEST_BROWSER=required."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("PLANTOPS_TEST_BROWSER") == "required":
            pytest.fail(f"the browser is required (PLANTOPS_TEST_BROWSER=required) but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


DESKTOP = {"width": 1440, "height": 900}
TABLET = {"width": 1280, "height": 800}  # a 10-inch tablet held landscape
SCREENS = ARTIFACTS / "screens"  # kept by the test run for a reviewer to look at


@contextmanager
def browser_as(
    chromium: Any, base: str, engine: Engine, username: str, role: str = "admin", **grants: Any
) -> Iterator[Any]:
    """A Chromium page signed in through the form as a new user of `role` (by default granted
    every site). Script errors on the page fail the test."""
    if not grants:
        grants = {"everywhere": True}
    add_user(make_session_factory(engine), username, role, **grants)
    context = chromium.new_context(viewport=DESKTOP, base_url=base)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto("/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        yield page
        assert not errors, f"script errors on the page: {errors}"
    finally:
        context.close()


def screenshots(page: Any, name: str) -> list[Path]:
    """The page as it is, at desktop and tablet sizes, saved under test-artifacts/screens."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    saved = []
    for label, size in (("desktop", DESKTOP), ("tablet", TABLET)):
        page.set_viewport_size(size)
        page.wait_for_timeout(400)  # the layout and charts settle to the new width
        path = SCREENS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    page.set_viewport_size(DESKTOP)
    return saved
