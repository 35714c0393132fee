"""Stock as people read and set it: locations (master data), each site's inventory policy,
balances, the moves of the ledger, lots and their genealogy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound, ValidationFailed
from plantops.inventory import models as m
from plantops.inventory import schemas as s
from plantops.masterdata.models import Item
from plantops.org.models import Site
from plantops.resources.spec import ResourceSpec
from plantops.types import StockMoveKind

LOCATIONS = ResourceSpec("locations", "location", m.Location, s.LocationIn, s.LocationOut)


def _site(session: Session, caller: Caller, site_id: int) -> Site:
    site = session.get(Site, site_id)
    if site is None or not caller.scope.allows(site.id):
        raise NotFound(f"site {site_id} not found")
    return site


def get_policy(session: Session, caller: Caller, site_id: int) -> s.InventoryPolicyOut:
    caller.require(Domain.inventory, Action.read, "inventory policies")
    site = _site(session, caller, site_id)
    row = session.scalar(select(m.InventoryPolicy).where(m.InventoryPolicy.site_id == site.id))
    if row is None:
        return s.InventoryPolicyOut(site_id=site.id)
    return s.InventoryPolicyOut.model_validate(row, from_attributes=True)


def set_policy(
    session: Session, caller: Caller, site_id: int, data: s.InventoryPolicyIn
) -> s.InventoryPolicyOut:
    caller.require(Domain.inventory, Action.update, "inventory policies")
    site = _site(session, caller, site_id)
    for name in ("issue_location_id", "receipt_location_id"):
        ident = getattr(data, name)
        location = session.get(m.Location, ident) if ident is not None else None
        if ident is not None and (location is None or location.site_id != site.id):
            raise ValidationFailed.field(name, f"no location {ident} at the site")
    old = get_policy(session, caller, site.id)
    row = session.scalar(select(m.InventoryPolicy).where(m.InventoryPolicy.site_id == site.id))
    if row is None:
        row = m.InventoryPolicy(site_id=site.id)
        session.add(row)
    for name, value in data.model_dump().items():
        setattr(row, name, value)
    session.flush()
    new = s.InventoryPolicyOut(site_id=site.id, **data.model_dump())
    audit.append(
        session, caller, "update", "inventory_policy", row.id, site.id,
        old.model_dump(mode="json"), new.model_dump(mode="json"),
    )  # fmt: skip
    return new


def stock(
    session: Session, caller: Caller, site_id: int | None, item_id: int | None,
    location_id: int | None, limit: int, offset: int,
) -> tuple[list[s.BalanceOut], int]:  # fmt: skip
    """On hand per location, item and lot (zero balances left out)."""
    caller.require(Domain.inventory, Action.read, "stock")
    conditions = [
        *caller.scope.conditions(m.StockBalance.site_id, site_id),
        m.StockBalance.on_hand != 0,
    ]
    if item_id is not None:
        conditions.append(m.StockBalance.item_id == item_id)
    if location_id is not None:
        conditions.append(m.StockBalance.location_id == location_id)
    total = session.scalar(select(func.count()).select_from(m.StockBalance).where(*conditions))
    rows = session.execute(
        select(m.StockBalance, Item.code, m.Location.code)
        .join(Item, Item.id == m.StockBalance.item_id)
        .join(m.Location, m.Location.id == m.StockBalance.location_id)
        .where(*conditions)
        .order_by(Item.code, m.Location.code, m.StockBalance.lot_key)
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        s.BalanceOut(
            site_id=b.site_id, item_id=b.item_id, item_code=item, location_id=b.location_id,
            location_code=where, lot=b.lot_key or None, on_hand=b.on_hand,
        )
        for b, item, where in rows
    ], total or 0  # fmt: skip


@dataclass(frozen=True)
class MoveFilter:
    site_id: int | None = None
    item_id: int | None = None
    location_id: int | None = None
    production_order_id: int | None = None
    kind: StockMoveKind | None = None


def moves(
    session: Session, caller: Caller, where: MoveFilter, limit: int, offset: int
) -> tuple[list[m.StockMove], int]:
    caller.require(Domain.inventory, Action.read, "stock moves")
    conditions = caller.scope.conditions(m.StockMove.site_id, where.site_id)
    for name in ("item_id", "location_id", "production_order_id", "kind"):
        value = getattr(where, name)
        if value is not None:
            conditions.append(getattr(m.StockMove, name) == value)
    total = session.scalar(select(func.count()).select_from(m.StockMove).where(*conditions))
    rows = session.scalars(
        select(m.StockMove)
        .where(*conditions)
        .order_by(m.StockMove.recorded_at.desc(), m.StockMove.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total or 0


@dataclass(frozen=True)
class Genealogy:
    lot: m.Lot
    made_from: list[tuple[m.Lot, Decimal]]  # the lots consumed to make it
    went_into: list[tuple[m.Lot, Decimal]]  # the lots it was consumed in


def genealogy(session: Session, caller: Caller, lot_id: int) -> Genealogy:
    caller.require(Domain.inventory, Action.read, "lots")
    lot = session.get(m.Lot, lot_id)
    if lot is None or not caller.scope.allows(lot.site_id):
        raise NotFound(f"lot {lot_id} not found")

    def linked(mine: Any, other: Any) -> list[tuple[m.Lot, Decimal]]:
        rows = session.execute(
            select(m.Lot, func.sum(m.LotLink.quantity))
            .join(m.LotLink, other == m.Lot.id)
            .where(mine == lot.id)
            .group_by(m.Lot.id)
            .order_by(m.Lot.code)
        ).all()
        return [(found, Decimal(quantity)) for found, quantity in rows]

    return Genealogy(
        lot,
        linked(m.LotLink.produced_lot_id, m.LotLink.consumed_lot_id),
        linked(m.LotLink.consumed_lot_id, m.LotLink.produced_lot_id),
    )


def lots(
    session: Session, caller: Caller, site_id: int | None, item_id: int | None, limit: int
) -> list[m.Lot]:
    caller.require(Domain.inventory, Action.read, "lots")
    conditions = caller.scope.conditions(m.Lot.site_id, site_id)
    if item_id is not None:
        conditions.append(m.Lot.item_id == item_id)
    query = select(m.Lot).where(*conditions).order_by(m.Lot.created_at.desc(), m.Lot.id.desc())
    return list(session.scalars(query.limit(limit)))
