"""NiceGUI on the same FastAPI app: the web application's pages (DESIGN.md: web UI).

NiceGUI keeps one application per process (`nicegui.app`), mounted under the parent app at
"/", after the parent's own routes (the API, sign-in and the server-rendered pages), so those
are matched first. Its assets (Vue, Quasar, AG Grid, ECharts) come from the installed package:
nothing is fetched from the internet, which plant networks are often cut off from.

Pages read the database through the parent app's session factory, looked up when used: the
tests point the one server at each test's database."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from nicegui import core
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import Match, Mount
from starlette.types import Scope

_parent: list[FastAPI] = []  # the app NiceGUI is mounted on: one per process


def mount(app: FastAPI) -> None:
    """Mount the web application on `app`; once per process (NiceGUI's app is global)."""
    if _parent:
        raise RuntimeError(
            "the web UI is mounted already in this process (create_app(web_ui=False))"
        )
    from nicegui import ui

    # importing the page modules registers their @ui.page routes
    from plantops.web import board, cockpit, data_pages, kpis, orders, terminal  # noqa: F401

    _parent.append(app)
    ui.button.default_props("no-caps")  # buttons say what they do as written, not shouted
    ui.run_with(
        app,
        mount_path="/",
        title="PlantOps",
        favicon=FAVICON,
        show_welcome_message=False,
        reconnect_timeout=30.0,  # a tablet on the floor loses Wi-Fi for a while, then comes back
    )
    routes = app.router.routes
    for index, route in enumerate(routes):
        if isinstance(route, Mount) and route.app is core.app:
            routes[index] = _Pages(route.path, app=route.app, name=route.name)


class _Pages(Mount):
    """NiceGUI's mount, for every path but the API's: under /api/ an unknown path or method
    keeps the API's own answer (404 or 405 as problem+json), not a web page."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] in ("http", "websocket") and scope["path"].startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


def sessions() -> sessionmaker[Session]:
    """The parent app's session factory, as it is now."""
    return _parent[0].state.sessions  # type: ignore[no-any-return]


def state() -> Any:
    return _parent[0].state


# A gear in the plant's navy, inline: no file to serve, no request to make
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="9" '
    'fill="none" stroke="#1f3a5f" stroke-width="6" stroke-dasharray="4 3"/>'
    '<circle cx="16" cy="16" r="4" fill="#1f3a5f"/></svg>'
)
