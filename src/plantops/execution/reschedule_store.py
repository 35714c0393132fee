"""Storing a reschedule's result in the run's transaction: the rush orders it asked for, the
repaired schedule, the floor's dispatch lists moved with it, and every move with its why."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.errors import FieldError
from plantops.execution.models import OrderOperation
from plantops.execution.reschedule_before import Before
from plantops.execution.reschedule_moves import Why, list_moves
from plantops.execution.reschedule_repair import Repaired
from plantops.masterdata import models as md
from plantops.planning import models as m
from plantops.planning.results import order_times, store_schedule
from plantops.planning.run_outcome import Refused, requester
from plantops.planning.run_pins import pins_let_go
from plantops.planning.schedule_result import Placed
from plantops.planning.shop import Shop
from plantops.types import OperationStatus, OrderStatus

NOT_STARTED = (
    OperationStatus.released,
    OperationStatus.ready,
    OperationStatus.waiting_for_material,
)


def store(
    session: Session, run: m.PlanRun, shop: Shop, before: Before, repaired: Repaired
) -> dict[str, Any]:
    """Store what the repair placed and what moved; the run's summary."""
    summary: dict[str, Any] = {"schedule": repaired.figures, "reason": run.disruption}
    if repaired.placed is None:
        summary |= {"moved": 0, "added": 0, "unchanged": 0}
        return summary
    created = _create_rush(session, run, before)
    placed = _as_started(repaired.placed, before)
    store_schedule(session, run, placed)
    ids = before.order_ids | created
    for order in session.scalars(
        select(m.ProductionOrder).where(
            m.ProductionOrder.id.in_([ids[code] for code in placed.orders if code in ids]),
            m.ProductionOrder.status == OrderStatus.proposed,
        )
    ):  # a plan run sets its proposals' times as it stores them; here they move
        for name, value in order_times(placed.orders[order.code]).items():
            setattr(order, name, value)
    _dispatch(session, placed, ids)
    moves = list_moves(shop, before, placed, repaired.firm_released)
    centers = placed.work_center_ids
    if moves:
        session.execute(
            insert(m.ScheduleMove),
            [
                {
                    "plan_run_id": run.id,
                    "production_order_id": ids[move.placed.order],
                    "operation_id": move.placed.step.operation_id,
                    "sequence": move.placed.step.sequence,
                    "from_work_center_id": centers[move.was[2]] if move.was else None,
                    "to_work_center_id": centers[move.placed.work_center],
                    "from_start": move.was[0] if move.was else None,
                    "to_start": move.placed.start,
                    "to_end": move.placed.end,
                    "shift_seconds": move.shift,
                    "why": move.why,
                    "detail": move.detail[:300],
                }
                for move in moves
            ],
        )
    counted: dict[str, int] = {}
    for move in moves:
        counted[move.why] = counted.get(move.why, 0) + 1
    late_after = {code: t.late_seconds for code, t in placed.orders.items()}
    shifts = [abs(move.shift) for move in moves if move.shift is not None]
    summary |= {
        "operations": len(placed.operations),
        "moved": sum(1 for move in moves if move.why != Why.added),
        "added": counted.get(Why.added, 0),
        "unchanged": len(placed.operations) - len(moves),
        "why": dict(sorted(counted.items())),
        "largest_shift_hours": round(max(shifts, default=0) / 3600, 1),
        "late_orders_before": sum(1 for code in late_after if before.late.get(code, 0) > 0),
        "late_orders_after": sum(1 for seconds in late_after.values() if seconds > 0),
        "rush_orders": sorted(created),
        "firm_moved": repaired.firm_released,
        "pins_released": pins_let_go(shop, before.held, placed, before.floor),
    }
    return summary


def _create_rush(session: Session, run: m.PlanRun, before: Before) -> dict[str, int]:
    """The rush orders, approved (a planner asked for them), with their items' ids."""
    if not before.rush:
        return {}
    items = dict(
        session.execute(
            select(md.Item.code, md.Item.id).where(
                md.Item.site_id == run.site_id,
                md.Item.code.in_([r["item"] for r in before.rush]),
            )
        ).all()
    )
    taken = session.scalars(
        select(m.ProductionOrder.code).where(
            m.ProductionOrder.site_id == run.site_id,
            m.ProductionOrder.code.in_([r["code"] for r in before.rush]),
        )
    ).first()
    if taken is not None:
        raise Refused([FieldError(("rush", "code"), f"{taken} was taken while the run ran")])
    actor = requester(run)
    created = {}
    for r in before.rush:
        order = m.ProductionOrder(
            site_id=run.site_id,
            code=r["code"],
            item_id=items[r["item"]],
            quantity=Decimal(r["quantity"]),
            status=OrderStatus.approved,
            release_date=run.today,
            due_date=datetime.fromisoformat(r["due_date"]).date(),
            priority=r["priority"],
            version=1,
        )
        session.add(order)
        session.flush()
        created[order.code] = order.id
        after = {"code": order.code, "quantity": r["quantity"], "due_date": r["due_date"]}
        audit.append(
            session, actor, "create", "production_order", order.id, run.site_id, None, after,
            f"rush order of reschedule {run.id}",
        )  # fmt: skip
    return created


def _as_started(placed: Placed, before: Before) -> Placed:
    """A started operation's slot begins when it started, not when the rest resumes."""
    ops = []
    for p in placed.operations:
        on = before.floor.of(p.order, p.step.operation_id)
        if on is not None and on.started_at is not None and on.started_at < p.start:
            p = replace(p, start=on.started_at)
        ops.append(p)
    orders = dict(placed.orders)
    for p in ops:
        if p.start < orders[p.order].start:
            orders[p.order] = replace(orders[p.order], start=p.start)
    return replace(placed, operations=tuple(ops), orders=orders)


def _dispatch(session: Session, placed: Placed, ids: dict[str, int]) -> None:
    """The floor's operations not yet started take their new slots and work centers: the
    dispatch lists follow the reschedule. One started meanwhile keeps what it has."""
    where = {(ids[p.order], p.step.sequence): p for p in placed.operations if p.order in ids}
    if not where:
        return
    rows = session.scalars(
        select(OrderOperation)
        .where(
            OrderOperation.production_order_id.in_({order for order, _ in where}),
            OrderOperation.status.in_(NOT_STARTED),
        )
        .with_for_update()
    ).all()
    for row in rows:
        p = where.get((row.production_order_id, row.sequence))
        if p is None:
            continue
        row.scheduled_start, row.scheduled_end = p.start, p.end
        row.work_center_id = placed.work_center_ids[p.work_center]
