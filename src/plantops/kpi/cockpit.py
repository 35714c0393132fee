"""The cockpit: what a production manager looks at first, for one site or all of theirs.

Today's output against plan, OEE and its three factors over the last two weeks, orders late
or at risk, orders short of material, machines down now, staffing per shift against the
crews the schedule needs, and the day's scrap and rework. Each site's "today" is its own
local day. Everything is read inside the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.execution.views import work_centers_now
from plantops.inventory.material import material
from plantops.kpi import catalog, floor_facts, query, targets
from plantops.kpi.dashboard import span
from plantops.kpi.pareto import lines as pareto_lines
from plantops.kpi.pareto import pareto
from plantops.kpi.report_model import ParetoLine, ProductLine, StaffingLine
from plantops.masterdata.models import Item, ReasonCode
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.planning.schedule_result import why_late
from plantops.types import ON_THE_FLOOR, OrderStatus, WorkCenterState

TREND_DAYS = 14
LISTED = 8  # orders shown per list; the count says how many there are
# the floor's orders and the plan's: a proposed order late in the plan is demand at risk
OPEN = (*ON_THE_FLOOR, OrderStatus.proposed, OrderStatus.approved, OrderStatus.firm)


@dataclass(frozen=True)
class DayOee:
    day: str
    oee: float | None
    availability: float | None
    performance: float | None
    quality: float | None


@dataclass(frozen=True)
class OrderFlag:
    site: str
    code: str
    item: str
    quantity: float
    status: str
    due: date
    late_hours: float | None  # by how much the schedule misses the due date
    why: str  # the scheduler's explanation, in words ("" when none)


@dataclass(frozen=True)
class Shortage:
    site: str
    order: str
    component: str
    short: float
    due: date


@dataclass(frozen=True)
class Down:
    site: str
    work_center: str
    name: str
    since: datetime | None
    reason: str


@dataclass(frozen=True)
class SiteStaffing:
    site: str
    lines: tuple[StaffingLine, ...]


@dataclass(frozen=True)
class Cockpit:
    sites: tuple[str, ...]
    days: dict[str, date]  # each site's local today
    products: tuple[ProductLine, ...]  # today's made against plan, per item
    trend: tuple[DayOee, ...]  # the last TREND_DAYS days, oldest first
    goals: dict[str, float]  # KPI targets of the sites (oee, availability, ...)
    late: tuple[OrderFlag, ...]
    late_count: int
    at_risk: tuple[OrderFlag, ...]
    at_risk_count: int
    shortages: tuple[Shortage, ...]
    short_orders: int
    down: tuple[Down, ...]
    staffing: tuple[SiteStaffing, ...]
    scrap: tuple[ParetoLine, ...]  # today's scrap by reason
    rework: tuple[ParetoLine, ...]

    @property
    def planned(self) -> float:
        return sum(p.planned for p in self.products)

    @property
    def made(self) -> float:
        return sum(p.good for p in self.products)


def cockpit(session: Session, caller: Caller, site_ids: list[int], now: datetime) -> Cockpit:
    """The cockpit of `site_ids` (each must be in the caller's scope) at `now`."""
    caller.require(Domain.execution, Action.read, "the cockpit")
    chosen = select(Site).where(Site.id.in_(site_ids)).order_by(Site.code)
    sites = [s for s in session.scalars(chosen) if caller.scope.allows(s.id)]
    days = {s.code: now.astimezone(ZoneInfo(s.time_zone)).date() for s in sites}
    ids = frozenset(s.id for s in sites)
    products: list[ProductLine] = []
    staffing = []
    for site in sites:
        start, end = span(days[site.code], days[site.code], site.time_zone)
        products += floor_facts.products(session, site, start, end)
        shifts = floor_facts.shift_spans(session, site.id, days[site.code])
        staffing.append(SiteStaffing(site.code, tuple(floor_facts.staffing(session, site, shifts))))
    # a roll-up's trend ends on the day every site has reached (Suzhou's today begins while
    # Milwaukee's yesterday runs): its last point is then a whole day everywhere
    today = min(days.values(), default=now.date())
    late, late_count = _late(session, ids, days, sites, at_risk=False)
    at_risk, at_risk_count = _late(session, ids, days, sites, at_risk=True)
    shortages, short_orders = _shortages(session, ids, sites)
    return Cockpit(
        sites=tuple(days), days=days, products=tuple(_merged(products)),
        trend=_trend(session, ids, today), goals=targets.of_group(session, ids) if ids else {},
        late=late, late_count=late_count, at_risk=at_risk, at_risk_count=at_risk_count,
        shortages=shortages, short_orders=short_orders, down=_down(session, caller, sites),
        staffing=tuple(staffing),
        scrap=_reasons(session, sites, days, "scrap"),
        rework=_reasons(session, sites, days, "rework"),
    )  # fmt: skip


def _reasons(
    session: Session, sites: list[Site], days: dict[str, date], kind: str
) -> tuple[ParetoLine, ...]:
    """Scrap or rework by reason over each site's own today, merged by reason name."""
    merged: dict[str, list[Any]] = {}
    for site in sites:
        day = days[site.code]
        for line in pareto(session, query.Selection(day, day, frozenset({site.id})), kind):
            found = merged.setdefault(line.name, [line.code, line.name, 0.0, 0])
            found[2] += line.amount
            found[3] += line.occurrences
    return tuple(
        pareto_lines([(code, name, amount, count) for code, name, amount, count in merged.values()])
    )


def _merged(lines: list[ProductLine]) -> list[ProductLine]:
    """One line per item across sites, most planned first."""
    by_item: dict[str, ProductLine] = {}
    for line in lines:
        seen = by_item.get(line.item)
        by_item[line.item] = line if seen is None else ProductLine(
            line.item, line.name, seen.planned + line.planned, seen.good + line.good,
            seen.scrap + line.scrap,
        )  # fmt: skip
    return sorted(by_item.values(), key=lambda p: (-p.planned, -p.good, p.item))


def _trend(session: Session, ids: frozenset[int], today: date) -> tuple[DayOee, ...]:
    if not ids:
        return ()
    first = today - timedelta(days=TREND_DAYS - 1)
    found = {
        g.key: g.totals for g in query.totals(session, query.Selection(first, today, ids), "day")
    }
    trend = []
    for n in range(TREND_DAYS):
        key = (first + timedelta(days=n)).isoformat()
        t = found.get(key)
        trend.append(DayOee(key, *(None,) * 4) if t is None else DayOee(
            key, catalog.oee(t), catalog.availability(t), catalog.effectiveness(t),
            catalog.quality_ratio(t),
        ))  # fmt: skip
    return tuple(trend)


def _late(
    session: Session, ids: frozenset[int], days: dict[str, date], sites: list[Site],
    *, at_risk: bool,
) -> tuple[tuple[OrderFlag, ...], int]:  # fmt: skip
    """Orders past their due date (late), or not yet but scheduled to finish after it (at
    risk): the most urgent first, and how many there are."""
    codes = {s.id: s.code for s in sites}
    overdue = or_(*(
        (ProductionOrder.site_id == s.id) & (ProductionOrder.due_date < days[s.code]) for s in sites
    )) if sites else ProductionOrder.id.is_(None)  # fmt: skip
    where: list[ColumnElement[bool]] = [ProductionOrder.site_id.in_(ids),
        ProductionOrder.status.in_(OPEN), ProductionOrder.scenario_id.is_(None)]  # fmt: skip
    where += [~overdue, ProductionOrder.late_seconds > 0] if at_risk else [overdue]
    count = session.scalar(select(func.count()).select_from(ProductionOrder).where(*where)) or 0
    rows = session.execute(
        select(ProductionOrder, Item.code).join(Item, Item.id == ProductionOrder.item_id)
        .where(*where).order_by(ProductionOrder.due_date, ProductionOrder.priority,
                                ProductionOrder.code).limit(LISTED)
    ).all()  # fmt: skip
    return tuple(
        OrderFlag(codes[o.site_id], o.code, item, float(o.quantity), o.status.value, o.due_date,
                  o.late_seconds / 3600 if o.late_seconds else None, why_late(o.explanation))
        for o, item in rows
    ), count  # fmt: skip


def _shortages(
    session: Session, ids: frozenset[int], sites: list[Site]
) -> tuple[tuple[Shortage, ...], int]:
    """Orders on the floor waiting for material, with the components they are short of."""
    codes = {s.id: s.code for s in sites}
    where = [ProductionOrder.site_id.in_(ids),
             ProductionOrder.status == OrderStatus.waiting_for_material]  # fmt: skip
    count = session.scalar(select(func.count()).select_from(ProductionOrder).where(*where)) or 0
    orders = session.scalars(
        select(ProductionOrder).where(*where).order_by(ProductionOrder.due_date).limit(LISTED)
    )
    found = [
        Shortage(codes[o.site_id], o.code, line.item_code, float(line.short), o.due_date)
        for o in orders for line in material(session, o) if line.short > 0
    ]  # fmt: skip
    return tuple(found), count


def _down(session: Session, caller: Caller, sites: list[Site]) -> tuple[Down, ...]:
    codes = {s.id: s.code for s in sites}
    centers = [c for s in sites for c in work_centers_now(session, caller, s.id)
               if c.state is WorkCenterState.down]  # fmt: skip
    reasons = {r.id: r.name for r in session.scalars(
        select(ReasonCode).where(ReasonCode.id.in_([c.reason_code_id for c in centers]))
    )}  # fmt: skip
    return tuple(
        Down(codes[c.work_center.site_id], c.work_center.code, c.work_center.name, c.since,
             reasons.get(c.reason_code_id or 0, ""))
        for c in sorted(centers, key=lambda c: c.since or datetime.min)
    )  # fmt: skip
