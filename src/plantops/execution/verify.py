"""The ledgers against what is derived from them: every operation's totals are the sums of
its events' deltas, every stock balance the sum of its moves, no balance below zero where
its site forbids it, and every event key recorded once. What `plantops ledger verify` and
the reliability tests check."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantops.execution.models import OrderOperation, ShopEvent
from plantops.inventory.balances import policy_of
from plantops.inventory.models import StockBalance, StockMove

ZERO = Decimal(0)


def problems(session: Session) -> list[str]:
    """Every disagreement found, one line each; none: the ledgers and their views agree."""
    return [*_operations(session), *_balances(session), *_duplicates(session)]


def _operations(session: Session) -> list[str]:
    sums = {
        op: (Decimal(s), Decimal(g), Decimal(x), Decimal(r))
        for op, s, g, x, r in session.execute(
            select(
                ShopEvent.order_operation_id, func.sum(ShopEvent.started),
                func.sum(ShopEvent.good), func.sum(ShopEvent.scrap), func.sum(ShopEvent.rework),
            )
            .where(ShopEvent.order_operation_id.is_not(None))
            .group_by(ShopEvent.order_operation_id)
        )
    }  # fmt: skip
    found = []
    for op in session.scalars(select(OrderOperation)):
        kept = (op.started, op.good, op.scrap, op.rework)
        summed = sums.get(op.id, (ZERO, ZERO, ZERO, ZERO))
        if kept != summed:
            found.append(f"order operation {op.id}: totals {kept} but its events sum to {summed}")
    return found


def _balances(session: Session) -> list[str]:
    sums = {
        (location, item, lot): Decimal(total)
        for location, item, lot, total in session.execute(
            select(StockMove.location_id, StockMove.item_id, StockMove.lot_id,
                   func.sum(StockMove.quantity))
            .group_by(StockMove.location_id, StockMove.item_id, StockMove.lot_id)
        )
    }  # fmt: skip
    found = []
    for balance in session.scalars(select(StockBalance)):
        summed = sums.pop((balance.location_id, balance.item_id, balance.lot_id), ZERO)
        where = f"balance of item {balance.item_id} at location {balance.location_id}"
        if balance.on_hand != summed:
            found.append(f"{where}: {balance.on_hand} on hand but its moves sum to {summed}")
        policy = policy_of(session, balance.site_id)
        if balance.on_hand < 0 and policy is not None and not policy.allow_negative_stock:
            found.append(f"{where}: {balance.on_hand}, negative where the site forbids it")
    found += [f"moves of {key} without a balance: {total}" for key, total in sums.items() if total]
    return found


def _duplicates(session: Session) -> list[str]:
    twice = session.execute(
        select(ShopEvent.idempotency_key, func.count())
        .group_by(ShopEvent.idempotency_key)
        .having(func.count() > 1)
    ).all()
    return [f"event key {key} recorded {n} times" for key, n in twice]
