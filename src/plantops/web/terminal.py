"""The Terminal page: being built (issue 9)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from plantops.web.shell import admit, frame


@ui.page("/terminal")
def page(request: Request, site: str | None = None) -> Response | None:
    who = admit(request, "/terminal", site)
    if isinstance(who, Response):  # signed out, or not for this role
        return who
    with frame(who, "/terminal", "Terminal"):
        ui.label("Being built.")
    return None
