"""Every KPI PlantOps computes, with its ISO 22400-1 attributes (§4.3: id, name, description,
scope, formula, unit, range, trend, timing, audience, production methodology) and how it is
computed from a group's totals. A KPI the group's data cannot feed (a zero denominator) is
None, never 0: "no breakdowns" and "no running time" are different facts. Pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plantops.kpi.totals import Totals

HOUR = 3600.0


@dataclass(frozen=True)
class Kpi:
    key: str  # as in the API and the reports
    iso_id: str  # its number in ISO 22400-2 (reference/iso22400.md), or "" for a manager's measure
    name: str
    description: str
    formula: str
    unit: str
    low: float | None  # range
    high: float | None
    trend: str  # "higher" or "lower" is better
    timing: str  # real-time, periodic or on-demand
    audience: tuple[str, ...]  # operator, supervisor, management
    scope: str = "work unit"
    methodology: str = "discrete"
    compute: Callable[[Totals], float | None] | None = None  # None: an order-level measure


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _times(a: float | None, b: float | None, c: float | None) -> float | None:
    return None if a is None or b is None or c is None else a * b * c


def availability(t: Totals) -> float | None:
    return ratio(t.apt, t.pbt)


def effectiveness(t: Totals) -> float | None:
    return ratio(t.planned_produced, t.apt)


def quality_ratio(t: Totals) -> float | None:
    return ratio(t.good, t.produced)


def oee(t: Totals) -> float | None:
    return _times(availability(t), effectiveness(t), quality_ratio(t))


def nee(t: Totals) -> float | None:
    return _times(ratio(t.aupt, t.pbt), effectiveness(t), quality_ratio(t))


def mtbf_hours(t: Totals) -> float | None:
    """Mean operating time between failures: APT over the FE + 1 stretches it is cut into."""
    return t.apt / (t.failures + 1) / HOUR if t.apt > 0 else None


def mttr_minutes(t: Totals) -> float | None:
    return t.repair / t.failures / 60 if t.failures else None


def throughput(t: Totals) -> float | None:
    rate = ratio(t.produced, t.aoet)
    return None if rate is None else rate * HOUR


SHARE = "%"
ALL = ("operator", "supervisor", "management")
SUP = ("supervisor", "management")
RT, PER = "real-time", "periodic"


def _k(key: str, iso: str, name: str, formula: str, compute: Callable[[Totals], float | None]
       | None, *, unit: str = SHARE, low: float | None = 0.0, high: float | None = 1.0,
       trend: str = "higher", timing: str = RT, audience: tuple[str, ...] = ALL,
       scope: str = "work unit", description: str = "") -> Kpi:  # fmt: skip
    return Kpi(key, iso, name, description or name, formula, unit, low, high, trend, timing,
               audience, scope, "discrete", compute)  # fmt: skip


KPIS: tuple[Kpi, ...] = (
    _k(
        "oee",
        "6",
        "OEE index",
        "Availability x Effectiveness x Quality ratio",
        oee,
        description="Overall equipment effectiveness: good output at the planned rate over "
        "planned busy time (= PRU x GQ / PBT)",
    ),
    _k("availability", "8", "Availability", "APT / PBT", availability),
    _k(
        "effectiveness",
        "9",
        "Effectiveness",
        "PRU x PQ / APT",
        effectiveness,
        high=None,
        description="Performance: output at the planned rate over production time (above 1 "
        "when faster than planned)",
    ),
    _k("quality_ratio", "10", "Quality ratio", "GQ / PQ", quality_ratio),
    _k("nee", "7", "NEE index", "(AUPT / PBT) x Effectiveness x Quality ratio", nee),
    _k(
        "technical_efficiency",
        "12",
        "Technical efficiency",
        "APT / (APT + ADET)",
        lambda t: ratio(t.apt, t.apt + t.adet),
    ),
    _k(
        "setup_rate",
        "11",
        "Setup rate",
        "ASUT / AUPT",
        lambda t: ratio(t.asut, t.aupt),
        trend="lower",
        audience=SUP,
    ),
    _k(
        "allocation_efficiency",
        "4",
        "Allocation efficiency",
        "AUBT / PBT",
        lambda t: ratio(t.aubt, t.pbt),
        audience=SUP,
    ),
    _k(
        "utilization_efficiency",
        "5",
        "Utilization efficiency",
        "APT / AUBT",
        lambda t: ratio(t.apt, t.aubt),
        audience=SUP,
    ),
    _k(
        "allocation_ratio",
        "2",
        "Allocation ratio",
        "AUBT / AOET",
        lambda t: ratio(t.aubt, t.aoet),
        high=None,
        audience=SUP,
        scope="production order",
        description="Busy time of the work center over its operations' execution time",
    ),
    _k(
        "production_process_ratio",
        "13",
        "Production process ratio",
        "APT / AOET",
        lambda t: ratio(t.apt, t.aoet),
        high=None,
        audience=SUP,
        scope="production order",
    ),
    _k(
        "throughput_rate",
        "3",
        "Throughput rate",
        "PQ / AOET",
        throughput,
        unit="units/h",
        high=None,
        audience=SUP,
        scope="production order",
    ),
    _k(
        "scrap_ratio",
        "16",
        "Scrap ratio",
        "SQ / PQ",
        lambda t: ratio(t.scrap, t.produced),
        trend="lower",
    ),
    _k(
        "rework_ratio",
        "17",
        "Rework ratio",
        "RQ / PQ",
        lambda t: ratio(t.rework, t.produced),
        trend="lower",
    ),
    _k(
        "first_pass_yield",
        "15",
        "First pass yield",
        "GP / IP",
        quality_ratio,
        scope="product",
        description="Good the first time over all inspected (reported): "
        "reworked units do not count as good again",
    ),
    _k(
        "mtbf",
        "31",
        "MTBF",
        "APT / (FE + 1)",
        mtbf_hours,
        unit="h",
        high=None,
        timing=PER,
        audience=SUP,
        description="Mean operating time between failures",
    ),
    _k(
        "mttr",
        "33",
        "MTTR",
        "sum TTR / FE",
        mttr_minutes,
        unit="min",
        high=None,
        trend="lower",
        timing=PER,
        audience=SUP,
        description="Mean time to restoration",
    ),
    _k(
        "corrective_maintenance_ratio",
        "34",
        "Corrective maintenance ratio",
        "CMT / (CMT + PMT)",
        lambda t: ratio(t.breakdown, t.breakdown + t.maintenance),
        trend="lower",
        timing=PER,
        audience=SUP,
    ),
    _k(
        "worker_efficiency",
        "1",
        "Worker efficiency",
        "APWT / APAT",
        lambda t: ratio(t.apwt, t.apat),
        timing=PER,
        audience=SUP,
        scope="personnel",
    ),
    # measures of orders and stock a manager adds (computed by kpi.orders, not from totals)
    _k(
        "on_time_delivery",
        "",
        "On-time delivery",
        "orders completed by their due date / orders completed",
        None,
        timing=PER,
        audience=SUP,
        scope="production order",
    ),
    _k(
        "schedule_adherence",
        "",
        "Schedule adherence",
        "operations started within 15 min of their scheduled start / scheduled operations started",
        None,
        timing=PER,
        audience=SUP,
        scope="production order",
    ),
    _k(
        "lead_time",
        "",
        "Lead time",
        "mean of (completed - released) of completed orders",
        None,
        unit="h",
        high=None,
        trend="lower",
        timing=PER,
        audience=SUP,
        scope="production order",
    ),
    _k(
        "wip",
        "",
        "Work in progress",
        "orders on the floor at the end of the period",
        None,
        unit="orders",
        high=None,
        trend="lower",
        timing=RT,
        audience=SUP,
        scope="production order",
    ),
    _k(
        "inventory_turns",
        "24",
        "Inventory turns",
        "throughput / average inventory",
        None,
        unit="per year",
        high=None,
        timing=PER,
        audience=("management",),
        scope="site",
        description="Value of material consumed, at standard cost, per year over the "
        "average stock value",
    ),
)
BY_KEY = {k.key: k for k in KPIS}
FROM_TOTALS = tuple(k for k in KPIS if k.compute is not None)


def values(t: Totals) -> dict[str, float | None]:
    """Every KPI the totals feed, by key."""
    return {k.key: k.compute(t) for k in FROM_TOTALS if k.compute is not None}
