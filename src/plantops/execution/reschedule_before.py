"""What a reschedule reads before it repairs: the site's orders and their slots in the
schedule, the floor's state, the disruption asked for (work centers down, rush orders) and
the planners' pins, in one consistent read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.execution.floor_state import read_floor
from plantops.masterdata import models as md
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.floor_state import FloorState
from plantops.planning.pinned import held
from plantops.planning.schedule_input import Order
from plantops.types import OrderStatus, PlanRunKind, PlanRunStatus

RESCHEDULED = (
    OrderStatus.proposed,
    OrderStatus.approved,
    OrderStatus.firm,
    OrderStatus.released,
    OrderStatus.ready,
    OrderStatus.waiting_for_material,
    OrderStatus.in_progress,
    OrderStatus.paused,
)  # an order on hold keeps its slots until it is released again


@dataclass
class Before:
    """The site as the reschedule found it."""

    now: datetime
    orders: list[Order]
    order_ids: dict[str, int]  # code -> id (not for rush orders: they are not stored yet)
    statuses: dict[str, OrderStatus]
    late: dict[str, int]  # code -> late seconds in the previous schedule
    feeds: list[tuple[str, str]]
    slots: dict[tuple[str, int], tuple[datetime, datetime, str]]  # (order, operation) -> slot
    floor: FloorState
    down: dict[str, datetime]  # work center -> until
    rush: list[dict[str, Any]] = field(default_factory=list)
    # where planners pinned operations: (order, operation) -> (start, work center)
    held: dict[tuple[str, int], tuple[datetime, str]] = field(default_factory=dict)


def read_before(session: Session, site: Site, run: m.PlanRun) -> Before:
    disruption = run.disruption or {}
    now = datetime.now(UTC)
    rows = session.execute(
        select(m.ProductionOrder, md.Item.code)
        .join(md.Item, md.Item.id == m.ProductionOrder.item_id)
        .where(
            m.ProductionOrder.site_id == site.id,
            m.ProductionOrder.status.in_(RESCHEDULED),
            m.ProductionOrder.scenario_id.is_(None),
        )
        .order_by(m.ProductionOrder.code)
    ).all()
    orders = [
        Order(o.code, item, o.quantity, o.release_date, o.due_date, o.priority) for o, item in rows
    ]
    rush = [
        {**r, "code": r["code"] or f"RUSH-{run.id}-{n:03d}"}
        for n, r in enumerate(disruption.get("rush", []), start=1)
    ]
    for r in rush:
        due = datetime.fromisoformat(r["due_date"]).date()
        orders.append(
            Order(r["code"], r["item"], Decimal(r["quantity"]), run.today, due, r["priority"])
        )
    centers = dict(
        session.execute(
            select(md.WorkCenter.id, md.WorkCenter.code).where(md.WorkCenter.site_id == site.id)
        ).all()
    )
    slot = m.ScheduledOperation
    slots = {
        (code, s.operation_id): (s.starts_at, s.ends_at, centers[s.work_center_id])
        for code, s in session.execute(
            select(m.ProductionOrder.code, slot)
            .join(slot, slot.production_order_id == m.ProductionOrder.id)
            .where(
                m.ProductionOrder.site_id == site.id,
                m.ProductionOrder.status.in_(RESCHEDULED),
                m.ProductionOrder.scenario_id.is_(None),
            )
        ).all()
    }
    down = {d["work_center"]: datetime.fromisoformat(d["until"]) for d in disruption["down"]}
    return Before(
        now=now,
        orders=orders,
        order_ids={o.code: o.id for o, _ in rows},
        statuses={o.code: o.status for o, _ in rows},
        late={o.code: o.late_seconds or 0 for o, _ in rows},
        feeds=_feeds(session, site.id),
        slots=slots,
        floor=read_floor(session, site.id, now),
        down=down,
        rush=rush,
        held=held(session, site.id),
    )


def _feeds(session: Session, site_id: int) -> list[tuple[str, str]]:
    """Which order feeds which, from the pegging of the site's latest plan."""
    latest = session.scalar(
        select(m.PlanRun.id)
        .where(
            m.PlanRun.site_id == site_id,
            m.PlanRun.kind == PlanRunKind.plan,
            m.PlanRun.status == PlanRunStatus.succeeded,
            m.PlanRun.scenario_id.is_(None),
        )
        .order_by(m.PlanRun.id.desc())
        .limit(1)
    )
    if latest is None:
        return []
    links = session.execute(
        select(m.PlanLink.supply, m.PlanLink.demand).where(
            m.PlanLink.plan_run_id == latest, m.PlanLink.demand_kind == "order"
        )
    ).all()
    return [(supply, demand) for supply, demand in links]
