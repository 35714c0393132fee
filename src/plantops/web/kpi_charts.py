"""What the KPIs page (web.kpis) draws, built from what kpi.dashboard and kpi.query return:
the KPI tiles against their targets, the loss tree as a waterfall, the Paretos of downtime and
scrap (bars and the cumulative share), the trend by any grouping and the grouping's table.
Pure: results in, ECharts and AG Grid option dicts out, so they are tested without a browser.
Figures are formatted as the reports format them (kpi.render_pdf.number)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from plantops.kpi import catalog
from plantops.kpi.query import Group
from plantops.kpi.render_pdf import DASH, number
from plantops.kpi.report_model import KpiValue, ParetoLine
from plantops.kpi.totals import LossTree

HOUR = 3600.0
HEADLINE = ("oee", "availability", "effectiveness", "quality_ratio")
VISIBLE = 20  # groups the trend shows at once; a slider moves along the rest
OVER_TIME = ("day", "week", "month")  # groupings drawn as lines; the others as bars
GROUPINGS = {
    "day": "Day",
    "week": "Week",
    "month": "Month",
    "shift": "Shift",
    "work_center": "Work center",
    "area": "Area",
    "product": "Product",
    "site": "Site",
    "region": "Region",
}
FACTOR_COLOUR = {"availability": "#c0504d", "effectiveness": "#f79646", "quality": "#4f81bd"}
BUSY, PRODUCTIVE, CUMULATIVE, GAIN = "#1f3a5f", "#2e7d32", "#e07b00", "#7cb342"
# the OEE factors of the trend: ISO 22400 calls performance "effectiveness"
FACTORS = (
    ("oee", "OEE", "#1f3a5f"),
    ("availability", "Availability", FACTOR_COLOUR["availability"]),
    ("effectiveness", "Performance", FACTOR_COLOUR["effectiveness"]),
    ("quality_ratio", "Quality", FACTOR_COLOUR["quality"]),
)
NAMES = {"effectiveness": "Performance (effectiveness)"}  # the OEE factor's common name
OFF_SHIFT = "Between shifts"  # the name of the time outside every shift (key "")


@dataclass(frozen=True)
class Tile:
    key: str
    name: str
    value: str  # "82.4%", "1.3 h", a dash when the data cannot feed it
    target: str  # "target ≥ 85.0%", or "" when the sites set none
    state: str  # "met", "missed" or "" (no target, or no value)


def tile(kpi: KpiValue) -> Tile:
    unit = "" if kpi.unit == "%" or kpi.value is None else f" {kpi.unit}"
    goal = ""
    if kpi.target is not None:
        goal = f"target {'≥' if kpi.trend == 'higher' else '≤'} {number(kpi.target, kpi.unit)}"
        goal += "" if kpi.unit == "%" else f" {kpi.unit}"
    met = kpi.meets_target
    state = "" if met is None else ("met" if met else "missed")
    name = NAMES.get(kpi.key, kpi.name)
    return Tile(kpi.key, name, number(kpi.value, kpi.unit) + unit, goal, state)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _hours(seconds: float, decimals: int = 1) -> float:
    return round(seconds / HOUR, decimals)


def group_label(group: Group) -> str:
    return group.key if group.key else OFF_SHIFT


def loss_waterfall(tree: LossTree) -> dict[str, Any]:
    """Planned busy time, each of the six big losses taken off in turn, and the fully
    productive time that remains (PRU x GQ), in hours. A loss below zero (faster than the
    planned rate) is a gain and climbs back up. Bars stand on an invisible base series."""
    names = ["Planned busy time", *(loss.name for loss in tree.losses), "Fully productive"]
    base: list[float] = [0.0]
    shown: list[dict[str, Any]] = [
        {"value": _hours(tree.planned_busy), "itemStyle": {"color": BUSY}}
    ]
    running = tree.planned_busy
    for loss in tree.losses:
        after = running - loss.seconds
        base.append(_hours(min(running, after)))
        colour = FACTOR_COLOUR[loss.factor] if loss.seconds >= 0 else GAIN
        shown.append({"value": _hours(abs(loss.seconds)), "itemStyle": {"color": colour}})
        running = after
    base.append(0.0)
    shown.append({"value": _hours(tree.productive), "itemStyle": {"color": PRODUCTIVE}})
    return {
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 90},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 25}},
        "yAxis": {"type": "value", "name": "hours"},
        "series": [
            {
                "name": "base",
                "type": "bar",
                "stack": "losses",
                "data": base,
                "silent": True,
                "itemStyle": {"color": "transparent"},
                "tooltip": {"show": False},
            },
            {
                "name": "hours",
                "type": "bar",
                "stack": "losses",
                "data": shown,
                "label": {"show": True, "position": "top"},
            },
        ],
    }


def pareto_chart(lines: Sequence[ParetoLine], unit: str) -> dict[str, Any]:
    """Each reason's amount as a bar, largest first, and the cumulative share as a line on a
    0-100 % axis: the few reasons that make most of the loss stand out."""
    return {
        "grid": {"left": 60, "right": 50, "top": 40, "bottom": 70},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {
            "type": "category",
            "data": [line.code for line in lines],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": [
            {"type": "value", "name": unit},
            {
                "type": "value",
                "name": "cumulative %",
                "min": 0,
                "max": 100,
                "splitLine": {"show": False},
            },
        ],
        "series": [
            {
                "name": unit,
                "type": "bar",
                "itemStyle": {"color": BUSY},
                "data": [{"value": round(line.amount, 2), "name": line.name} for line in lines],
            },
            {
                "name": "cumulative %",
                "type": "line",
                "yAxisIndex": 1,
                "itemStyle": {"color": CUMULATIVE},
                "data": [round(line.cumulative * 100, 1) for line in lines],
            },
        ],
    }


def factors(group: Group) -> dict[str, float | None]:
    """The group's OEE and its three factors as ratios (None where the data cannot feed it)."""
    t = group.totals
    return {
        "oee": catalog.oee(t),
        "availability": catalog.availability(t),
        "effectiveness": catalog.effectiveness(t),
        "quality_ratio": catalog.quality_ratio(t),
    }


def trend_chart(groups: Sequence[Group], by: str, target: float | None) -> dict[str, Any]:
    """OEE, availability, performance and quality in % per group: lines over days, weeks or
    months; bars side by side for areas, work centers, shifts, products. The OEE target, when
    the sites set one, is a dashed line."""
    over_time = by in OVER_TIME
    values = [factors(g) for g in groups]
    series: list[dict[str, Any]] = []
    for key, name, colour in FACTORS:
        series.append(
            {
                "name": name,
                "type": "line" if over_time else "bar",
                "itemStyle": {"color": colour},
                "connectNulls": False,
                "data": [_percent(v[key]) for v in values],
            }
        )
    if target is not None:
        series[0]["markLine"] = {
            "symbol": "none",
            "lineStyle": {"type": "dashed", "color": BUSY},
            "label": {"formatter": "OEE target", "position": "insideEndTop"},
            "data": [{"yAxis": _percent(target)}],
        }
    options: dict[str, Any] = {
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 70},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "xAxis": {
            "type": "category",
            "data": [group_label(g) for g in groups],
            "axisLabel": {"rotate": 30 if len(groups) > 8 else 0},
        },
        "yAxis": {"type": "value", "name": "%", "min": 0},
        "series": series,
    }
    if len(groups) > VISIBLE:  # a window to slide along the groups, VISIBLE at a time
        window = {"startValue": 0, "endValue": VISIBLE - 1}
        options["dataZoom"] = [{"type": "slider", "bottom": 5, **window}, {"type": "inside"}]
        options["grid"]["bottom"] = 100
    return options


def grid_rows(groups: Sequence[Group]) -> list[dict[str, Any]]:
    """The grouping's rows for the table: factors in %, quantities, hours."""
    rows = []
    for group in groups:
        t = group.totals
        rows.append(
            {
                "key": group_label(group),
                "name": group.name if group.name != group.key else "",
                **{key: _percent(value) for key, value in factors(group).items()},
                "good": round(t.good, 1),
                "scrap": round(t.scrap, 1),
                "rework": round(t.rework, 1),
                "down_hours": _hours(t.adet, 2),
                "busy_hours": _hours(t.pbt, 2),
            }
        )
    return rows


def _number(field: str, header: str, decimals: int) -> dict[str, Any]:
    return {
        "field": field,
        "headerName": header,
        "type": "numericColumn",
        ":valueFormatter": f"p => p.value == null ? '{DASH}' : p.value.toFixed({decimals})",
    }


def grid_options(by: str, groups: Sequence[Group]) -> dict[str, Any]:
    """AG Grid options of the grouping's table (sortable, one row per group)."""
    return {
        "columnDefs": [
            {
                "field": "key",
                "headerName": GROUPINGS.get(by, by),
                "pinned": "left",
                "minWidth": 140,
            },
            {
                "field": "name",
                "headerName": "Name",
                "minWidth": 160,
                "hide": all(g.name in (g.key, "") for g in groups),
            },  # days, shifts: no names
            _number("oee", "OEE %", 1),
            _number("availability", "Availability %", 1),
            _number("effectiveness", "Performance %", 1),
            _number("quality_ratio", "Quality %", 1),
            _number("good", "Good", 0),
            _number("scrap", "Scrap", 0),
            _number("rework", "Rework", 0),
            *(
                ()
                if by == "product"
                else (
                    _number("down_hours", "Downtime h", 1),
                    _number("busy_hours", "Planned busy h", 1),
                )
            ),
        ],  # a product has no time of its own beside its running time
        "defaultColDef": {"sortable": True, "resizable": True},
        "rowData": grid_rows(groups),
    }
