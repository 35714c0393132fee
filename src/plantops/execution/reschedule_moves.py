"""What a reschedule moved and why: each operation's old and new slot with the reason a
planner reads, and the stored moves read back, the disruption's direct effects first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from plantops.access.caller import Caller
from plantops.execution.reschedule_before import Before
from plantops.masterdata import models as md
from plantops.planning import models as m
from plantops.planning.run_pins import stands_pinned
from plantops.planning.run_requests import get_run
from plantops.planning.schedule_result import Placed, PlacedOperation
from plantops.planning.shop import Shop
from plantops.types import OrderStatus

MOVED_FROM = 60  # seconds: a smaller shift is not a move worth a planner's eye


class Why:
    down = "down"  # its work center is down over the time it had
    overdue = "overdue"  # its start had passed and it had not started
    firm_moved = "firm_moved"  # a firm order that could not keep its slot
    pin_released = "pin_released"  # a pinned operation whose pin could not be kept
    knock_on = "knock_on"  # made room for, or follows, what moved
    added = "added"  # not scheduled before: a rush order, a new one
    resumes = "resumes"  # started, on a work center that is down: it goes on when it is back


@dataclass(frozen=True)
class Move:
    placed: PlacedOperation
    was: tuple[datetime, datetime, str] | None
    shift: int | None  # seconds
    why: str
    detail: str


def list_moves(shop: Shop, before: Before, placed: Placed, firm_released: bool) -> list[Move]:
    out = []
    for p in placed.operations:
        was = before.slots.get((p.order, p.step.operation_id))
        on = before.floor.of(p.order, p.step.operation_id)
        started = on is not None and on.started_at is not None
        if was is None:
            if not started:
                out.append(Move(p, None, None, Why.added, f"placed on {p.work_center}"))
            continue
        shift = int((p.start - was[0]).total_seconds())
        if started:
            until = before.down.get(p.work_center)
            if until is not None:
                detail = f"goes on when {p.work_center} is back, {_local(shop, until)}"
                end_shift = int((p.end - was[1]).total_seconds())
                out.append(Move(p, was, end_shift, Why.resumes, detail))
            continue
        if p.work_center == was[2] and abs(shift) < MOVED_FROM:
            continue
        out.append(Move(p, was, shift, *_why(shop, before, p, was, firm_released)))
    return sorted(out, key=lambda move: (move.placed.start, move.placed.order))


def _why(
    shop: Shop,
    before: Before,
    p: PlacedOperation,
    was: tuple[datetime, datetime, str],
    firm_released: bool,
) -> tuple[str, str]:
    start, finish_at, center = was
    where = f"to {p.work_center}" if p.work_center != center else f"on {center}"
    to = f"{where}, {_local(shop, p.start)}"
    pin = before.held.get((p.order, p.step.operation_id))
    let_go = pin is not None and not stands_pinned(shop, p, pin)
    until = before.down.get(center)
    if until is not None and start < until and finish_at > before.now:
        pinned = "its pin let go, " if let_go else ""
        return Why.down, f"{center} down until {_local(shop, until)}: {pinned}moved {to}"
    if firm_released and before.statuses.get(p.order) is OrderStatus.firm:
        return Why.firm_moved, f"firm, but its slot could not be kept: moved {to}"
    if start < before.now:
        return Why.overdue, f"was due to start {_local(shop, start)}, not started: moved {to}"
    if let_go:
        return Why.pin_released, f"pinned, but the pin could not be kept: moved {to}"
    return Why.knock_on, f"moved {to} (room for, or after, what moved)"


def _local(shop: Shop, at: datetime) -> str:
    return f"{at.astimezone(shop.zone):%a %d %b %H:%M}"


WHY_ORDER = (
    Why.down, Why.resumes, Why.firm_moved, Why.pin_released, Why.overdue, Why.added,
    Why.knock_on,
)  # fmt: skip


def moves_of(session: Session, caller: Caller, run_id: int) -> list[dict[str, Any]]:
    """What a reschedule moved, the direct effects of the disruption first, each group in
    order of its new start."""
    run = get_run(session, caller, run_id)
    move = m.ScheduleMove
    before, after = aliased(md.WorkCenter), aliased(md.WorkCenter)
    rows = session.execute(
        select(move, m.ProductionOrder.code, before.code, after.code)
        .join(m.ProductionOrder, m.ProductionOrder.id == move.production_order_id)
        .outerjoin(before, before.id == move.from_work_center_id)
        .join(after, after.id == move.to_work_center_id)
        .where(move.plan_run_id == run.id)
    ).all()
    out = [
        {
            "production_order_id": row.production_order_id,
            "order": order,
            "sequence": row.sequence,
            "operation_id": row.operation_id,
            "from_work_center": was,
            "to_work_center": now,
            "from_start": row.from_start,
            "to_start": row.to_start,
            "to_end": row.to_end,
            "shift_minutes": None if row.shift_seconds is None else round(row.shift_seconds / 60),
            "why": row.why,
            "detail": row.detail,
        }
        for row, order, was, now in rows
    ]
    rank = {why: n for n, why in enumerate(WHY_ORDER)}
    return sorted(out, key=lambda r: (rank.get(r["why"], 99), r["to_start"], r["order"]))
