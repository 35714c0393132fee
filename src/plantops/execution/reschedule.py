"""Rescheduling after a disruption (a work center down, a rush order): the site's schedule
repaired from the floor's state, as a plan run of its own kind.

What has started stays on its work center, from now, for what is left to make; completed
operations are out; pinned operations keep their pins and firm orders their slots (unless
the disruption makes that impossible: then the pins give way first, then the firm slots, and
what moved says so); everything else is placed again by the engine with lateness first and,
next, the deviation from the previous schedule, so that the floor's dispatch lists change as
little as they can. Every operation that moved is stored with where it was, where it is, and
why: what the planner reads."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import FieldError, ValidationFailed
from plantops.execution.floor_state import read_floor
from plantops.execution.models import OrderOperation
from plantops.execution.schemas import RescheduleIn
from plantops.execution.views import work_centers_now
from plantops.masterdata import models as md
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.floor_state import FloorState
from plantops.planning.pinned import held
from plantops.planning.results import order_times, store_schedule
from plantops.planning.runs import (
    Clock,
    Progress,
    Refused,
    advance,
    claim,
    get_run,
    outcome,
    pins_let_go,
    queue,
    reporter,
    requester,
    site_today,
    stands_pinned,
    storing,
    succeed,
)
from plantops.planning.schedule_input import Order, build_problem, operation_id
from plantops.planning.schedule_result import Placed, PlacedOperation, place
from plantops.planning.shop import Shop, read_shop
from plantops.planning.sites import visible_site
from plantops.planning.snapshot import policy_of
from plantops.scheduling.problem import Objective, Planned, Problem, Term, Time
from plantops.scheduling.solver import solve
from plantops.storage.engine import consistent_read
from plantops.types import MakeOrBuy, OperationStatus, OrderStatus, PlanRunKind, PlanRunStatus
from plantops.types import WorkCenterState as State

log = logging.getLogger(__name__)

# Lateness and stability weighed together: a second an order of weight w (10 - priority)
# ends later costs w, a second an operation moves costs 1, a move to another work center as
# much as an hour's shift; then fewer changeovers. With lateness far ahead (as in a plan
# run), an overloaded plant would reshuffle everything to gain minutes on orders already
# days late: the floor would be told a new plan for nothing.
MOVE_PENALTY = 3600
REPAIR = Objective(
    ((Term.weighted_tardiness, 1), (Term.deviation, 1), (Term.setup_time, 1)),
    move_penalty=MOVE_PENALTY,
)
MOVED_FROM = 60  # seconds: a smaller shift is not a move worth a planner's eye
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
NOT_STARTED = (
    OperationStatus.released,
    OperationStatus.ready,
    OperationStatus.waiting_for_material,
)


class Why:
    down = "down"  # its work center is down over the time it had
    overdue = "overdue"  # its start had passed and it had not started
    firm_moved = "firm_moved"  # a firm order that could not keep its slot
    pin_released = "pin_released"  # a pinned operation whose pin could not be kept
    knock_on = "knock_on"  # made room for, or follows, what moved
    added = "added"  # not scheduled before: a rush order, a new one
    resumes = "resumes"  # started, on a work center that is down: it goes on when it is back


def request_reschedule(session: Session, caller: Caller, data: RescheduleIn) -> m.PlanRun:
    """Queue a reschedule of the site (one run at a time per site, as plan runs)."""
    caller.require(Domain.planning, Action.create, "plan runs")
    site = visible_site(session, caller, data.site_id)
    now = datetime.now(UTC)
    problems: list[FieldError] = []
    down = _down(session, caller, site, data, now, problems)
    rush = _rush(session, site, data, problems)
    if problems:
        first = problems[0]
        raise ValidationFailed(f"reschedule: {first.pointer()}: {first.message}", problems)
    disruption = {"reason": data.reason, "at": now.isoformat(), "down": down, "rush": rush}
    return queue(
        session,
        caller,
        site,
        kind=PlanRunKind.reschedule,
        disruption=disruption,
        today=site_today(site),
        horizon_days=policy_of(session, site.id).horizon_days,
        schedule_seconds=data.schedule_seconds,
    )


def _down(
    session: Session,
    caller: Caller,
    site: Site,
    data: RescheduleIn,
    now: datetime,
    problems: list[FieldError],
) -> list[dict[str, Any]]:
    """The work centers down and until when; one the floor reports down must be among them
    (the reschedule cannot guess when it is back)."""
    centers = {c.work_center.id: c for c in work_centers_now(session, caller, site.id)}
    out = []
    for n, entry in enumerate(data.down):
        if entry.work_center_id not in centers:
            problems.append(FieldError(("down", n, "work_center_id"), "no such work center here"))
        elif entry.until <= now:
            problems.append(FieldError(("down", n, "until"), "must be later than now"))
        else:
            code = centers[entry.work_center_id].work_center.code
            out.append({"work_center": code, "until": entry.until.astimezone(UTC).isoformat()})
    listed = {entry.work_center_id for entry in data.down}
    for center in centers.values():
        if center.state is State.down and center.work_center.id not in listed:
            message = (
                f"work center {center.work_center.code} is down (since {center.since:%H:%M} "
                f"UTC): say until when (down[].until)"
            )
            problems.append(FieldError(("down",), message))
    return out


def _rush(
    session: Session, site: Site, data: RescheduleIn, problems: list[FieldError]
) -> list[dict[str, Any]]:
    out = []
    routed = set(session.scalars(select(md.Routing.item_id).where(md.Routing.site_id == site.id)))
    codes = [r.code for r in data.rush if r.code]
    taken = set(
        session.scalars(
            select(m.ProductionOrder.code).where(
                m.ProductionOrder.site_id == site.id, m.ProductionOrder.code.in_(codes)
            )
        )
    )
    for n, entry in enumerate(data.rush):
        item = session.get(md.Item, entry.item_id)
        if item is None or item.site_id != site.id:
            problems.append(FieldError(("rush", n, "item_id"), "no such item here"))
        elif item.make_or_buy is not MakeOrBuy.make or item.id not in routed:
            problems.append(FieldError(("rush", n, "item_id"), f"{item.code} is not made here"))
        elif entry.code in taken or (entry.code and codes.count(entry.code) > 1):
            problems.append(FieldError(("rush", n, "code"), f"{entry.code} is taken"))
        else:
            out.append(
                {
                    "item": item.code,
                    "quantity": str(entry.quantity),
                    "due_date": entry.due_date.isoformat(),
                    "priority": entry.priority,
                    "code": entry.code,
                }
            )
    return out


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


def execute_reschedule(
    factory: sessionmaker[Session], run_id: int, progress: Progress | None = None
) -> None:
    """Do a queued reschedule: read the floor, repair, store the schedule and what moved."""
    if not claim(factory, run_id):
        return
    clock = Clock()
    with outcome(factory, run_id, "reschedule"):
        advance(factory, run_id, "reading the floor", 0.05, progress)
        with clock("snapshot"), consistent_read(factory) as session:
            run = session.get_one(m.PlanRun, run_id)
            site = session.get_one(Site, run.site_id)
            shop = read_shop(session, site.id, site.time_zone, run.today, run.horizon_days)
            before = read_before(session, site, run)
            site_id, seconds = site.id, run.schedule_seconds
        if shop.problems:
            raise Refused(shop.problems)
        advance(factory, run_id, "scheduling", 0.3, progress)
        with clock("schedule"):
            repaired = repair(shop, before, seconds, factory, run_id, progress)
        advance(factory, run_id, "storing", 0.9, progress)
        with clock("store"), storing(factory, run_id, site_id) as (session, run):
            summary = _store(session, run, shop, before, repaired)
            summary["seconds"] = clock.seconds
            succeed(session, run, summary)
        if progress:
            progress("done", 1.0)


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


@dataclass
class Repaired:
    placed: Placed | None
    figures: dict[str, Any] | None  # the schedule's, or its status and reason when none
    problem: Problem
    firm_released: bool  # firm orders had to leave their slots


def repair(
    shop: Shop,
    before: Before,
    seconds: float,
    factory: sessionmaker[Session],
    run_id: int,
    progress: Progress | None,
    objective: Objective = REPAIR,
) -> Repaired:
    """The schedule repaired around the disruption (`objective`: REPAIR, or another to
    compare it with, as benchmarks/reschedule.py does)."""
    now = shop.seconds(before.now)
    shop = replace(
        shop,
        resources=tuple(
            replace(r, available=without(r.available, now, shop.seconds(before.down[r.id])))
            if r.id in before.down
            else r
            for r in shop.resources
        ),
    )
    kept = _firm_pins(shop, before, now)
    firm = {key: slot for key, slot in kept.items() if key not in before.held}
    # what it keeps, most first: pins and firm slots; when that is impossible, the firm
    # slots alone (a planner's pin gives way first); then nothing. The moves say so.
    tries = [kept] + ([firm] if len(firm) < len(kept) else []) + ([{}] if firm else [])
    for pinned in tries:
        shop = replace(shop, pinned=pinned)
        firm_released = bool(firm) and not pinned
        problem, steps = build_problem(shop, before.orders, before.feeds, before.floor, now)
        close = any(term is Term.deviation for term, _ in objective.terms)
        previous = _previous(shop, problem, before) if close else ()
        problem = replace(problem, previous=previous, objective=objective)
        if not problem.operations:
            return Repaired(None, None, problem, firm_released)
        schedule = solve(
            problem,
            time_limit=seconds,
            workers=2,
            on_progress=reporter(factory, run_id, seconds, progress),
        )
        if schedule.assignments:
            due = {o.code: o.due for o in before.orders}
            placed = place(shop, problem, schedule, steps, due)
            return Repaired(placed, placed.figures, problem, firm_released)
        log.warning(
            "reschedule %s: no schedule keeping %d slots: %s", run_id, len(pinned), schedule.reason
        )
    status = {"status": str(schedule.status), "reason": schedule.reason}
    return Repaired(None, status, problem, firm_released)


def without(
    available: tuple[tuple[Time, Time], ...] | None, start: Time, end: Time
) -> tuple[tuple[Time, Time], ...]:
    """The intervals with [start, end) taken out."""
    out: list[tuple[Time, Time]] = []
    for a, b in available if available is not None else ((0, 10**12),):
        if b <= start or a >= end:
            out.append((a, b))
            continue
        if a < start:
            out.append((a, start))
        if b > end:
            out.append((end, b))
    return tuple(out)


def _firm_pins(shop: Shop, before: Before, now: Time) -> dict[tuple[str, int], tuple[int, str]]:
    """Firm orders keep their slots, and pinned operations their pins, unless the time has
    passed, the work center is down then, or the operation has started on the floor."""
    firm = {key: (start, center) for key, (start, _, center) in before.slots.items()
            if before.statuses.get(key[0]) is OrderStatus.firm}  # fmt: skip
    pins = {}
    for (order, operation), (start, center) in (firm | before.held).items():
        on = before.floor.of(order, operation)
        if on is not None and (on.done or on.started_at is not None):
            continue
        until = before.down.get(center)
        if shop.seconds(start) < now or (until is not None and start < until):
            continue
        pins[(order, operation)] = (shop.seconds(start), center)
    return pins


def _previous(shop: Shop, problem: Problem, before: Before) -> tuple[Planned, ...]:
    """Where each operation that may move stood: what the deviation is measured from."""
    placed = {o.id for o in problem.operations if o.fixed is None}
    out = []
    for order in before.orders:
        for step in shop.routings.get(order.item, ()):
            op_id = operation_id(order.code, step.sequence)
            slot = before.slots.get((order.code, step.operation_id))
            if op_id in placed and slot is not None:
                out.append(Planned(op_id, max(0, shop.seconds(slot[0])), slot[2]))
    return tuple(out)


def _store(
    session: Session, run: m.PlanRun, shop: Shop, before: Before, repaired: Repaired
) -> dict[str, Any]:
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
