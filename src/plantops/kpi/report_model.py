"""What a report says, ready to render (kpi.render_xlsx, kpi.render_pdf, the report page):
the daily production report of a site, the shift handover report, and the weekly and monthly
KPI packs that roll sites up. Plain values, already in the site's local time and in hours,
so every renderer shows the same figures. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class KpiValue:
    key: str
    name: str
    value: float | None  # a ratio (0.82), or hours, minutes, units/h as `unit` says
    unit: str  # "%" (a ratio shown as a percentage), "h", "min", "units/h", "orders", ...
    target: float | None = None
    trend: str = "higher"  # which way is better

    @property
    def meets_target(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target if self.trend == "higher" else self.value <= self.target


@dataclass(frozen=True)
class Line:
    """A row of a breakdown: a shift, a work center, a site or a day, with its figures."""

    label: str  # "Early", "DE-STR-CNC-01", "DE-STR", "2026-12-02"
    name: str  # a longer name, or ""
    good: float
    scrap: float
    rework: float
    planned: float | None  # quantity planned in the period (None: not known at this grouping)
    oee: float | None
    availability: float | None
    effectiveness: float | None
    quality_ratio: float | None
    down_hours: float  # breakdowns and minor stops


@dataclass(frozen=True)
class LossLine:
    key: str
    name: str
    factor: str  # availability, effectiveness or quality
    hours: float


@dataclass(frozen=True)
class ParetoLine:
    code: str
    name: str
    amount: float  # hours (downtime) or units (scrap)
    occurrences: int
    share: float  # of the total, 0..1
    cumulative: float  # 0..1, the Pareto curve


@dataclass(frozen=True)
class Incident:
    at: str  # local time, "2026-12-02 09:14"
    work_center: str
    what: str  # the reason's name
    minutes: float
    open: bool  # still down when the report was made


@dataclass(frozen=True)
class ProductLine:
    item: str
    name: str
    planned: float  # quantity of its operations scheduled in the period (last operation)
    good: float
    scrap: float


@dataclass(frozen=True)
class StaffingLine:
    shift: str
    needed: int  # people the operations scheduled in the shift need (crew sizes)
    clocked_in: int  # people who clocked in during the shift


@dataclass(frozen=True)
class Report:
    kind: str  # "daily", "shift", "weekly", "monthly"
    title: str  # "Daily production report, DE-STR Straubing, Wednesday 2 December 2026"
    scope: str  # the site's or region's code, or "all"
    first_day: date
    last_day: date
    time_zone: str
    generated_at: datetime  # UTC
    kpis: tuple[KpiValue, ...]
    planned_busy_hours: float
    productive_hours: float  # PRU x GQ
    losses: tuple[LossLine, ...]  # the six big losses: sum == planned busy - productive
    lines: tuple[Line, ...]  # by shift (daily), by work center (shift), by site (packs)
    lines_title: str  # "Shifts", "Work centers", "Sites"
    work_centers: tuple[Line, ...]  # by work center, worst OEE first
    downtime_pareto: tuple[ParetoLine, ...]
    scrap_pareto: tuple[ParetoLine, ...]
    trend: tuple[Line, ...] = ()  # by day (packs): the OEE trend
    products: tuple[ProductLine, ...] = ()  # made against plan
    incidents: tuple[Incident, ...] = ()  # breakdowns, longest first
    open_problems: tuple[str, ...] = ()  # machines still down, late orders, orders on hold
    staffing: tuple[StaffingLine, ...] = ()
    shift: str = ""  # the shift of a handover report
