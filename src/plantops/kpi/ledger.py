"""What the KPI engine needs of one site for a span of local days, read from the event
ledger, the calendars and the routings: one CenterInput and its booking periods per work
center (kpi.elements, kpi.shifts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from plantops.execution.lifecycle import EventKind
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.kpi.elements import CenterInput, OpenOperation, Output, StateChange
from plantops.kpi.shifts import NamedShift, Period, periods
from plantops.masterdata import calendar as cal
from plantops.masterdata import models as m
from plantops.masterdata.availability import shift_calendar, site_calendars
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.types import LossCategory

E = EventKind
QUANTITY_EVENTS = (E.operation_report, E.operation_complete)
LOOKBACK = timedelta(days=14)


@dataclass(frozen=True)
class Center:
    work_center_id: int
    input: CenterInput
    periods: list[Period]


def read_site(session: Session, site: Site, first: date, last: date) -> list[Center]:
    zone = ZoneInfo(site.time_zone)
    start = cal.to_utc(datetime.combine(first - timedelta(days=1), time()), zone)
    end = cal.to_utc(datetime.combine(last + timedelta(days=2), time()), zone)
    centers = session.scalars(
        select(m.WorkCenter)
        .where(m.WorkCenter.site_id == site.id)
        .options(selectinload(m.WorkCenter.downtime_windows))
        .order_by(m.WorkCenter.id)
    ).all()
    calendars = site_calendars(session, site.id)
    losses: dict[int, LossCategory] = {
        row.id: row.loss_category
        for row in session.execute(
            select(m.ReasonCode.id, m.ReasonCode.loss_category).where(
                m.ReasonCode.site_id == site.id
            )
        )
    }
    ids = [c.id for c in centers]  # the ledger read through its (work center, time) index
    changes = _changes(session, ids, start, end, losses)
    outputs = _outputs(session, ids, start, end)
    operations = _operations(session, site.id, start, end)
    result = []
    for center in centers:
        calendar = calendars[center.calendar_id]
        shifts = tuple(NamedShift(s.name, s.weekday, s.start_time, s.end_time)
                       for s in calendar.shifts)  # fmt: skip
        engine_calendar = shift_calendar(calendar, site.time_zone, [])  # downtime: below
        own = changes.get(center.id, [])
        center_input = CenterInput(
            center.id,
            working=tuple(cal.available_intervals(engine_calendar, start, end)),
            planned_downtime=tuple(
                cal.Interval(max(d.starts_at, start), min(d.ends_at, end))
                for d in center.downtime_windows
                if d.ends_at > start and d.starts_at < end
            ),
            changes=tuple(own),
            outputs=tuple(outputs.get(center.id, ())),
            operations=tuple(operations.get(center.id, ())),
            reports_states=bool(own) or center.parallel_capacity <= 1,
            lanes=center.parallel_capacity,
        )
        result.append(Center(center.id, center_input, periods(shifts, site.time_zone, first, last)))
    return result


def _changes(
    session: Session, centers: list[int], start: datetime, end: datetime,
    losses: dict[int, LossCategory],
) -> dict[int, list[StateChange]]:  # fmt: skip
    """Each work center's state changes in the span, after the last one before it (looked
    for up to LOOKBACK back: a center silent longer than that starts the span idle)."""
    state = ShopEvent.kind == E.work_center_state
    rows = session.execute(
        select(ShopEvent.work_center_id, ShopEvent.occurred_at, ShopEvent.state,
               ShopEvent.reason_code_id)
        .where(ShopEvent.work_center_id.in_(centers), state, ShopEvent.occurred_at < end)
        .where(ShopEvent.occurred_at >= start - LOOKBACK)
        .order_by(ShopEvent.work_center_id, ShopEvent.occurred_at, ShopEvent.id)
    ).all()  # fmt: skip
    found: dict[int, list[StateChange]] = {}
    for center, at, name, reason in rows:
        if center is None or name is None:
            continue
        change = StateChange(at, str(name), losses.get(reason) if reason else None, reason)
        own = found.setdefault(center, [])
        if at < start and own and own[-1].at < start:
            own[-1] = change  # only the latest before the span matters
        else:
            own.append(change)
    return found


def _outputs(
    session: Session, centers: list[int], start: datetime, end: datetime
) -> dict[int, list[Output]]:
    alternative = m.OperationAlternative
    rows = session.execute(
        select(ShopEvent.work_center_id, ShopEvent.occurred_at, ShopEvent.good,
               ShopEvent.scrap, ShopEvent.rework, ShopEvent.scrap_reason_code_id,
               ShopEvent.reason_code_id, alternative.run_seconds_per_unit,
               ProductionOrder.item_id)
        .join(OrderOperation, OrderOperation.id == ShopEvent.order_operation_id)
        .join(ProductionOrder, ProductionOrder.id == OrderOperation.production_order_id)
        .outerjoin(alternative, and_(alternative.operation_id == OrderOperation.operation_id,
                                     alternative.work_center_id == ShopEvent.work_center_id))
        .where(ShopEvent.work_center_id.in_(centers), ShopEvent.kind.in_(QUANTITY_EVENTS),
               ShopEvent.occurred_at >= start, ShopEvent.occurred_at < end)
    ).all()  # fmt: skip
    found: dict[int, list[Output]] = {}
    for center, at, good, scrap, rework, scrap_reason, reason, pru, item in rows:
        if center is None or not (good or scrap or rework):
            continue
        found.setdefault(center, []).append(
            Output(
                at,
                good,
                scrap,
                rework,
                float(pru or 0.0),
                item,
                scrap_reason,
                reason if rework else None,
            )
        )
    return found


def _operations(
    session: Session, site_id: int, start: datetime, end: datetime
) -> dict[int, list[OpenOperation]]:
    """Operations open in the span: those ended after its start, and those not ended, each
    read by the (site, end) index (not every operation the site ever started)."""
    o = OrderOperation
    found: dict[int, list[OpenOperation]] = {}
    for ending in (o.actual_end > start, o.actual_end.is_(None)):
        rows = session.execute(  # the start checked here: in the query, SQLite would pick
            # the (site, start) index and read every operation begun before the span's end
            select(o.work_center_id, o.actual_start, o.actual_end, ProductionOrder.item_id)
            .join(ProductionOrder, ProductionOrder.id == o.production_order_id)
            .where(o.site_id == site_id, ending)
        ).all()  # fmt: skip
        for center, began, ended, item in rows:
            if began is not None and began < end:
                found.setdefault(center, []).append(OpenOperation(began, ended, item))
    return found
