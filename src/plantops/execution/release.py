"""Releasing a production order to the floor: its routing becomes the order's operations,
each on the work center the plan put it on (or the routing's primary one), and the order
is ready for its first operation to start, or waits for the material it lacks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import Conflict, NotFound
from plantops.execution import stock
from plantops.execution.models import OrderOperation
from plantops.masterdata.models import Routing
from plantops.planning import models as m
from plantops.planning.orders import set_status
from plantops.types import OperationStatus, OrderStatus


def set_production_order_status(
    session: Session, caller: Caller, order_id: int, wanted: OrderStatus, reason: str | None
) -> m.ProductionOrder:
    """A planner's move of a production order; release goes through `release`."""
    if wanted is OrderStatus.released:
        return release(session, caller, order_id, reason)
    order = set_status(session, caller, "production_order", order_id, wanted, reason)
    assert isinstance(order, m.ProductionOrder)
    return order


def release(
    session: Session, caller: Caller, order_id: int, reason: str | None
) -> m.ProductionOrder:
    """Release the order (audited, refused unless planning allows it from its status) and
    put its operations on the floor. The order is locked first: released from two tabs at
    once, it is released once and the other answers 409."""
    caller.require(Domain.planning, Action.update, "production orders")
    locked = session.get(m.ProductionOrder, order_id, with_for_update=True, populate_existing=True)
    if locked is None or not caller.scope.allows(locked.site_id):
        raise NotFound(f"production order {order_id} not found")
    order = set_status(session, caller, "production_order", order_id, OrderStatus.released, reason)
    assert isinstance(order, m.ProductionOrder)
    for operation in _operations(session, order):
        session.add(operation)
    session.flush()
    stock.settle(session, order)  # ready, or waiting for what is short
    return order


def _operations(session: Session, order: m.ProductionOrder) -> list[OrderOperation]:
    routing = session.scalar(  # as planning: an item with several routings, the first by code
        select(Routing)
        .where(Routing.site_id == order.site_id, Routing.item_id == order.item_id)
        .order_by(Routing.code)
        .limit(1)
    )
    if routing is None or not routing.operations:
        raise Conflict(f"production order {order.code}: its item has no routing to run")
    planned = {
        s.operation_id: s
        for s in session.scalars(
            select(m.ScheduledOperation).where(
                m.ScheduledOperation.production_order_id == order.id,
                m.ScheduledOperation.plan_run_id == order.plan_run_id,
            )
        )
    }
    made: list[OrderOperation] = []
    for step in routing.operations:
        slot = planned.get(step.id)
        primary = min(step.alternatives, key=lambda a: (a.preference, a.id), default=None)
        if slot is None and primary is None:
            raise Conflict(f"operation {step.sequence} of {routing.code}: no work center runs it")
        made.append(
            OrderOperation(
                site_id=order.site_id,
                production_order_id=order.id,
                operation_id=step.id,
                sequence=step.sequence,
                name=step.name,
                work_center_id=slot.work_center_id if slot else primary.work_center_id,  # type: ignore[union-attr]
                planned_quantity=order.quantity,
                scheduled_start=slot.starts_at if slot else None,
                scheduled_end=slot.ends_at if slot else None,
                status=OperationStatus.ready if not made else OperationStatus.released,
            )
        )
    return made
