"""The cockpit (/cockpit): the production manager's first look at a site, or at all of theirs.

The page comes up at once and fills in from kpi.cockpit in a worker thread; it refreshes
itself every REFRESH seconds while it is open, so it follows the plant as it runs. Every tile
links to the page with the detail behind it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from nicegui import run, ui

from plantops.errors import DomainError
from plantops.kpi.cockpit import Cockpit, cockpit
from plantops.kpi.refresh import refresh_stale
from plantops.web import cockpit_tiles as tiles
from plantops.web.nice import sessions
from plantops.web.shell import Visitor, admit, frame, link, read

REFRESH = 30.0  # seconds between updates of the open page
FRESH = timedelta(minutes=1)  # KPI rows older than this are brought up to the ledger first


@ui.page("/cockpit")
def page(request: Request, site: str | None = None) -> Response | None:
    who = admit(request, "/cockpit", site)
    if isinstance(who, Response):  # signed out, or not for this role
        return who
    scope = who.site.name if who.site else f"all {len(who.sites)} of your sites"
    with frame(who, "/cockpit", "Cockpit"):
        with ui.row().classes("items-center gap-3 text-gray-700"):
            ui.label(f"Today at {scope}")
            updated = ui.label("loading…").classes("text-sm text-gray-500").mark("updated")
        board = ui.element("div").classes(
            "grid grid-cols-1 md:grid-cols-2 xl:grid-cols-3 gap-4 w-full"
        )

    async def refresh() -> None:
        try:
            found = await run.io_bound(_load, who)
        except DomainError as error:  # the session ended, a site was taken away
            ui.notify(error.detail, type="warning")
            return
        if found is None or board.is_deleted:  # shutting down, or the visitor left
            return
        board.clear()
        with board:
            _tiles(who, found)
        zone = ZoneInfo(who.site.time_zone) if who.site else UTC
        said = f"{datetime.now(zone):%H:%M:%S}" + ("" if who.site else " UTC")
        updated.set_text(f"updated {said}, every {REFRESH:g} s")

    ui.timer(0.05, refresh, once=True)
    ui.timer(REFRESH, refresh)
    return None


def _load(who: Visitor) -> Cockpit:
    now = _now()
    refresh_stale(sessions(), who.site_ids, now, FRESH)  # KPI rows up to the ledger
    return read(who, lambda session, caller: cockpit(session, caller, who.site_ids, now))


def _now() -> datetime:
    return datetime.now(UTC)


def _tiles(who: Visitor, found: Cockpit) -> None:
    if not found.sites:
        tiles.empty()
        return
    reports = f"/reports?site={who.site.code}" if who.site else "/reports"
    tiles.output(found, reports)
    tiles.oee(found, link("/kpis", who))
    tiles.late(found, who)
    tiles.shortages(found, who)
    tiles.down(found, link("/board", who))
    tiles.staffing(found, reports + ("&" if who.site else "?") + "kind=shift")
    tiles.quality(found, link("/kpis", who))
