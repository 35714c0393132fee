"""On hand per location, item and lot: each move changes its balance under a lock (SELECT
... FOR UPDATE on PostgreSQL; SQLite's writes are serialized whole), so two moves racing
for the last pieces cannot both take them, and stock never goes negative where the site
forbids it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plantops.errors import Conflict
from plantops.inventory.models import InventoryPolicy, Location, Lot, StockBalance
from plantops.masterdata.models import Item
from plantops.storage import txcache

ZERO = Decimal(0)
MILLIONTH = Decimal("0.000001")


def exact(quantity: Decimal) -> Decimal:
    """As the database keeps it (six decimals): a move answers the same recorded or replayed."""
    return quantity.quantize(MILLIONTH)


@dataclass(frozen=True)
class Policy:
    allow_negative_stock: bool
    issue_location_id: int | None
    receipt_location_id: int | None


def policy_of(session: Session, site_id: int) -> Policy | None:
    """The site's inventory policy, its default locations filled in; None when the site
    keeps no stock in PlantOps (it has no location). Read once per transaction."""
    held = txcache.of(session, "inventory_policies")
    if site_id not in held:
        held[site_id] = _policy(session, site_id)
    policy: Policy | None = held[site_id]
    return policy


_FIRST_LOCATION = (
    select(Location.id)
    .where(Location.site_id == bindparam("site"))
    .order_by(Location.code)
    .limit(1)
)
_POLICY = select(InventoryPolicy).where(InventoryPolicy.site_id == bindparam("site"))


def _policy(session: Session, site_id: int) -> Policy | None:
    first = session.scalar(_FIRST_LOCATION, {"site": site_id})
    if first is None:
        return None
    row = session.scalar(_POLICY, {"site": site_id})
    if row is None:
        return Policy(False, first, first)
    return Policy(
        row.allow_negative_stock, row.issue_location_id or first, row.receipt_location_id or first
    )


def locked_balance(
    session: Session, site_id: int, location_id: int, item_id: int, lot: Lot | None
) -> StockBalance:
    """The balance row, locked; made (at zero) when the item was never there."""
    key = lot.code if lot is not None else ""
    query = (
        select(StockBalance)
        .where(
            StockBalance.location_id == location_id,
            StockBalance.item_id == item_id,
            StockBalance.lot_key == key,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = session.scalar(query)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            made = StockBalance(
                site_id=site_id, location_id=location_id, item_id=item_id, lot_key=key,
                lot_id=lot.id if lot else None, on_hand=ZERO,
            )  # fmt: skip
            session.add(made)
            session.flush()
    except IntegrityError:  # another connection made it first: take theirs, locked
        return session.scalars(query).one()
    return made


def change(
    session: Session, balance: StockBalance, delta: Decimal, allow_negative: bool, what: str
) -> None:
    """Add `delta` to the balance; Conflict (409) if it would go negative where forbidden."""
    after = balance.on_hand + delta
    if after < 0 and not allow_negative:
        item = session.get_one(Item, balance.item_id)
        location = session.get_one(Location, balance.location_id)
        lot = f" of lot {balance.lot_key}" if balance.lot_key else ""
        raise Conflict(
            f"{what}: only {_shown(balance.on_hand)} {item.uom} of {item.code}{lot} on hand at "
            f"{location.code}; {_shown(-delta)} would leave {_shown(after)} (negative stock is "
            "not allowed at this site)"
        )
    balance.on_hand = after


def lot_for(
    session: Session, site_id: int, item_id: int, code: str, now: datetime, *, make: bool,
    production_order_id: int | None = None,
) -> Lot | None:  # fmt: skip
    lot = session.scalar(
        select(Lot).where(Lot.site_id == site_id, Lot.item_id == item_id, Lot.code == code)
    )
    if lot is None and make:
        lot = Lot(
            site_id=site_id, item_id=item_id, code=code, created_at=now,
            production_order_id=production_order_id,
        )  # fmt: skip
        session.add(lot)
        session.flush()
    return lot


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"
