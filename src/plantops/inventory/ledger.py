"""Posting stock moves exactly once: as shop-floor events, each carries an idempotency key
unique in the database; a re-sending is answered with the moves first recorded, the same key
with another body is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import FieldError, ValidationFailed
from plantops.inventory import balances
from plantops.inventory.models import Location, Lot, StockMove
from plantops.inventory.schemas import StockMoveIn
from plantops.masterdata.models import Item
from plantops.planning.models import ProductionOrder
from plantops.types import ON_THE_FLOOR, StockMoveKind

K = StockMoveKind
ZERO = Decimal(0)
REASONED = (K.scrap, K.adjustment)


@dataclass(frozen=True)
class Posted:
    moves: list[StockMove]
    replayed: bool


def post(session: Session, caller: Caller, move: StockMoveIn, now: datetime) -> Posted:
    """Record the move (one leg, two for a transfer) in a savepoint, or answer a re-sending."""
    caller.require(Domain.inventory, Action.create, "stock moves")
    body = move.digest()
    earlier = _recorded(session, move.idempotency_key)
    if earlier:
        return _replay(caller, earlier, body)
    _check_fields(move)
    try:
        with session.begin_nested():
            rows = _record(session, caller, move, body, now)
    except IntegrityError:
        earlier = _recorded(session, move.idempotency_key)
        if not earlier:
            raise
        return _replay(caller, earlier, body)
    return Posted(rows, replayed=False)


def _recorded(session: Session, key: str) -> list[StockMove]:
    query = select(StockMove).where(StockMove.idempotency_key == key).order_by(StockMove.leg)
    return list(session.scalars(query))


def _replay(caller: Caller, earlier: list[StockMove], body: str) -> Posted:
    if earlier[0].body_sha256 != body or not caller.scope.allows(earlier[0].site_id):
        raise ValidationFailed.field(
            "idempotency_key", "already used for a different move; a new move needs a new key"
        )
    return Posted(earlier, replayed=True)


def _check_fields(move: StockMoveIn) -> None:
    kind = K(move.kind)
    problems: list[FieldError] = []

    def needs(name: str, why: str) -> None:
        problems.append(FieldError((name,), why))

    if kind is K.cycle_count:
        if move.counted is None:
            needs("counted", "a cycle count needs what was counted")
        if move.quantity is not None:
            needs("quantity", "a cycle count gives counted, not quantity")
    elif move.quantity is None:
        needs("quantity", f"a {kind} needs it")
    elif kind is K.adjustment and move.quantity == 0:
        needs("quantity", "an adjustment of 0 changes nothing")
    elif kind is not K.adjustment and move.quantity <= 0:
        needs("quantity", "must be above 0 (only an adjustment is signed)")
    if kind is not K.cycle_count and move.counted is not None:
        needs("counted", f"a {kind} does not take it")
    if (kind is K.transfer) != (move.to_location_id is not None):
        needs("to_location_id", "a transfer needs it" if kind is K.transfer else "transfers only")
    if (kind is K.issue) != (move.production_order_id is not None):
        needs("production_order_id", "an issue needs it" if kind is K.issue else "issues only")
    if kind in REASONED and not move.reason:
        needs("reason", f"a {kind} needs a reason")
    if problems:
        raise ValidationFailed(f"{problems[0].location[0]}: {problems[0].message}", problems)


def _record(
    session: Session, caller: Caller, move: StockMoveIn, body: str, now: datetime
) -> list[StockMove]:
    kind = K(move.kind)
    item = session.get(Item, move.item_id)
    if item is None or not caller.scope.allows(item.site_id):
        raise ValidationFailed.field("item_id", "no item with this id")
    site = item.site_id
    location = _location(session, site, move.location_id, "location_id")
    policy = balances.policy_of(session, site)
    assert policy is not None  # the site has a location: the one just found
    lot = None
    if move.lot is not None:
        lot = balances.lot_for(session, site, item.id, move.lot, now, make=kind is K.receipt)
        if lot is None:
            raise ValidationFailed.field("lot", f"no lot {move.lot} of {item.code}")
    order_id = _order(session, site, item, move) if kind is K.issue else None
    legs = _legs(session, site, kind, move, location, item.id, lot)
    rows: list[StockMove] = []
    what = f"{kind} of {item.code}"
    for leg, (where, delta) in enumerate(legs):
        balance = balances.locked_balance(session, site, where.id, item.id, lot)
        balances.change(session, balance, delta, policy.allow_negative_stock, what)
        rows.append(
            StockMove(
                idempotency_key=move.idempotency_key, leg=leg, body_sha256=body, site_id=site,
                kind=kind, item_id=item.id, location_id=where.id,
                lot_id=lot.id if lot else None, quantity=balances.exact(delta),
                counted=None if move.counted is None else balances.exact(move.counted),
                production_order_id=order_id, reason=move.reason or "",
                occurred_at=move.occurred_at, recorded_at=now, recorded_by=caller.username,
            )
        )  # fmt: skip
    session.add_all(rows)
    session.flush()
    return rows


def _legs(
    session: Session, site: int, kind: StockMoveKind, move: StockMoveIn, location: Location,
    item_id: int, lot: Lot | None,
) -> list[tuple[Location, Decimal]]:  # fmt: skip
    if kind is K.cycle_count:
        assert move.counted is not None
        held = balances.locked_balance(session, site, location.id, item_id, lot).on_hand
        return [(location, move.counted - held)]
    assert move.quantity is not None
    if kind is K.transfer:
        assert move.to_location_id is not None
        target = _location(session, site, move.to_location_id, "to_location_id")
        if target.id == location.id:
            raise ValidationFailed.field("to_location_id", "is the location it comes from")
        return [(location, -move.quantity), (target, move.quantity)]
    sign = 1 if kind in (K.receipt, K.adjustment) else -1
    return [(location, sign * move.quantity)]


def _location(session: Session, site: int, ident: int, name: str) -> Location:
    location = session.get(Location, ident)
    if location is None or location.site_id != site:
        raise ValidationFailed.field(name, "no location with this id at the item's site")
    return location


def _order(session: Session, site: int, item: Item, move: StockMoveIn) -> int:
    order = session.get(ProductionOrder, move.production_order_id)
    if order is None or order.site_id != site or order.scenario_id is not None:
        raise ValidationFailed.field("production_order_id", "no production order at this site")
    if order.status not in ON_THE_FLOOR:
        raise ValidationFailed.field(
            "production_order_id", f"{order.code} is {order.status}: issue to orders on the floor"
        )
    return order.id
