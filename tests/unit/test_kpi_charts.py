"""The KPIs page's charts and table, built from dashboard results without a browser: the loss
waterfall adds up from planned busy time to fully productive time, the Pareto's line climbs
to 100 %, the trend draws each group's OEE factors, the tiles judge each KPI by its target."""

from __future__ import annotations

from typing import Any

import pytest

from plantops.kpi.pareto import lines
from plantops.kpi.query import Group
from plantops.kpi.render_pdf import DASH
from plantops.kpi.report_model import KpiValue
from plantops.kpi.totals import Totals, loss_tree
from plantops.web import kpi_charts as charts
from plantops.web import kpi_table

HOUR = 3600.0
# 8 h planned busy: 1 h breakdown, 0.5 h setup, 0.25 h minor stops, 0.25 h idle; 6 h running
# in which 5 h of output at the planned rate was made (4.5 h of it good, 0.3 scrap, 0.2 rework)
SHIFT = Totals(pot=9 * HOUR, pdot=HOUR, apt=6 * HOUR, asut=0.5 * HOUR, breakdown=HOUR,
               minor_stop=0.25 * HOUR, idle=0.25 * HOUR, good=90, scrap=6, rework=4,
               planned_good=4.5 * HOUR, planned_scrap=0.3 * HOUR,
               planned_rework=0.2 * HOUR)  # fmt: skip


def _bars(options: dict[str, Any]) -> tuple[list[float], list[float], list[str]]:
    base, shown = options["series"]
    return (
        base["data"],
        [d["value"] for d in shown["data"]],
        [d["itemStyle"]["color"] for d in shown["data"]],
    )


def test_the_loss_waterfall_steps_down_from_planned_busy_to_productive_time() -> None:
    options = charts.loss_waterfall(loss_tree(SHIFT))
    base, shown, colours = _bars(options)
    assert options["xAxis"]["data"][0] == "Planned busy time"
    assert options["xAxis"]["data"][-1] == "Fully productive"
    # breakdowns 1, setup 0.5, minor stops and idling 0.5, speed 6 - 5 = 1, scrap 0.3, rework 0.2
    assert shown == [8.0, 1.0, 0.5, 0.5, 1.0, 0.3, 0.2, 4.5]
    assert base == [0.0, 7.0, 6.5, 6.0, 5.0, 4.7, 4.5, 0.0]  # each loss hangs from the last
    assert sum(shown[1:-1]) == pytest.approx(shown[0] - shown[-1])
    assert colours[1] == colours[2] == colours[3] == charts.FACTOR_COLOUR["availability"]
    assert colours[4] == charts.FACTOR_COLOUR["effectiveness"]
    assert colours[5] == colours[6] == charts.FACTOR_COLOUR["quality"]
    assert options["series"][0]["itemStyle"]["color"] == "transparent"


def test_running_faster_than_planned_is_a_gain_that_climbs_back() -> None:
    fast = Totals(pot=8 * HOUR, apt=6 * HOUR, breakdown=2 * HOUR, good=100,
                  planned_good=7 * HOUR)  # fmt: skip
    base, shown, colours = _bars(charts.loss_waterfall(loss_tree(fast)))
    assert shown[4] == 1.0 and colours[4] == charts.GAIN  # 7 h of output in 6 h of running
    assert base[4] == 6.0  # from 6 h (after the breakdown) up to 7 h
    assert shown[-1] == 7.0


def test_the_pareto_draws_the_largest_reason_first_and_the_cumulative_share() -> None:
    found = lines([("DT-JAM", "Jam", 1.0, 3), ("DT-MECH", "Mechanical", 3.0, 1),
                   ("DT-ELEC", "Electrical", 0.0, 2)])  # fmt: skip
    options = charts.pareto_chart(found, "hours")
    bars, cumulative = options["series"]
    assert options["xAxis"]["data"] == ["Mechanical", "Jam"]  # by name; nothing booked: out
    assert [d["value"] for d in bars["data"]] == [3.0, 1.0]
    assert (bars["data"][0]["name"], bars["data"][0]["code"]) == ("Mechanical", "DT-MECH")
    assert "d.code" in options["tooltip"][":formatter"]  # the code is in the tooltip
    assert cumulative["data"] == [75.0, 100.0] and cumulative["yAxisIndex"] == 1
    assert options["yAxis"][1]["max"] == 100


def _group(key: str, totals: Totals = SHIFT, name: str = "") -> Group:
    return Group(key, name or key, totals)


def test_the_trend_over_days_draws_lines_of_the_oee_factors_against_the_target() -> None:
    idle = Totals(pot=8 * HOUR)  # planned but nothing made: no effectiveness, no quality
    options = charts.trend_chart([_group("2026-12-01"), _group("2026-12-02", idle)], "day", 0.65)
    oee, availability, performance, quality = options["series"]
    assert all(s["type"] == "line" for s in options["series"])
    # 6/8 x 5/6 x 90/100 = 0.5625
    assert oee["data"] == [56.2, None] and availability["data"] == [75.0, 0.0]
    assert performance["data"] == [83.3, None] and quality["data"] == [90.0, None]
    assert oee["markLine"]["data"] == [{"yAxis": 65.0}]
    assert "dataZoom" not in options
    assert options["yAxis"]["max"] == 100  # a percent axis stays 0-100


def test_a_performance_above_100_percent_widens_the_axis_and_is_marked() -> None:
    fast = Totals(pot=8 * HOUR, apt=6 * HOUR, good=100, planned_good=7 * HOUR)  # 116.7 %
    options = charts.trend_chart([_group("2026-12-01", fast)], "day", None)
    assert options["series"][2]["data"] == [116.7]
    assert options["yAxis"]["max"] == 120  # up to the next ten, no further
    assert charts.ABOVE in options["tooltip"][":formatter"]
    assert "p.value > 100" in options["tooltip"][":formatter"]
    table = kpi_table.grid_options("day", [_group("2026-12-01", fast)])
    performance = next(c for c in table["columnDefs"] if c["field"] == "effectiveness")
    assert charts.ABOVE in performance[":tooltipValueGetter"]


def test_groups_without_planned_busy_time_are_left_out() -> None:
    between = Totals(apt=HOUR, good=10, planned_good=HOUR)  # booked outside every shift
    groups = [_group(""), _group("Early"), _group("", between)]
    assert [g.key for g in charts.measured(groups, "shift")] == ["", "Early"]
    assert len(charts.measured(groups, "product")) == 3  # a product has no planned busy time


def test_the_trend_by_work_center_draws_bars_and_slides_along_many() -> None:
    centers = [_group(f"WC-{n:02d}") for n in range(charts.VISIBLE + 5)]
    options = charts.trend_chart(centers, "work_center", None)
    assert {s["type"] for s in options["series"]} == {"bar"}
    assert "markLine" not in options["series"][0]  # the sites set no target
    assert options["dataZoom"][0]["endValue"] == charts.VISIBLE - 1
    shifts = charts.trend_chart([_group(""), _group("Early")], "shift", None)
    assert shifts["xAxis"]["data"] == [charts.OFF_SHIFT, "Early"]


def test_the_table_rows_carry_each_groups_figures() -> None:
    options = kpi_table.grid_options("work_center", [_group("CNC-01", name="CNC mill")])
    (row,) = options["rowData"]
    assert row == {"key": "CNC-01", "name": "CNC mill", "oee": 56.2, "availability": 75.0,
                   "effectiveness": 83.3, "quality_ratio": 90.0, "good": 90, "scrap": 6,
                   "rework": 4, "down_hours": 1.25, "busy_hours": 8.0}  # fmt: skip
    names = next(c for c in options["columnDefs"] if c["field"] == "name")
    assert names["hide"] is False
    days = kpi_table.grid_options("day", [_group("2026-12-01")])
    assert next(c for c in days["columnDefs"] if c["field"] == "name")["hide"] is True
    products = kpi_table.grid_options("product", [_group("FG-1", name="Winch")])
    assert "busy_hours" not in {c["field"] for c in products["columnDefs"]}
    # headers wrap rather than cut; figures keep a width to show whole, the table scrolls
    assert options["defaultColDef"]["wrapHeaderText"] is True
    assert all(c["minWidth"] >= 80 for c in options["columnDefs"] if "flex" in c)


@pytest.mark.parametrize(
    ("kpi", "value", "target", "state"),
    [
        (KpiValue("oee", "OEE index", 0.7, "%", 0.65, "higher"), "70.0%", "target ≥ 65.0%", "met"),
        (KpiValue("mttr", "MTTR", 50.0, "min", 45.0, "lower"), "50.0 min",
         "target ≤ 45.0 min", "missed"),
        (KpiValue("lead_time", "Lead time", None, "h", 24.0, "lower"), DASH,
         "target ≤ 24.0 h", ""),
        (KpiValue("wip", "Work in progress", 3.0, "orders"), "3 orders", "", ""),
    ],
)  # fmt: skip
def test_a_tile_judges_its_kpi_by_the_target(
    kpi: KpiValue, value: str, target: str, state: str
) -> None:
    found = charts.tile(kpi)
    assert (found.value, found.target, found.state) == (value, target, state)


def test_the_performance_tile_says_what_managers_call_it() -> None:
    found = charts.tile(KpiValue("effectiveness", "Effectiveness", 0.9, "%"))
    assert found.name == "Performance (effectiveness)"
