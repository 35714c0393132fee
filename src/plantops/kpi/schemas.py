"""What the KPI API answers: the catalog, groups with their elements and KPIs, a dashboard,
and reports as JSON. Built from the engine's dataclasses, never from ORM rows."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from plantops.kpi import catalog
from plantops.kpi.dashboard import Dashboard
from plantops.kpi.query import Group
from plantops.kpi.report_model import KpiValue, ParetoLine
from plantops.kpi.totals import Totals

ELEMENTS = {
    "pot": "POT, planned operation time (s)", "pdot": "PDOT, planned downtime (s)",
    "pbt": "PBT, planned busy time (s)", "apt": "APT, actual production time (s)",
    "asut": "ASUT, actual unit setup time (s)", "adet": "ADET, actual unit delay time (s)",
    "breakdown": "of ADET, breakdowns (s)", "minor_stop": "of ADET, minor stops (s)",
    "idle": "idle in PBT (s)", "aubt": "AUBT, actual unit busy time (s)",
    "aoet": "AOET, actual order execution time (s)", "maintenance": "PMT (s)",
    "failures": "FE, failure events", "repair": "TTR summed (s)", "good": "GQ",
    "scrap": "SQ", "rework": "RQ", "produced": "PQ",
    "planned_produced": "PRU x PQ (s)", "planned_good": "PRU x GQ (s)",
}  # fmt: skip


class KpiDefinitionOut(BaseModel):
    key: str
    iso_id: str = Field(description="its number in ISO 22400-2, or '' for a manager's measure")
    name: str
    description: str
    formula: str
    unit: str
    low: float | None
    high: float | None
    trend: str
    timing: str
    audience: list[str]
    scope: str
    methodology: str


def definitions() -> list[KpiDefinitionOut]:
    return [
        KpiDefinitionOut(**{k: v for k, v in asdict(kpi).items() if k != "compute"})
        for kpi in catalog.KPIS
    ]


def elements(t: Totals) -> dict[str, float]:
    return {name: float(getattr(t, name)) for name in ELEMENTS}


class GroupOut(BaseModel):
    key: str
    name: str
    kpis: dict[str, float | None]
    elements: dict[str, float]


def group_out(group: Group) -> GroupOut:
    return GroupOut(key=group.key, name=group.name, kpis=catalog.values(group.totals),
                    elements=elements(group.totals))  # fmt: skip


class LossOut(BaseModel):
    key: str
    name: str
    factor: str
    element: str
    seconds: float


class LossTreeOut(BaseModel):
    planned_busy: float = Field(description="PBT, seconds")
    productive: float = Field(description="PRU x GQ: good output at the planned rate, seconds")
    losses: list[LossOut] = Field(description="the six big losses: they add up to the gap")


class DashboardOut(BaseModel):
    first: date
    last: date
    site_ids: list[int]
    refreshed_at: datetime | None = Field(description="the oldest of its sites' KPI rows")
    kpis: list[KpiValue]
    elements: dict[str, float]
    losses: LossTreeOut
    work_centers: list[GroupOut] = Field(description="worst OEE first")
    days: list[GroupOut]
    shifts: list[GroupOut]
    downtime_pareto: list[ParetoLine] = Field(description="hours per reason, largest first")
    scrap_pareto: list[ParetoLine] = Field(description="units per reason, largest first")
    orders: dict[str, Any]
    labour: dict[str, Any]


def dashboard_out(board: Dashboard, refreshed_at: datetime | None) -> DashboardOut:
    tree = board.losses
    return DashboardOut(
        first=board.selection.first, last=board.selection.last,
        site_ids=sorted(board.selection.site_ids), refreshed_at=refreshed_at,
        kpis=list(board.kpis), elements=elements(board.totals),
        losses=LossTreeOut(planned_busy=tree.planned_busy, productive=tree.productive,
                           losses=[LossOut(**asdict(x)) for x in tree.losses]),
        work_centers=[group_out(g) for g in board.work_centers],
        days=[group_out(g) for g in board.days], shifts=[group_out(g) for g in board.shifts],
        downtime_pareto=list(board.downtime_pareto), scrap_pareto=list(board.scrap_pareto),
        orders={**asdict(board.orders), "on_time_delivery": board.orders.on_time_delivery,
                "schedule_adherence": board.orders.schedule_adherence},
        labour={**asdict(board.labour), "utilisation": board.labour.utilisation},
    )  # fmt: skip
