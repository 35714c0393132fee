"""The header of the server-rendered pages (plan runs, reports, the plant): the same
destinations, names and sign-out as the web application's frame (web/shell.py), so moving
between the two kinds of page changes nothing a user relies on."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from fastapi.responses import RedirectResponse

from plantops.access.caller import Caller
from plantops.web.shell import NAVIGATION, landing

STYLE = """
header nav a.here { color: #fff; font-weight: 600; text-decoration: none; }
"""


def header(caller: Caller, csrf: str, path: str, site: str | None = None) -> str:
    """The house header for `caller` on the page at `path`; `site` (a code) travels along."""
    query = f"?{urlencode({'site': site})}" if site else ""
    here = ' class="here" aria-current="page"'
    links = " · ".join(
        f'<a href="{escape(place.path + query)}"{here if place.path == path else ""}>'
        f"{escape(place.label)}</a>"
        for place in NAVIGATION
        if caller.role in place.roles
    )
    role = caller.role.value.replace("_", " ")
    return (
        f'<header><h1><a href="{landing(caller.role)}" style="color:#fff;text-decoration:none">'
        f"PlantOps</a></h1><nav>{links}</nav>"
        f'<form method="post" action="/logout" class="account"><span>'
        f"{escape(caller.username)} · {escape(role)}</span> "
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<button type="submit">Sign out</button></form></header>'
    )


def refused(caller: Caller, path: str) -> RedirectResponse | None:
    """Where to send a caller whose role has no business on the page at `path` (their own
    start page), or None when they may be here."""
    if any(place.path == path and caller.role in place.roles for place in NAVIGATION):
        return None
    return RedirectResponse(landing(caller.role), status_code=303)
