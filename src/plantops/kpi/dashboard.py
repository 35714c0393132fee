"""A dashboard's worth of KPIs for a selection (kpi.query): every KPI of the catalog with its
target, the loss tree, the work centers worst first, the daily trend, the shifts, the Pareto
of downtime and of scrap, and the order, delivery and labour measures. The reports
(kpi.reports), the API and the pages all read this one result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.kpi import catalog, query, targets
from plantops.kpi import orders as measured
from plantops.kpi.pareto import pareto
from plantops.kpi.query import Group, Selection
from plantops.kpi.report_model import KpiValue, ParetoLine
from plantops.kpi.totals import LossTree, Totals, loss_tree
from plantops.masterdata.calendar import to_utc
from plantops.org.models import Site

ORDER_KPIS = ("on_time_delivery", "schedule_adherence", "lead_time", "wip")


@dataclass(frozen=True)
class Dashboard:
    selection: Selection
    totals: Totals
    kpis: tuple[KpiValue, ...]
    losses: LossTree
    work_centers: tuple[Group, ...]  # worst OEE first (those with no OEE last)
    days: tuple[Group, ...]
    shifts: tuple[Group, ...]
    downtime_pareto: tuple[ParetoLine, ...]
    scrap_pareto: tuple[ParetoLine, ...]
    orders: measured.OrderMeasures
    labour: measured.Labour


def dashboard(
    session: Session, selection: Selection, within: tuple[datetime, datetime] | None = None
) -> Dashboard:
    """`within`: the instants the order and labour measures cover (a shift's), instead of
    the selection's days."""
    whole = query.totals(session, selection, "all")[0].totals
    measures, labour = spans_measures(session, selection, within)
    whole = replace(whole, apwt=labour.work_seconds, apat=labour.attendance_seconds)
    goals = targets.of_group(session, selection.site_ids)
    turns = stock_turns(session, selection, within)
    return Dashboard(
        selection=selection,
        totals=whole,
        kpis=kpi_values(whole, measures, goals, turns),
        losses=loss_tree(whole),
        work_centers=tuple(worst_first(query.totals(session, selection, "work_center"))),
        days=tuple(query.totals(session, selection, "day")),
        shifts=tuple(query.totals(session, selection, "shift")),
        downtime_pareto=tuple(pareto(session, selection, "downtime")),
        scrap_pareto=tuple(pareto(session, selection, "scrap")),
        orders=measures,
        labour=labour,
    )


def worst_first(groups: Iterable[Group]) -> list[Group]:
    def key(g: Group) -> tuple[bool, float, str]:
        value = catalog.oee(g.totals)
        return (value is None, value or 0.0, g.key)

    return sorted(groups, key=key)


def kpi_values(
    t: Totals, measures: measured.OrderMeasures, goals: dict[str, float],
    turns: float | None = None,
) -> tuple[KpiValue, ...]:  # fmt: skip
    """Every KPI of the catalog, valued (None where the data cannot feed it), with its
    target where the sites set one."""
    computed = catalog.values(t)
    computed |= {
        "on_time_delivery": measures.on_time_delivery,
        "schedule_adherence": measures.schedule_adherence,
        "lead_time": measures.lead_time_hours,
        "wip": float(measures.wip),
        "inventory_turns": turns,
    }
    return tuple(
        KpiValue(k.key, k.name, computed.get(k.key), k.unit, goals.get(k.key), k.trend)
        for k in catalog.KPIS
        if k.key in computed
    )


def span(first: date, last: date, time_zone: str) -> tuple[datetime, datetime]:
    """Local days first..last as UTC instants (the end exclusive)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(time_zone)
    return (
        to_utc(datetime.combine(first, time()), zone),
        to_utc(datetime.combine(last + timedelta(days=1), time()), zone),
    )


def stock_turns(
    session: Session, selection: Selection, within: tuple[datetime, datetime] | None
) -> float | None:
    """Inventory turns of the selection's sites, over its days in UTC (turns are a year's
    rate: a few hours of time zone make no difference to them)."""
    if not selection.site_ids:
        return None
    start, end = within or span(selection.first, selection.last, "UTC")
    return measured.inventory_turns(session, selection.site_ids, start, end)


def spans_measures(
    session: Session, selection: Selection, within: tuple[datetime, datetime] | None = None
) -> tuple[measured.OrderMeasures, measured.Labour]:
    """The order and labour measures of the selection's local days, each site's days in its
    own time zone (sites sharing one are read together)."""
    zones = session.execute(
        select(Site.time_zone, Site.id).where(Site.id.in_(selection.site_ids))
        .order_by(Site.time_zone)
    ).all()  # fmt: skip
    found, people = [], []
    for zone, rows in groupby(zones, key=lambda r: str(r[0])):
        ids = [r[1] for r in rows]
        start, end = within or span(selection.first, selection.last, zone)
        found.append(measured.order_measures(session, ids, start, end))
        people.append(measured.labour(session, ids, start, end))
    return combine(found), combine_labour(people)


def combine(parts: list[measured.OrderMeasures]) -> measured.OrderMeasures:
    if len(parts) == 1:
        return parts[0]
    completed = sum(p.completed for p in parts)
    weighted = sum((p.lead_time_hours or 0) * p.completed for p in parts)
    return measured.OrderMeasures(
        completed=completed,
        on_time=sum(p.on_time for p in parts),
        lead_time_hours=weighted / completed if completed else None,
        operations_started=sum(p.operations_started for p in parts),
        started_on_schedule=sum(p.started_on_schedule for p in parts),
        wip=sum(p.wip for p in parts),
        late_open=sum(p.late_open for p in parts),
    )


def combine_labour(parts: list[measured.Labour]) -> measured.Labour:
    if len(parts) == 1:
        return parts[0]
    return measured.Labour(
        attendance_seconds=sum(p.attendance_seconds for p in parts),
        work_seconds=sum(p.work_seconds for p in parts),
        people=sum(p.people for p in parts),
    )
