"""The operator terminal (/terminal): touch-first, for a 10-inch tablet at the work center.

The operator picks the work center, sees its dispatch list, and starts, pauses (with a
reason), reports good and scrap (with a reason), completes, and reports downtime (with a
reason). Recording must survive a short loss of the network, which NiceGUI's server-side
click handlers cannot: the recording path is our own script (static/terminal.js), which
queues each tap as an event with its idempotency key and sends it to the REST API
(POST /api/v1/events, with the session's CSRF token). This module is the server's side:
the work center picker, and the floor as the services see it, pushed to the script when
the page opens, when the script has sent events, and every half minute."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from nicegui import app, ui
from nicegui.events import GenericEventArguments, ValueChangeEventArguments

from plantops.web import terminal_data
from plantops.web.shell import Visitor, admit, frame, link, perform
from plantops.web.terminal_data import Station
from plantops.web.terminal_style import STYLE

SCRIPT_FILE = Path(__file__).parent / "static" / "terminal.js"
# its content's hash in the address: a tablet never keeps running yesterday's script
SCRIPT = (
    app.add_static_file(local_file=SCRIPT_FILE, url_path="/static/plantops/terminal.js")
    + "?v="
    + hashlib.sha256(SCRIPT_FILE.read_bytes()).hexdigest()[:12]
)
EVENTS = "/api/v1/events"
REFRESH_SECONDS = 30.0  # what other terminals and the planners changed meanwhile


@ui.page("/terminal")
def page(request: Request, site: str | None = None, work_center: str | None = None) -> object:
    who = admit(request, "/terminal", site)
    if isinstance(who, Response):  # signed out, or not for this role
        return who
    ui.add_head_html(f'<script src="{SCRIPT}"></script>')  # before the page's elements mount
    ui.add_css(STYLE)
    # a tablet (1280 px) needs its width for the panel: the navigation starts closed
    with frame(who, "/terminal", "Terminal", navigation_open=False):
        Terminal(who).build(work_center)
    return None


class Terminal:
    """One open terminal page: the work center it is set to, and what its script is shown."""

    def __init__(self, who: Visitor) -> None:
        self.who = who
        self.stations: dict[int, Station] = {}
        self.chosen: Station | None = None

    def build(self, wanted: str | None) -> None:
        site_id = self.who.site.id if self.who.site else None
        found = perform(self.who, lambda s, c: terminal_data.stations(s, c, site_id)) or []
        self.stations = {s.id: s for s in found}
        self.chosen = self._station(wanted)
        several = len({s.site_id for s in found}) > 1
        # those with work first: an operator looks for theirs among a few, not forty
        ranked = sorted(found, key=lambda s: (s.to_run == 0, self._label(s, several)))
        options = {s.id: self._label(s, several) for s in ranked}
        self.picker = (
            ui.select(
                options,
                value=self.chosen.id if self.chosen else None,
                label="Work center",
                on_change=self._picked,
            )
            .props('outlined behavior=dialog popup-content-class="terminal-options"')
            .classes("terminal-picker")
            .mark("work-center")
        )
        ui.element("div").props("data-terminal").classes("w-full")  # the script draws here
        ui.on("terminal_sent", self.refresh)
        ui.on("terminal_pick", self._remembered)
        ui.timer(REFRESH_SECONDS, self.refresh)
        config = {
            "user": self.who.caller.username,
            "csrf": self.who.csrf,
            "events": EVENTS,
            "centers": list(self.stations),
            "chosen": self.chosen.id if self.chosen else None,
        }
        ui.run_javascript(f"PlantopsTerminal.boot({json.dumps(config)})")
        if not found:
            ui.label("No work center at your sites: ask an administrator.").classes("text-lg")
        self.refresh()

    def _station(self, wanted: str | None) -> Station | None:
        if wanted is None or wanted == "":
            return None
        number = int(wanted) if wanted.isdigit() else None
        if number not in self.stations:
            ui.notify(f"work_center: no work center {wanted} at your sites", type="warning")
            return None
        return self.stations[number]

    def _label(self, station: Station, with_site: bool) -> str:
        label = f"{station.code} · {station.name}"
        if station.to_run:
            label += f" — {station.to_run} to run"
        if not with_site:
            return label
        site = next((s.code for s in self.who.sites if s.id == station.site_id), "")
        return f"{site} {label}"

    def refresh(self) -> None:
        """Push the chosen work center's floor to the script, as the services see it now."""
        station = self.chosen
        if station is None:
            return
        zone = next((s.time_zone for s in self.who.sites if s.id == station.site_id), "UTC")
        found = perform(self.who, lambda s, c: terminal_data.floor(s, c, station, zone))
        if found is not None:
            ui.run_javascript(f"PlantopsTerminal.show({json.dumps(found)})")

    def _picked(self, event: ValueChangeEventArguments[Any]) -> None:
        self.chosen = self.stations.get(event.value)
        if self.chosen is not None:
            ui.navigate.history.replace(link("/terminal", self.who, work_center=self.chosen.id))
            self.refresh()

    def _remembered(self, event: GenericEventArguments) -> None:
        """The script recalls the work center this tablet was set to last."""
        remembered: Any = event.args
        if self.chosen is None and remembered in self.stations:
            self.picker.value = remembered  # on_change does the rest
