"""The cockpit's tiles: each a card with its headline figure, the few lines behind it, and a
link to the page with the whole detail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import quote

from nicegui import ui

from plantops.kpi.cockpit import Cockpit, OrderFlag
from plantops.kpi.render_pdf import DASH
from plantops.web.shell import Visitor, link
from plantops.web.words import late_by


@contextmanager
def _card(title: str, target: str, mark: str) -> Iterator[None]:
    with ui.card().classes("w-full gap-2").mark(mark):
        with ui.row().classes("w-full items-center"):
            ui.label(title).classes("text-lg font-semibold")
            ui.space()
            ui.link("details", target).classes("text-sm").mark(f"{mark}-details")
        yield


def _big(text: str, tone: str = "text-primary", mark: str = "") -> None:
    label = ui.label(text).classes(f"text-4xl font-bold {tone}")
    if mark:
        label.mark(mark)


def _percent(value: float | None) -> str:
    return DASH if value is None else f"{value:.1%}"


def _number(value: float) -> str:
    return f"{value:,.0f}"


def empty() -> None:
    with ui.card().classes("w-full"):
        ui.label("No site yet. Load the demo plant with `plantops demo`, or import a plant file.")


def output(found: Cockpit, target: str) -> None:
    with _card("Output today", target, "tile-output"):
        planned, made = found.planned, found.made
        _big(f"{_number(made)} / {_number(planned)}", mark="output-figures")
        ui.label("good units made / planned to finish today").classes("text-sm text-gray-600")
        if planned:
            ui.linear_progress(min(made / planned, 1.0), show_value=False, size="10px")
        if len(found.products) > 6:
            ui.label(f"the 6 items with most planned, of {len(found.products)}").classes(
                "text-xs text-gray-500"
            )
        rows = [{"item": p.item, "planned": _number(p.planned),
                 "good": _number(p.good), "scrap": _number(p.scrap)}
                for p in found.products[:6]]  # fmt: skip
        _table(rows, ("item", "planned", "good", "scrap"))


def oee(found: Cockpit, target: str) -> None:
    today = next((d for d in reversed(found.trend) if d.oee is not None), None)
    goal = found.goals.get("oee")
    with _card("OEE", target, "tile-oee"):
        value = today.oee if today else None
        tone = "text-primary" if goal is None or value is None else (
            "text-positive" if value >= goal else "text-negative")  # fmt: skip
        _big(_percent(value), tone, mark="oee-figure")
        factors = (
            f"availability {_percent(today.availability if today else None)} · "
            f"performance {_percent(today.performance if today else None)} · "
            f"quality {_percent(today.quality if today else None)}"
        )
        ui.label(factors).classes("text-sm").mark("oee-factors")
        if goal is not None:
            ui.label(f"target {goal:.0%}").classes("text-sm text-gray-600")
        ui.echart(_trend_chart(found, goal)).classes("w-full h-48").mark("oee-trend")


def _trend_chart(found: Cockpit, goal: float | None) -> dict[str, Any]:
    def series(name: str, values: list[float | None]) -> dict[str, Any]:
        data = [None if v is None else round(v * 100, 1) for v in values]
        return {"name": name, "type": "line", "data": data, "connectNulls": False,
                "showSymbol": False}  # fmt: skip

    oee_line = series("OEE", [d.oee for d in found.trend])
    if goal is not None:
        goal_line = [{"yAxis": round(goal * 100, 1), "name": "target"}]
        oee_line["markLine"] = {"silent": True, "symbol": "none", "data": goal_line}
    return {
        "animation": False,
        "grid": {"left": 36, "right": 8, "top": 28, "bottom": 22},
        "legend": {"top": 0, "textStyle": {"fontSize": 11}},
        "tooltip": {"trigger": "axis", "valueFormatter": ":v => v == null ? '\u2013' : v + ' %'"},
        "xAxis": {"type": "category", "data": [d.day[5:] for d in found.trend]},
        "yAxis": {"type": "value", "min": 0, "max": 100},
        "series": [oee_line,
                   series("availability", [d.availability for d in found.trend]),
                   series("performance", [d.performance for d in found.trend]),
                   series("quality", [d.quality for d in found.trend])],
    }  # fmt: skip


def late(found: Cockpit, who: Visitor) -> None:
    with _card("Late and at-risk orders", link("/orders", who, late=1), "tile-late"):
        tone = "text-negative" if found.late_count else "text-positive"
        _big(f"{found.late_count} late", tone, mark="late-count")
        ui.label(f"{found.at_risk_count} more scheduled to finish after their due date").classes(
            "text-sm"
        ).mark("at-risk-count")
        for flag in (*found.late, *found.at_risk)[:6]:
            _order_line(flag, who)


def _order_line(flag: OrderFlag, who: Visitor) -> None:
    with ui.column().classes("gap-0"):
        with ui.row().classes("gap-2 items-baseline"):
            ui.link(flag.code, link(f"/orders/{quote(flag.code, safe='')}", who)).classes(
                "font-medium"
            )
            said = f", {late_by(flag.late_hours * 3600)} as scheduled" if flag.late_hours else ""
            ui.label(f"{flag.site} · {flag.item} x {_number(flag.quantity)} · due {flag.due}"
                     f"{said} · {flag.status.replace('_', ' ')}").classes("text-sm")  # fmt: skip
        if flag.why:
            ui.label(f"why: {flag.why}").classes("text-xs text-gray-600")


def shortages(found: Cockpit, who: Visitor) -> None:
    target = link("/orders", who, status="waiting_for_material")
    with _card("Material shortages", target, "tile-shortages"):
        tone = "text-negative" if found.short_orders else "text-positive"
        _big(f"{found.short_orders}", tone, mark="short-count")
        ui.label("orders on the floor waiting for material").classes("text-sm")
        rows = [{"order": s.order, "site": s.site, "component": s.component,
                 "short": _number(s.short), "due": str(s.due)}
                for s in found.shortages[:6]]  # fmt: skip
        _table(rows, ("order", "site", "component", "short", "due"))


def down(found: Cockpit, target: str) -> None:
    with _card("Machines down now", target, "tile-down"):
        tone = "text-negative" if found.down else "text-positive"
        _big(f"{len(found.down)}", tone, mark="down-count")
        now = datetime.now().astimezone()
        rows = [{"site": d.site, "work center": d.work_center, "reason": d.reason or DASH,
                 "for": _since(d.since, now)} for d in found.down[:8]]  # fmt: skip
        _table(rows, ("site", "work center", "reason", "for"))


def _since(since: datetime | None, now: datetime) -> str:
    if since is None:
        return DASH
    minutes = int((now - since).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes / 60:.1f} h"


def staffing(found: Cockpit, target: str) -> None:
    with _card("Staffing per shift", target, "tile-staffing"):
        lines = [(s.site, line) for s in found.staffing for line in s.lines]
        rows = [{"site": site, "shift": line.shift, "needed": line.needed,
                 "clocked in": line.clocked_in} for site, line in lines]  # fmt: skip
        short = sum(1 for _, line in lines if line.clocked_in < line.needed)
        tone = "text-negative" if short else "text-positive"
        _big(f"{short} short", tone, mark="staffing-short")
        ui.label("shifts today with fewer people than the schedule needs").classes("text-sm")
        if rows and not any(line.needed for _, line in lines):
            ui.label(
                "No released operation is scheduled today, so no crew is needed yet: release "
                "orders from the plan."
            ).classes("text-xs text-gray-500")
        quiet = [s.site for s in found.staffing if not s.lines]
        if quiet:
            ui.label(f"No shift today at {', '.join(quiet)}.").classes("text-xs text-gray-500")
        _table(rows, ("site", "shift", "needed", "clocked in"))


def quality(found: Cockpit, target: str) -> None:
    with _card("Quality today", target, "tile-quality"):
        scrap = sum(line.amount for line in found.scrap)
        _big(f"{_number(scrap)} scrap", mark="scrap-figure")
        rework = sum(line.amount for line in found.rework)
        ui.label(f"{_number(rework)} units to rework · scrap by reason:").classes("text-sm")
        rows = [{"reason": line.name, "units": _number(line.amount),
                 "share": _percent(line.share)} for line in found.scrap[:5]]  # fmt: skip
        _table(rows, ("reason", "units", "share"))


def _table(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> None:
    if not rows:
        ui.label("nothing to show").classes("text-sm text-gray-500")
        return
    columns = [{"name": f, "label": f.capitalize(), "field": f, "align": "left"} for f in fields]
    ui.table(columns=columns, rows=rows).props("dense flat").classes("w-full")
