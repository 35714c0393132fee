"""Where the floor meets stock: an order released without its material waits for it, and
becomes ready when a stock move brings what it lacked (the most urgent waiting order first)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound
from plantops.execution.lifecycle import order_transition
from plantops.execution.models import OrderOperation
from plantops.inventory import ledger
from plantops.inventory.balances import policy_of
from plantops.inventory.material import MaterialLine, material
from plantops.inventory.schemas import StockMoveIn
from plantops.planning.models import ProductionOrder
from plantops.types import OperationStatus, OrderStatus

O, Op = OrderStatus, OperationStatus  # noqa: E741


def shortages(session: Session, order: ProductionOrder) -> list[MaterialLine]:
    """What the order lacks to start; nothing where the site keeps no stock."""
    if policy_of(session, order.site_id) is None:
        return []
    return [line for line in material(session, order) if line.short > 0]


def settle(session: Session, order: ProductionOrder) -> None:
    """A released order not started: ready if its material is there, waiting if not."""
    wanted = O.waiting_for_material if shortages(session, order) else O.ready
    order.status = order_transition(order.status, wanted, f"order {order.code}")
    first = session.scalar(
        select(OrderOperation)
        .where(OrderOperation.production_order_id == order.id)
        .order_by(OrderOperation.sequence)
        .limit(1)
    )
    if first is not None and first.status in (Op.ready, Op.waiting_for_material):
        first.status = Op.waiting_for_material if wanted is O.waiting_for_material else Op.ready
    session.flush()


def post_move(session: Session, caller: Caller, move: StockMoveIn, now: datetime) -> ledger.Posted:
    """Post a stock move; what it brings may let waiting orders of the site start."""
    posted = ledger.post(session, caller, move, now)
    if not posted.replayed and any(m.quantity > 0 for m in posted.moves):
        recheck(session, posted.moves[0].site_id)
    return posted


def recheck(session: Session, site_id: int) -> list[ProductionOrder]:
    """Every order of the site waiting for material, most urgent first: the ones now ready."""
    waiting = session.scalars(
        select(ProductionOrder)
        .where(
            ProductionOrder.site_id == site_id,
            ProductionOrder.status == O.waiting_for_material,
        )
        .order_by(ProductionOrder.priority, ProductionOrder.due_date, ProductionOrder.id)
        .with_for_update()
    ).all()
    ready = []
    for order in waiting:
        settle(session, order)
        if order.status is O.ready:
            ready.append(order)
    return ready


def check_material(session: Session, caller: Caller, order_id: int) -> list[MaterialLine]:
    """An order's material: what it needs, has had, what is short and what is to come."""
    caller.require(Domain.inventory, Action.read, "material")
    order = session.get(ProductionOrder, order_id)
    if order is None or not caller.scope.allows(order.site_id) or order.scenario_id is not None:
        raise NotFound(f"production order {order_id} not found")
    if policy_of(session, order.site_id) is None:
        return []
    return material(session, order)
