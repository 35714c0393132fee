"""The KPIs page (/kpis): OEE and its loss tree, the Pareto of downtime and of scrap, the trend
by any grouping with its table, and the daily and shift reports to download, for a span of
local production days at the switcher's sites, narrowed to an area, a work center or a shift.

The page comes up at once; its figures are read in a worker thread (stale KPI rows brought up
to the ledger first, as the API does, then kpi.dashboard and kpi.query) and drawn when they
come. The choices are kept in the address, so a view can be shared as a link."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from nicegui import run, ui

from plantops.errors import DomainError
from plantops.web import kpi_charts as charts
from plantops.web import kpi_table
from plantops.web.kpi_choice import (
    ANY,
    PRESETS,
    SHIFT,
    Choice,
    Places,
    asked,
    figures,
    flag,
    parse_day,
    places,
    today,
)
from plantops.web.kpi_panels import draw
from plantops.web.shell import Visitor, admit, frame


@ui.page("/kpis")
def page(
    request: Request, site: str | None = None, first: str | None = None,
    last: str | None = None, by: str | None = None, area: str | None = None,
    work_center: str | None = None, shift: str | None = None,
) -> Response | None:  # fmt: skip
    who = admit(request, "/kpis", site)
    if isinstance(who, Response):  # signed out, or not for this role
        return who
    params = {"first": first, "last": last, "by": by, "area": area,
              "work_center": work_center, "shift": shift}  # fmt: skip
    choice, problems = asked(who, params)
    with frame(who, "/kpis", "KPIs"):
        Board(who, choice, problems)
    return None


class Board:
    """The page's controls and its figures, redrawn whenever a choice changes. A change the
    page makes itself (a preset, the options offered) leads to the choice already shown, so
    it reads nothing twice; when choices overtake each other the last one is drawn."""

    def __init__(self, who: Visitor, choice: Choice, problems: list[str]) -> None:
        self.who, self.choice, self.ticket = who, choice, 0
        self.places = Places({}, ())
        ui.add_css(kpi_table.TABLE_CSS)
        with ui.card().classes("w-full gap-2"):
            self._span()
            self._filters()
        self.problem = ui.label("; ".join(problems)).classes("text-negative font-medium")
        self.problem.props('role="alert"').set_visibility(bool(problems))
        self.status = ui.label("Reading the figures…").classes("text-sm text-grey-7")
        self.results = ui.column().classes("w-full gap-4")
        ui.timer(0.05, self._start, once=True)  # once the browser is connected

    def _span(self) -> None:
        with ui.row().classes("items-center gap-3 w-full"):
            self.first = ui.date_input("First day", value=f"{self.choice.first}")
            self.last = ui.date_input("Last day", value=f"{self.choice.last}")
            for field in (self.first, self.last):
                field.props("dense outlined debounce=700").classes("w-44")
                field.on_value_change(self._days_changed)
            for days, label in PRESETS:
                ui.button(label, on_click=lambda d=days: self._preset(d)).props("outline no-caps")

    def _filters(self) -> None:
        with ui.row().classes("items-center gap-3 w-full"):
            self.area = ui.select({ANY: "All areas"}, value=ANY, label="Area")
            self.center = ui.select({ANY: "All work centers"}, value=ANY, label="Work center")
            self.shift = ui.select({ANY: "All shifts"}, value=ANY, label="Shift")
            self.by = ui.select(charts.GROUPINGS, value=self.choice.by, label="Trend by")
            for field in (self.area, self.center, self.shift, self.by):
                field.props("dense outlined options-dense").classes("min-w-44")
                field.on_value_change(self._filters_changed)
            if self.who.site is None:
                self.area.disable()
                self.center.disable()
                ui.label("Choose one site to narrow to an area or a work center.").classes(
                    "text-sm text-grey-7"
                )

    async def _start(self) -> None:
        try:
            self.places = await run.io_bound(places, self.who) or self.places
        except DomainError as error:
            self._refused(error)
            return
        area = self.choice.area_id if self.choice.area_id in self.places.areas else ANY
        self.area.set_options({ANY: "All areas"} | self.places.areas, value=area)
        self._offer_centers()
        await self.show(self.choice)

    def _offer_centers(self) -> None:
        area = self.choice.area_id
        offered = {c: label for c, owner, label in self.places.work_centers
                   if area is None or owner == area}  # fmt: skip
        chosen = self.choice.work_center_id if self.choice.work_center_id in offered else ANY
        self.center.set_options({ANY: "All work centers"} | offered, value=chosen)

    async def _preset(self, days: int) -> None:
        last = today(self.who)
        self.choice = replace(self.choice, first=last - timedelta(days=days - 1), last=last)
        self.first.set_value(f"{self.choice.first}")
        self.last.set_value(f"{self.choice.last}")
        await self.show(self.choice)

    async def _days_changed(self) -> None:
        first, wrong = parse_day("first", self.first.value, self.choice.first, True)
        last, wrong_last = parse_day("last", self.last.value, self.choice.last, True)
        flag(self.first, wrong)
        flag(self.last, wrong_last)
        wanted = replace(self.choice, first=first, last=last)
        if not (wrong or wrong_last) and wanted != self.choice:
            await self.show(wanted)

    async def _filters_changed(self) -> None:
        def picked(field: ui.select) -> Any:
            return None if field.value in (ANY, None) else field.value

        area, center, shift = picked(self.area), picked(self.center), picked(self.shift)
        moved = area != self.choice.area_id
        if moved:  # another area: offer its work centers (that change finds nothing to do)
            self.choice = replace(self.choice, area_id=area, work_center_id=None)
            self._offer_centers()
            center = None
        wanted = replace(self.choice, area_id=area, work_center_id=center, by=self.by.value,
                         shift=None if shift is None else shift.removeprefix(SHIFT))  # fmt: skip
        if moved or wanted != self.choice:
            await self.show(wanted)

    async def show(self, choice: Choice) -> None:
        """Read the figures of `choice` and draw them."""
        self.choice, self.ticket = choice, self.ticket + 1
        mine = self.ticket
        self.status.set_text("Reading the figures…")
        try:
            found = await run.io_bound(figures, self.who, choice)
        except DomainError as error:
            if mine == self.ticket:
                self._refused(error)
            return
        if found is None or mine != self.ticket or self.results.is_deleted:
            return  # shutting down, overtaken, or the visitor has left
        self.problem.set_visibility(False)
        ui.navigate.history.replace(choice.address(self.who))
        self._offer_shifts(found.shifts)
        self.results.clear()
        with self.results:
            draw(self.who, choice, found)
        scope = self.who.site.name if self.who.site else f"all {len(self.who.sites)} sites"
        self.status.set_text(f"{scope}, {choice.first} to {choice.last}")

    def _offer_shifts(self, shifts: tuple[str, ...]) -> None:
        named = sorted(shifts, key=lambda s: (s == "", s))  # the time between shifts last
        names = {f"{SHIFT}{s}": s or charts.OFF_SHIFT for s in named}
        wanted = ANY if self.choice.shift is None else f"{SHIFT}{self.choice.shift}"
        if wanted != ANY:  # asked for in the address, though not booked in the span
            names.setdefault(wanted, wanted.removeprefix(SHIFT) or charts.OFF_SHIFT)
        self.shift.set_options({ANY: "All shifts"} | names, value=wanted)

    def _refused(self, error: DomainError) -> None:
        self.problem.set_text(error.detail)
        self.problem.set_visibility(True)
        self.status.set_text("No figures: see the message above.")
        self.results.clear()
