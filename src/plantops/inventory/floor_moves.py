"""The stock moves the floor's reports make: components backflushed for what the first
operation processed (from the BOM, grossed up for scrap; oldest lots first), and what the
last operation made good received into stock, as the order's own lot, with the lots it
consumed linked to it (genealogy). Keyed by the shop-floor event's key, so they happen
exactly when the event is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.errors import Conflict
from plantops.inventory import balances
from plantops.inventory.material import components
from plantops.inventory.models import Lot, LotLink, StockBalance, StockMove
from plantops.masterdata.models import Item
from plantops.planning.models import ProductionOrder
from plantops.types import StockMoveKind

ZERO = Decimal(0)
FLOOR = "floor"  # the body digest of moves the floor makes (no body of their own)


@dataclass
class Report:
    """What one shop-floor event reported, for stock."""

    key: str  # the event's idempotency key
    occurred_at: datetime
    recorded_by: str
    processed: Decimal  # good + scrap at the order's first operation
    made: Decimal  # good at its last operation
    buffered: bool  # from an offline terminal: a fact, shortfalls flagged not refused
    flags: list[str] = field(default_factory=list)


def book(session: Session, order: ProductionOrder, report: Report, now: datetime) -> None:
    """Backflush and receive for the report; nothing where the site keeps no stock."""
    policy = balances.policy_of(session, order.site_id)
    if policy is None:
        return
    lot = None
    if report.processed > 0:
        lot = _order_lot(session, order, now)
        moves = _backflush(session, order, report, policy, lot, now)
        session.add_all(moves)
    if report.made > 0:
        lot = lot or _order_lot(session, order, now)
        assert policy.receipt_location_id is not None
        balance = balances.locked_balance(
            session, order.site_id, policy.receipt_location_id, order.item_id, lot
        )
        balances.change(session, balance, report.made, True, "production receipt")
        session.add(
            _move(order, report, now, StockMoveKind.production_receipt, f"{report.key}/receipt",
                  0, order.item_id, balance, report.made)
        )  # fmt: skip
    session.flush()


def _backflush(
    session: Session, order: ProductionOrder, report: Report, policy: balances.Policy,
    produced: Lot, now: datetime,
) -> list[StockMove]:  # fmt: skip
    moves: list[StockMove] = []
    assert policy.issue_location_id is not None
    for part in components(session, order.item_id, order.release_date):
        wanted = part.for_quantity(report.processed)
        for balance, take in _takes(session, order, policy, part.item_id, wanted, report):
            balances.change(session, balance, -take, True, "backflush")
            move = _move(order, report, now, StockMoveKind.backflush, f"{report.key}/backflush",
                         len(moves), part.item_id, balance, -take)  # fmt: skip
            moves.append(move)
            if balance.lot_id is not None:
                session.add(move)
                session.flush()
                session.add(
                    LotLink(site_id=order.site_id, consumed_lot_id=balance.lot_id,
                            produced_lot_id=produced.id, quantity=take, stock_move_id=move.id)
                )  # fmt: skip
    return moves


def _takes(
    session: Session, order: ProductionOrder, policy: balances.Policy, item_id: int,
    wanted: Decimal, report: Report,
) -> list[tuple[StockBalance, Decimal]]:  # fmt: skip
    """Where `wanted` of the component comes from: its lots at the issue location, oldest
    first, then stock without a lot; beyond what is there, negative stock where allowed,
    a refusal (or, for a buffered report, a flagged shortfall) where not."""
    location = policy.issue_location_id
    assert location is not None
    held = session.scalars(
        select(StockBalance)
        .where(StockBalance.location_id == location, StockBalance.item_id == item_id,
               StockBalance.on_hand > 0)
        .order_by(StockBalance.lot_id.is_(None), StockBalance.lot_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()  # fmt: skip
    takes: list[tuple[StockBalance, Decimal]] = []
    left = wanted
    for balance in held:
        if left <= 0:
            break
        take = min(balance.on_hand, left)
        takes.append((balance, take))
        left -= take
    if left > 0:
        item = session.get_one(Item, item_id)
        if policy.allow_negative_stock:
            loose = balances.locked_balance(session, order.site_id, location, item_id, None)
            takes.append((loose, left))
        elif report.buffered:
            report.flags.append(f"backflush short: {left.normalize():f} {item.uom} of {item.code}")
        else:
            raise Conflict(
                f"backflush for order {order.code}: {left.normalize():f} {item.uom} of "
                f"{item.code} short at the issue location (negative stock is not allowed)"
            )
    return takes


def _order_lot(session: Session, order: ProductionOrder, now: datetime) -> Lot:
    lot = balances.lot_for(
        session, order.site_id, order.item_id, order.code, now, make=True,
        production_order_id=order.id,
    )  # fmt: skip
    assert lot is not None
    return lot


def _move(
    order: ProductionOrder, report: Report, now: datetime, kind: StockMoveKind, key: str,
    leg: int, item_id: int, balance: StockBalance, quantity: Decimal,
) -> StockMove:  # fmt: skip
    return StockMove(
        idempotency_key=key, leg=leg, body_sha256=FLOOR, site_id=order.site_id, kind=kind,
        item_id=item_id, location_id=balance.location_id, lot_id=balance.lot_id,
        quantity=balances.exact(quantity), production_order_id=order.id,
        occurred_at=report.occurred_at,
        recorded_at=now, recorded_by=report.recorded_by,
    )  # fmt: skip
