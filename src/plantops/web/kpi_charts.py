"""What the KPIs page (web.kpis) draws, built from what kpi.dashboard and kpi.query return:
the KPI tiles against their targets, the loss tree as a waterfall, the Paretos of downtime and
scrap (bars and the cumulative share), the trend by any grouping and the grouping's table.
Pure: results in, ECharts and AG Grid option dicts out, so they are tested without a browser.
Figures are formatted as the reports format them (kpi.render_pdf.number)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from plantops.kpi import catalog
from plantops.kpi.query import Group
from plantops.kpi.render_pdf import number
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
# the table's headers wrap between words, never inside one ("Availabilit-y")
ABOVE = "above the standard rate (check the routing's standard times)"
NOTE = f" — {ABOVE}"
# tooltip text is HTML in ECharts: names typed into master data are escaped
ESCAPE = "t => String(t).replace(/[&<>\"']/g, c => '&#' + c.charCodeAt(0) + ';')"


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


def percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def hours(seconds: float, decimals: int = 1) -> float:
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
        {"value": hours(tree.planned_busy), "itemStyle": {"color": BUSY}}
    ]
    running = tree.planned_busy
    for loss in tree.losses:
        after = running - loss.seconds
        base.append(hours(min(running, after)))
        colour = FACTOR_COLOUR[loss.factor] if loss.seconds >= 0 else GAIN
        shown.append({"value": hours(abs(loss.seconds)), "itemStyle": {"color": colour}})
        running = after
    base.append(0.0)
    shown.append({"value": hours(tree.productive), "itemStyle": {"color": PRODUCTIVE}})
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
    0-100 % axis: the few reasons that make most of the loss stand out. Reasons go by their
    names; the code is in the tooltip."""
    tip = (
        f"ps => {{ const esc = {ESCAPE}; const d = ps[0].data;"
        " let s = '<b>' + esc(d.name) + '</b> (' + esc(d.code) + ')';"
        " for (const p of ps) s += '<br/>' + p.marker + esc(p.seriesName) + ': '"
        " + (p.value == null ? '-' : p.value); return s; }"
    )
    return {
        "grid": {"left": 60, "right": 50, "top": 40, "bottom": 80},
        "tooltip": {"trigger": "axis", ":formatter": tip},
        "legend": {"top": 0},
        "xAxis": {
            "type": "category",
            "data": [line.name or line.code for line in lines],
            "axisLabel": {"interval": 0, "rotate": 30, "width": 110, "overflow": "truncate"},
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
                "data": [
                    {
                        "value": round(line.amount, 2),
                        "name": line.name or line.code,
                        "code": line.code,
                    }
                    for line in lines
                ],
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


def measured(groups: Sequence[Group], by: str) -> tuple[Group, ...]:
    """The groups with planned busy time: one without (the time between shifts when nothing
    was planned then) would show a meaningless 100 % availability and 0 % performance. A
    product has no planned busy time of its own (its figures are per unit), so all stay."""
    return tuple(groups) if by == "product" else tuple(g for g in groups if g.totals.pbt > 0)


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
    top = max((percent(v) or 0.0 for row in values for v in row.values()), default=0.0)
    series: list[dict[str, Any]] = []
    for key, name, colour in FACTORS:
        series.append(
            {
                "name": name,
                "type": "line" if over_time else "bar",
                "itemStyle": {"color": colour},
                "connectNulls": False,
                "data": [percent(v[key]) for v in values],
            }
        )
    if target is not None:
        series[0]["markLine"] = {
            "symbol": "none",
            "lineStyle": {"type": "dashed", "color": BUSY},
            "label": {"formatter": "OEE target", "position": "insideEndTop"},
            "data": [{"yAxis": percent(target)}],
        }
    # a performance above 100 % (faster than the routing's standard) is marked, not hidden
    tip = (
        f"ps => {{ const esc = {ESCAPE}; let s = esc(ps[0].axisValueLabel);"
        " for (const p of ps) { s += '<br/>' + p.marker + esc(p.seriesName) + ': '"
        " + (p.value == null ? '-' : p.value + ' %');"
        f" if (p.seriesName === 'Performance' && p.value > 100) s += {json.dumps(NOTE)}; }}"
        " return s; }"
    )
    options: dict[str, Any] = {
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 70},
        "tooltip": {"trigger": "axis", ":formatter": tip},
        "legend": {"top": 0},
        "xAxis": {
            "type": "category",
            "data": [group_label(g) for g in groups],
            "axisLabel": {"rotate": 30 if len(groups) > 8 else 0},
        },
        # 0-100, unless a figure is above it: then up to the next ten
        "yAxis": {"type": "value", "name": "%", "min": 0, "max": max(100, -(-top // 10) * 10)},
        "series": series,
    }
    if len(groups) > VISIBLE:  # a window to slide along the groups, VISIBLE at a time
        window = {"startValue": 0, "endValue": VISIBLE - 1}
        options["dataZoom"] = [{"type": "slider", "bottom": 5, **window}, {"type": "inside"}]
        options["grid"]["bottom"] = 100
    return options
