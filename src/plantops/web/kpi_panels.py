"""The KPIs page's figures, drawn: tiles, the loss tree, the Paretos, the trend with its
table, and the report downloads."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from nicegui import ui

from plantops.kpi.dashboard import Dashboard
from plantops.kpi.report_model import ParetoLine
from plantops.web import kpi_charts as charts
from plantops.web import kpi_table
from plantops.web.kpi_choice import ANY, HOUR, Choice, Figures, flag, parse_day
from plantops.web.shell import Visitor


def draw(who: Visitor, choice: Choice, found: Figures) -> None:
    board = found.board
    tiles(board)
    with ui.card().classes("w-full"):
        _heading("OEE loss tree", "hours of planned busy time lost to the six big losses")
        tree = board.losses
        ui.label(
            f"Planned busy {tree.planned_busy / HOUR:,.1f} h, fully productive "
            f"{tree.productive / HOUR:,.1f} h: {tree.gap / HOUR:,.1f} h lost"
        ).props("data-losses")
        if tree.planned_busy > 0:
            ui.echart(charts.loss_waterfall(tree)).classes("w-full h-80")
    with ui.element("div").classes("grid grid-cols-1 xl:grid-cols-2 gap-4 w-full"):
        _pareto("Pareto of downtime", board.downtime_pareto, "hours", "downtime")
        _pareto("Pareto of scrap", board.scrap_pareto, "units", "scrap")
    with ui.card().classes("w-full"):
        name = charts.GROUPINGS[choice.by].lower()
        _heading(f"Trend by {name}", "OEE, availability, performance and quality, in %")
        groups = charts.measured(found.groups, choice.by)  # none without planned busy time
        if not groups:
            ui.label("Nothing was planned or booked in the span.").classes("text-grey-7")
        else:
            oee = next((k.target for k in board.kpis if k.key == "oee"), None)
            ui.echart(charts.trend_chart(groups, choice.by, oee)).classes("w-full h-80")
            height = min(len(groups), 12) * 42 + 90  # the headers may wrap to two lines
            ui.aggrid(kpi_table.grid_options(choice.by, groups)).classes(
                "w-full plantops-trend"
            ).style(f"height: {height}px").props('data-testid="trend-table"')
    Downloads(who, choice, found.shifts)


def _heading(title: str, note: str) -> None:
    with ui.row().classes("items-baseline gap-3"):
        ui.label(title).classes("text-lg font-semibold")
        ui.label(note).classes("text-sm text-grey-7")


def tiles(board: Dashboard) -> None:
    """The OEE and its three factors large, every other KPI small; each against its target."""
    shown = [charts.tile(k) for k in board.kpis]
    with ui.element("div").classes("grid grid-cols-2 lg:grid-cols-4 gap-3 w-full"):
        for found in (t for t in shown if t.key in charts.HEADLINE):
            _tile(found, "text-4xl")
    with ui.element("div").classes("grid grid-cols-2 md:grid-cols-4 xl:grid-cols-6 gap-2 w-full"):
        for found in (t for t in shown if t.key not in charts.HEADLINE):
            _tile(found, "text-xl")


def _tile(found: charts.Tile, size: str) -> None:
    colour = {"met": "#2e7d32", "missed": "#b3261e"}.get(found.state, "#aab4c0")
    back = {"met": "bg-green-1", "missed": "bg-red-1"}.get(found.state, "bg-white")
    with (
        ui.card()
        .classes(f"gap-0 p-3 {back}")
        .style(f"border-left: 6px solid {colour}")
        .props(f'data-kpi="{found.key}" data-state="{found.state}"')
    ):
        ui.label(found.name).classes("text-sm font-medium text-grey-8")
        ui.label(found.value).classes(f"{size} font-semibold kpi-value")
        if found.target:
            verdict = {"met": " (met)", "missed": " (missed)"}.get(found.state, "")
            ui.label(found.target + verdict).classes("text-xs text-grey-7")


def _pareto(title: str, lines: tuple[ParetoLine, ...], unit: str, kind: str) -> None:
    with ui.card().classes("w-full").props(f'data-pareto="{kind}"'):
        _heading(title, f"{unit} by reason, largest first, and the cumulative share")
        if not lines:
            ui.label(f"No {kind} was booked in the span.").classes("text-grey-7")
            return
        ui.echart(charts.pareto_chart(lines, unit)).classes("w-full h-72")


class Downloads:
    """The daily production report and the shift handover of a site and day, as PDF and XLSX
    (served by web.reports: the same files as its own page gives)."""

    def __init__(self, who: Visitor, choice: Choice, shifts: tuple[str, ...]) -> None:
        self.who = who
        with ui.card().classes("w-full"):
            _heading("Reports", "the daily production report and the shift handover")
            if not who.sites:
                ui.label("No site is granted to you.").classes("text-grey-7")
                return
            with ui.row().classes("items-center gap-3"):
                sites = {s.code: f"{s.code} · {s.name}" for s in who.sites}
                chosen = (who.site or who.sites[0]).code
                self.site = ui.select(sites, value=chosen, label="Report site")
                self.day = ui.date_input("Report day", value=f"{choice.last}")
                named = {s: s for s in shifts if s}
                self.shift = ui.select({ANY: "The last one begun"} | named, value=ANY,
                                       label="Report shift")  # fmt: skip
                for field in (self.site, self.day, self.shift):
                    field.props("dense outlined options-dense").classes("min-w-44")
                    field.on_value_change(self.offer)
            self.links = ui.column().classes("gap-1")
        self.offer()

    def offer(self) -> None:
        self.links.clear()
        day, wrong = parse_day("day", self.day.value, date.min, True)
        flag(self.day, wrong)
        if wrong:
            return
        shift = None if self.shift.value == ANY else self.shift.value
        with self.links:
            for kind, name in (("daily", "Daily production report"), ("shift", "Shift handover")):
                asked = {"kind": kind, "site": self.site.value, "date": f"{day}",
                         "shift": shift if kind == "shift" else None}  # fmt: skip
                wanted = urlencode({k: v for k, v in asked.items() if v})
                with ui.row().classes("items-center gap-3"):
                    ui.label(name).classes("w-48")
                    ui.link("View", f"/reports/view?{wanted}", new_tab=True)
                    for form in ("pdf", "xlsx"):
                        ui.link(form.upper(), f"/reports/file?{wanted}&format={form}").props(
                            f'download data-report="{kind}-{form}"'
                        )
