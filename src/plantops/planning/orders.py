"""What a planner does with the orders a plan run proposes: approve, firm, release, or send
back. The statuses form a state machine written as data (DESIGN.md rule 5)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from plantops import transitions
from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import Conflict, NotFound
from plantops.planning import models as m
from plantops.types import OrderStatus

P, A, F, R = OrderStatus.proposed, OrderStatus.approved, OrderStatus.firm, OrderStatus.released

# from -> the statuses a planner may move an order to. A released order belongs to the floor
# (plantops.execution.lifecycle takes it on from there), so planning has no way back from it.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    **{status: frozenset() for status in OrderStatus},
    P: frozenset({A, F, R}),
    A: frozenset({P, F, R}),
    F: frozenset({A, R}),
}

OrderKind = Literal["production_order", "purchase_order"]


def transition(current: OrderStatus, wanted: OrderStatus, what: str) -> OrderStatus:
    """`wanted`, if planning's table allows it from `current` (InvalidTransition if not)."""
    return transitions.transition(TRANSITIONS, current, wanted, what)


def set_status(
    session: Session,
    caller: Caller,
    kind: OrderKind,
    order_id: int,
    wanted: OrderStatus,
    reason: str | None = None,
) -> m.ProductionOrder | m.PurchaseOrder:
    """Move one order to `wanted`, audited (who, when, old -> new, why)."""
    caller.require(Domain.planning, Action.update, kind.replace("_", " ") + "s")
    order: m.ProductionOrder | m.PurchaseOrder | None
    if kind == "production_order":
        order = session.get(m.ProductionOrder, order_id)
    else:
        order = session.get(m.PurchaseOrder, order_id)
    label = kind.replace("_", " ")
    if order is None or not caller.scope.allows(order.site_id):
        raise NotFound(f"{label} {order_id} not found")
    if order.scenario_id is not None:
        raise Conflict(f"{label} {order.code} belongs to a what-if scenario: run the plan to act")
    old = order.status
    order.status = transition(old, wanted, f"{label} {order.code}")
    session.flush()
    audit.append(
        session, caller, "update", kind, order.id, order.site_id,
        {"status": old.value}, {"status": wanted.value}, reason,
    )  # fmt: skip
    return order
