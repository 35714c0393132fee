"""The planning board of a site: a Gantt per work center (zoom from a shift to weeks, colour
by order, status, lateness or setup family, non-working time shaded, a line at now). Click an
operation for its order, what it is for and why it is late; drag it (with a mouse or pen) to
another time or work center and confirm to pin it there; run the plan (or re-optimise around
the pins) and watch it progress; compare the site's what-if scenarios with the plan. A role
that may not change the schedule sees it without the controls that would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from nicegui import events, run, ui

from plantops.access.roles import Action, Domain
from plantops.planning import gantt
from plantops.planning.gantt import Board
from plantops.web import board_chart as chart_options
from plantops.web.board_detail import VIEW_ONLY, confirm_pin, listen_for_undo, open_operation
from plantops.web.board_runs import RunPanel, scenarios_panel
from plantops.web.shell import Visitor, admit, frame, read

ZOOMS = (("Shift", timedelta(hours=8)), ("Day", timedelta(days=1)),
         ("Week", timedelta(days=7)), ("4 weeks", timedelta(days=28)))  # fmt: skip
SNAP = timedelta(minutes=5)  # a dropped bar starts on a five-minute mark
# how to work the chart: a touch never drags (a swipe pans), so a tablet moves work by the dialog
VIEW_HINT = (
    "Click or tap an operation for its order. Swipe sideways on a touch screen, or "
    "shift-drag with a mouse, to pan; the wheel or the slider under the chart zooms."
)
HINT = (
    'Click or tap an operation for its order; its "Move and pin" moves it. With a mouse, '
    "you may also drag it to another time or work center (you confirm before it is pinned). "
    "Swipe sideways on a touch screen, or shift-drag with a mouse, to pan; the wheel or the "
    "slider under the chart zooms."
)


@ui.page("/board")
def page(request: Request, site: str | None = None, colour: str = "order") -> object:
    who = admit(request, "/board", site)
    if isinstance(who, Response):  # signed out, or not for this role
        return who
    with frame(who, "/board", "Planning board"):
        if who.site is None:
            _choose_site(who)
            return None
        BoardView(who, colour if colour in chart_options.COLOURINGS else "order").build()
    return None


def _choose_site(who: Visitor) -> None:
    ui.label("The board shows one site's schedule: choose the site.")
    with ui.row():
        for choice in who.sites:
            address = f"/board?{urlencode({'site': choice.code})}"
            ui.button(f"{choice.code} · {choice.name}").props(f'href="{address}" no-caps outline')


class BoardView:
    """The board of the visitor's chosen site, refreshed after every change."""

    def __init__(self, who: Visitor, colour: str) -> None:
        assert who.site is not None
        self.who, self.site, self.colour = who, who.site, colour
        self.zone = ZoneInfo(who.site.time_zone)
        self.board: Board | None = None
        self.editable = who.caller.may(Domain.planning, Action.update)  # pins, drags

    def build(self) -> None:
        ui.add_body_html(chart_options.DRAG_SCRIPT)
        listen_for_undo(self.who, self.refresh)
        self.runs = RunPanel(self.who, self.site.id, self.refresh)
        with ui.row().classes("items-center gap-2 w-full"):
            ui.toggle(chart_options.COLOURINGS, value=self.colour, on_change=self._recolour).props(
                "dense no-caps"
            ).mark("colour-by")
            ui.separator().props("vertical")
            for label, span in ZOOMS:
                ui.button(label, on_click=lambda span=span: self.zoom(span)).props(
                    "dense outline no-caps"
                ).mark(f"zoom-{label.replace(' ', '-')}")
            ui.space()
            self.summary = ui.label("").classes("text-sm text-grey-8").mark("board-summary")
        self.legend = ui.row().classes("gap-3 text-sm")
        self.loading = ui.spinner(size="lg")
        self.chart = ui.echart({"series": []}, on_point_click=self._clicked).classes("w-full")
        self.chart.on("board_drop", self._dropped)
        self.chart.mark("gantt")
        ui.label(HINT if self.editable else f"{VIEW_HINT} {VIEW_ONLY}").classes(
            "text-xs text-grey-7"
        ).props("data-testid=board-hint")
        self.pins = ui.column().classes("w-full gap-1").mark("pins")
        scenarios_panel(self.who, self.site)
        # the page answers at once; the schedule follows as soon as it is read
        ui.timer(0.05, self.refresh_async, once=True)

    async def refresh_async(self) -> None:
        """Read the board off the event loop: reading a site's calendars takes a moment."""
        self.board = await run.io_bound(
            read, self.who, lambda s, c: gantt.board(s, c, self.site.id)
        )
        self.loading.delete()
        self._draw(first=True)

    def refresh(self) -> None:
        self.board = read(self.who, lambda s, c: gantt.board(s, c, self.site.id))
        self._draw(first=False)

    def _draw(self, first: bool) -> None:
        board = self.board
        assert board is not None
        options = chart_options.options(board, self.colour, self.zone)
        if not first:  # keep the planner's zoom
            for zoom in options["dataZoom"]:
                zoom.pop("startValue", None)
                zoom.pop("endValue", None)
        height = max(260, len(board.lanes) * chart_options.LANE_HEIGHT + 100)
        self.chart.style(f"height: {height}px")
        self.chart.options.clear()
        self.chart.options.update(options)
        self.chart.update()
        editable = "true" if self.editable else "false"
        ui.run_javascript(f"plantopsBoard({self.chart.id}, {editable})")
        pinned = sum(1 for b in board.bars if b.pin_id)
        late = len({b.order for b in board.bars if b.late_seconds})
        self.summary.text = (
            f"{len(board.bars)} operations · {len({b.order for b in board.bars})} orders · "
            f"{late} late · {pinned} pinned"
        )
        self._legend()
        self._pins()
        self.runs.pins_changed(pinned)

    def _legend(self) -> None:
        assert self.board is not None
        self.legend.clear()
        with self.legend:
            for label, colour in chart_options.legend(self.board, self.colour):
                with ui.row().classes("items-center gap-1"):
                    ui.element("span").style(
                        f"display:inline-block;width:12px;height:12px;background:{colour}"
                    )
                    ui.label(label)
            if self.colour == "order" and self.board.bars:
                ui.label(chart_options.ORDER_LEGEND).props("data-testid=order-legend")
            if not self.board.bars:
                ui.label("Nothing is scheduled yet: run the plan.").mark("board-empty")

    def _pins(self) -> None:
        assert self.board is not None
        self.pins.clear()
        kept = [b for b in self.board.bars if b.pin_id]
        if not kept:
            return
        codes = {lane.id: lane.code for lane in self.board.lanes}
        with self.pins:
            ui.label("Pinned: the next plan run keeps these where they are").classes(
                "font-semibold"
            )
            for bar in kept:
                when = f"{bar.starts_at.astimezone(self.zone):%a %d %b %H:%M}"
                ui.link(
                    f"◆ {bar.order} op {bar.sequence} on {codes.get(bar.work_center_id)} "
                    f"from {when}",
                ).on("click", lambda bar=bar: self._open(bar.id)).classes("text-sm cursor-pointer")

    def _recolour(self, event: events.ValueChangeEventArguments[str]) -> None:
        self.colour = str(event.value)
        self._draw(first=False)

    def zoom(self, span: timedelta) -> None:
        start = datetime.now(UTC) - min(span / 8, timedelta(hours=2))
        self.chart.run_chart_method(
            "dispatchAction",
            {"type": "dataZoom", "dataZoomIndex": 0,
             "startValue": chart_options.wall_ms(start, self.zone),
             "endValue": chart_options.wall_ms(start + span, self.zone)},
        )  # fmt: skip

    def _clicked(self, event: events.EChartPointClickEventArguments) -> None:
        if event.series_name == "operations" and isinstance(event.value, list):
            self._open(int(event.value[3]))

    def _open(self, bar_id: int) -> None:
        assert self.board is not None
        open_operation(self.who, bar_id, self.zone, self.refresh, self.board)

    def _dropped(self, event: events.GenericEventArguments) -> None:
        """A bar let go on the chart: ask, then pin it where it was put."""
        assert self.board is not None
        if not self.editable:  # the page sends no drops then: a forged one is refused here
            return
        try:
            bar_id, row = int(event.args["id"]), int(event.args["row"])
            start = chart_options.from_wall(int(event.args["start"]), self.zone)
            lane = self.board.lanes[row]
            bar = next(b for b in self.board.bars if b.id == bar_id)
        except (KeyError, TypeError, ValueError, IndexError, StopIteration):
            ui.notify("That drop was not on a work center's row", type="warning")
            return
        confirm_pin(self.who, bar, lane.code, lane.id, _snapped(start), self.zone, self.refresh)


def _snapped(instant: datetime) -> datetime:
    step = int(SNAP.total_seconds())
    seconds = round(instant.timestamp() / step) * step
    return datetime.fromtimestamp(seconds, UTC)
