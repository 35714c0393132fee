"""What a plan run stores: its proposed production and purchase orders (replacing the ones the
previous run proposed), its exception messages and its pegging. Approved, firm and released
orders are the planners': a run reads them and never changes them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from plantops.planning import models as m
from plantops.planning.mrp import ON_HAND, MrpResult, PlannedOrder, Source
from plantops.planning.schedule_result import OrderTimes, Placed
from plantops.planning.snapshot import Snapshot
from plantops.types import OrderStatus

CHUNK = 5000  # ids per IN list: well under SQLite's limit of bound parameters


def order_codes(run_id: int, result: MrpResult) -> dict[str, str]:
    """The code of every planned order: MO-<run>-<n> to make, PR-<run>-<n> to buy."""
    counts: Counter[bool] = Counter()
    codes = {}
    for order in result.planned_orders:
        counts[order.make] += 1
        codes[order.id] = f"{'MO' if order.make else 'PR'}-{run_id}-{counts[order.make]:05d}"
    return codes


def clear_proposals(session: Session, site_id: int, scenario_id: int | None) -> None:
    """What earlier runs of the site proposed (with its schedule), pegged and warned about.
    The planners' own orders keep their scheduled operations until a run places them anew."""
    proposed = select(m.ProductionOrder.id).where(
        m.ProductionOrder.site_id == site_id,
        m.ProductionOrder.status == OrderStatus.proposed,
        m.in_scenario(m.ProductionOrder.scenario_id, scenario_id),
    )
    earlier = select(m.PlanRun.id).where(
        m.PlanRun.site_id == site_id, m.in_scenario(m.PlanRun.scenario_id, scenario_id)
    )
    session.execute(
        delete(m.ScheduledOperation).where(m.ScheduledOperation.production_order_id.in_(proposed))
    )
    for model in (m.ProductionOrder, m.PurchaseOrder):
        mine = m.in_scenario(model.scenario_id, scenario_id)
        session.execute(
            delete(model).where(
                model.site_id == site_id, model.status == OrderStatus.proposed, mine
            )
        )
    session.execute(delete(m.PlanLink).where(m.PlanLink.plan_run_id.in_(earlier)))
    session.execute(delete(m.PlanException).where(m.PlanException.plan_run_id.in_(earlier)))


def store(
    session: Session,
    run: m.PlanRun,
    snapshot: Snapshot,
    result: MrpResult,
    codes: dict[str, str],
    placed: Placed | None,
) -> dict[str, Any]:
    """Replace the site's proposals with this run's, with their schedule; return the run's
    summary counts."""
    site_id, items = run.site_id, snapshot.item_ids
    clear_proposals(session, site_id, run.scenario_id)
    times = placed.orders if placed else {}
    made = [o for o in result.planned_orders if o.make]
    bought = [o for o in result.planned_orders if not o.make]

    def proposed(o: PlannedOrder) -> dict[str, Any]:
        return {
            "site_id": site_id, "code": codes[o.id], "item_id": items[o.item],
            "quantity": o.quantity, "status": OrderStatus.proposed, "due_date": o.due,
            "plan_run_id": run.id, "scenario_id": run.scenario_id, "version": 1,
        }  # fmt: skip

    if made:
        session.execute(
            insert(m.ProductionOrder),
            [
                proposed(o)
                | {"release_date": o.release, "priority": 3}
                | order_times(times.get(codes[o.id]))
                for o in made
            ],
        )
    if bought:
        session.execute(
            insert(m.PurchaseOrder), [proposed(o) | {"order_date": o.release} for o in bought]
        )
    if placed is not None:
        store_schedule(session, run, placed)
    _store_messages(session, run.id, snapshot, result, codes)
    _store_links(session, run.id, snapshot, result, codes)
    kinds = Counter(e.kind.value for e in result.exceptions)
    return {
        "production_orders": len(made),
        "purchase_orders": len(bought),
        "demands": len(snapshot.problem.demands),
        "exceptions": dict(sorted(kinds.items())),
    }


def order_times(times: OrderTimes | None) -> dict[str, Any]:
    if times is None:
        return dict.fromkeys(("scheduled_start", "scheduled_end", "late_seconds", "explanation"))
    return {
        "scheduled_start": times.start,
        "scheduled_end": times.end,
        "late_seconds": times.late_seconds,
        "explanation": times.explanation,
    }


def store_schedule(session: Session, run: m.PlanRun, placed: Placed) -> None:
    """Where each operation runs; the planners' own orders get their new times too. A
    scenario's run keeps its hands off them: it stores the schedule of its own orders only.
    An operation not placed again (completed on the floor) keeps the slot it had."""
    own = m.in_scenario(m.ProductionOrder.scenario_id, run.scenario_id)
    ids = dict(
        session.execute(
            select(m.ProductionOrder.code, m.ProductionOrder.id).where(
                m.ProductionOrder.site_id == run.site_id,
                m.ProductionOrder.code.in_(list(placed.orders)),
                own,
            )
        ).all()
    )
    again = {(ids[p.order], p.step.operation_id) for p in placed.operations if p.order in ids}
    old = session.execute(
        select(
            m.ScheduledOperation.id,
            m.ScheduledOperation.production_order_id,
            m.ScheduledOperation.operation_id,
        ).where(m.ScheduledOperation.production_order_id.in_(ids.values()))
    ).all()
    replaced = [row.id for row in old if (row.production_order_id, row.operation_id) in again]
    for first in range(0, len(replaced), CHUNK):
        chunk = replaced[first : first + CHUNK]
        session.execute(delete(m.ScheduledOperation).where(m.ScheduledOperation.id.in_(chunk)))
    kept = session.scalars(
        select(m.ProductionOrder).where(
            m.ProductionOrder.id.in_(ids.values()), m.ProductionOrder.status != OrderStatus.proposed
        )
    ).all()
    for order in kept:
        for name, value in order_times(placed.orders[order.code]).items():
            setattr(order, name, value)
    rows = [
        {
            "plan_run_id": run.id,
            "production_order_id": ids[p.order],
            "operation_id": p.step.operation_id,
            "work_center_id": placed.work_center_ids[p.work_center],
            "starts_at": p.start,
            "ends_at": p.end,
            "setup_seconds": p.setup_seconds,
        }
        for p in placed.operations
        if p.order in ids
    ]
    if rows:
        session.execute(insert(m.ScheduledOperation), rows)


def _store_messages(
    session: Session, run_id: int, snapshot: Snapshot, result: MrpResult, codes: dict[str, str]
) -> None:
    rows = [
        {
            "plan_run_id": run_id,
            "kind": e.kind.value,
            "item_id": snapshot.item_ids[e.item],
            "order_code": codes.get(e.order, e.order) if e.order else None,
            "day": e.day,
            "to_day": e.to,
            "text": e.text[:300],  # dates and quantities: never an engine id
        }
        for e in result.exceptions
    ]
    if rows:
        session.execute(insert(m.PlanException), rows)


def _store_links(
    session: Session, run_id: int, snapshot: Snapshot, result: MrpResult, codes: dict[str, str]
) -> None:
    rows = []
    for link in result.links:
        kind, demand = _demand(link.kind, link.source, snapshot, codes)
        rows.append(
            {
                "plan_run_id": run_id,
                "item_id": snapshot.item_ids[link.item],
                "supply": ON_HAND
                if link.supply == ON_HAND
                else codes.get(link.supply, link.supply),
                "demand_kind": kind,
                "demand": demand,
                "quantity": link.quantity,
            }
        )
    if rows:
        session.execute(insert(m.PlanLink), rows)


def _demand(
    kind: Source, source: str, snapshot: Snapshot, codes: dict[str, str]
) -> tuple[str, str]:
    """What a link serves, in stored terms: a sales order line, an order, or a reserve."""
    if kind is Source.order:
        return "order", codes[source]
    if kind is Source.reserve:
        return "reserve", source
    if snapshot.demand_kinds[source] == "order":  # an open order's component: "MO-1>ITEM"
        return "order", source.split(">", 1)[0]
    return "sales_order_line", source
