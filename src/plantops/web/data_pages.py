"""Master data at /data: one editable grid per table (/data?table=items, boms, routings,
work_centers, calendars, employees, skills, reason_codes) and the plant file's import and
export (/data?table=files). Every change goes through the generic record service."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from plantops.catalog import BY_NAME
from plantops.web.data_cells import STYLE
from plantops.web.data_grid import MasterGrid
from plantops.web.data_tables import TABLES, may_change
from plantops.web.data_transfer import Transfer
from plantops.web.shell import Visitor, admit, frame, link

FILES = "files"  # the import / export tab


@ui.page("/data")
def page(request: Request, site: str | None = None, table: str | None = None) -> object:
    who = admit(request, "/data", site)
    if isinstance(who, Response):  # signed out, or not for this role
        return who
    chosen = table if table in TABLES or table == FILES else next(iter(TABLES))
    title = "Import / export" if chosen == FILES else TABLES[chosen]
    with frame(who, "/data", f"Master data · {title}"):
        ui.add_css(STYLE)
        _tabs(who, chosen)
        if chosen == FILES:
            Transfer(who)
        else:
            _table(who, chosen)
    return None


def _tabs(who: Visitor, chosen: str) -> None:
    """Links, not client-side tabs: each table has its own address to bookmark and share."""
    with ui.row().classes("gap-1 w-full").props('role="tablist"'):
        for name, label in [*TABLES.items(), (FILES, "Import / export")]:
            current = name == chosen
            ui.button(label).props(
                f'href="{link("/data", who, table=name)}" no-caps role="tab" '
                f'aria-selected="{str(current).lower()}" '
                + ("unelevated color=primary" if current else "flat color=grey-9")
            ).props(f'data-testid="tab-{name}"')


def _table(who: Visitor, name: str) -> None:
    spec = BY_NAME[name]
    with ui.row().classes("items-center gap-3 w-full"):
        if may_change(who.caller, spec):
            ui.label(
                "Double-click a cell to change it (saved at once); Open a row for all its fields."
            ).classes("text-sm text-grey-8")
            reason = (
                ui.input(placeholder="Reason for changes (audit trail)")
                .props('dense outlined maxlength=500 aria-label="Reason for changes"')
                .classes("w-96")
            )
        else:
            ui.label("Read only: your role does not change this table.").classes(
                "text-sm text-grey-8"
            )
            reason = ui.input().classes("hidden")
    MasterGrid(who, spec, reason)
