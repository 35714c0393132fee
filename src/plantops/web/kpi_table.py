"""The KPIs page's table of a grouping (AG Grid options), beside its trend (web.kpi_charts):
one row per group with the OEE, its factors and the time elements. Pure, as the charts are."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from plantops.kpi.query import Group
from plantops.kpi.render_pdf import DASH
from plantops.web.kpi_charts import ABOVE, GROUPINGS, factors, group_label, hours, percent

TABLE_CSS = ".plantops-trend .ag-header-cell-text { word-break: normal; overflow-wrap: normal; }"


def grid_rows(groups: Sequence[Group]) -> list[dict[str, Any]]:
    """The grouping's rows for the table: factors in %, quantities, hours."""
    rows = []
    for group in groups:
        t = group.totals
        rows.append(
            {
                "key": group_label(group),
                "name": group.name if group.name != group.key else "",
                **{key: percent(value) for key, value in factors(group).items()},
                "good": round(t.good, 1),
                "scrap": round(t.scrap, 1),
                "rework": round(t.rework, 1),
                "down_hours": hours(t.adet, 2),
                "busy_hours": hours(t.pbt, 2),
            }
        )
    return rows


def _number(field: str, header: str, decimals: int, least: int = 80) -> dict[str, Any]:
    # flex fills a wide screen; the least width keeps the header's longest word and the
    # figure whole on a narrow one (the table scrolls sideways then)
    return {
        "field": field,
        "headerName": header,
        "type": "numericColumn",
        "flex": 1,
        "minWidth": least,
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
                "width": 140,  # "Between shifts" whole
            },
            {
                "field": "name",
                "headerName": "Name",
                "flex": 3,
                "minWidth": 180,
                "tooltipField": "name",  # a longer name than the column shows whole here
                "hide": all(g.name in (g.key, "") for g in groups),
            },  # days, shifts: no names
            _number("oee", "OEE %", 1),
            _number("availability", "Availability %", 1, 118),
            _number("effectiveness", "Performance %", 1, 118)
            | {":tooltipValueGetter": f"p => p.value > 100 ? {json.dumps(ABOVE)} : undefined"},
            _number("quality_ratio", "Quality %", 1, 90),
            _number("good", "Good", 0),
            _number("scrap", "Scrap", 0),
            _number("rework", "Rework", 0),
            *(
                ()
                if by == "product"
                else (
                    _number("down_hours", "Downtime h", 1, 100),
                    _number("busy_hours", "Planned busy h", 1, 90),
                )
            ),
        ],  # a product has no time of its own beside its running time
        "defaultColDef": {
            "sortable": True,
            "resizable": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        "tooltipShowDelay": 0,
        "rowData": grid_rows(groups),
    }
