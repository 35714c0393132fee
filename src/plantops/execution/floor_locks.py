"""The orders a terminal's events are about, locked for the rest of the transaction in order
of id, and read with their operations once per transaction (plantops.storage.txcache)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.execution import references
from plantops.execution.lifecycle import OPERATION_EVENTS, ORDER_EVENTS
from plantops.execution.models import OrderOperation
from plantops.execution.schemas import EventIn
from plantops.inventory import balances
from plantops.planning.models import ProductionOrder
from plantops.storage import txcache

# Built once: a terminal's event runs them every time, and building a statement costs more
# than SQLite takes to run it.
_HELD_ORDERS = (
    select(ProductionOrder)
    .where(
        ProductionOrder.id.in_(bindparam("order_ids", expanding=True))
        | ProductionOrder.id.in_(
            select(OrderOperation.production_order_id)
            .where(OrderOperation.id.in_(bindparam("operation_ids", expanding=True)))
            .scalar_subquery()
        )
    )
    .order_by(ProductionOrder.id)
    .with_for_update()
    .execution_options(populate_existing=True)
)
# Read once the orders are locked, in a statement of its own: PostgreSQL re-reads a locked
# row it waited for, but not the rows a join brought with it (those would be stale).
_THEIR_OPERATIONS = (
    select(OrderOperation)
    .where(OrderOperation.production_order_id.in_(bindparam("order_ids", expanding=True)))
    .order_by(OrderOperation.production_order_id, OrderOperation.sequence)
    .execution_options(populate_existing=True)
)


def hold(session: Session, events: Sequence[EventIn]) -> None:
    """Lock the orders the events are about and read their operations and their sites' stock
    policies, all at once, before any event changes a row: two statements for a batch of a
    thousand rather than three per order, and no flush between the reads. Orders are locked
    in order of id, so two writers holding several of them cannot deadlock."""
    operation_ids = {e.order_operation_id for e in events if e.kind in OPERATION_EVENTS}
    order_ids = {e.production_order_id for e in events if e.kind in ORDER_EVENTS}
    operation_ids.discard(None)
    order_ids.discard(None)
    if not operation_ids and not order_ids:
        return
    wanted = {"order_ids": list(order_ids), "operation_ids": list(operation_ids)}
    orders = session.scalars(_HELD_ORDERS, wanted).all()
    held_orders = txcache.of(session, "locked_orders")
    held_ops = txcache.of(session, "order_operations")
    for order in orders:
        held_orders[order.id] = order
        held_ops[order.id] = []
    for op in session.scalars(_THEIR_OPERATIONS, {"order_ids": [o.id for o in orders]}):
        held_ops[op.production_order_id].append(op)
    for site_id in sorted({o.site_id for o in orders}):
        balances.policy_of(session, site_id)


def locked_order(session: Session, caller: Caller, order_id: int | None) -> ProductionOrder:
    """The order, locked for the rest of the transaction (read once per transaction)."""
    held: dict[int | None, ProductionOrder] = txcache.of(session, "locked_orders")
    order = held.get(order_id)
    if order is None and order_id is not None:
        order = session.get(ProductionOrder, order_id, with_for_update=True, populate_existing=True)
        if order is not None:
            held[order_id] = order
    if order is None or not caller.scope.allows(order.site_id) or order.scenario_id is not None:
        raise references.missing("production_order_id", "production order")
    return order


def operations_of(session: Session, order_id: int) -> list[OrderOperation]:
    """The operations of an order locked by `locked_order`, in sequence."""
    held = txcache.of(session, "order_operations")
    if order_id not in held:
        query = select(OrderOperation).where(OrderOperation.production_order_id == order_id)
        held[order_id] = list(
            session.scalars(
                query.order_by(OrderOperation.sequence).execution_options(populate_existing=True)
            )
        )
    return list(held[order_id])
