"""Stock: locations, lots, the append-only ledger of stock moves (DESIGN.md rule 4) and the
balances derived from it, kept in the same transaction as each move."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantops.storage.base import QUANTITY, Base, Entity, code_column, site_fk, stored_enum
from plantops.types import StockMoveKind


class Location(Entity):
    """Where stock is kept at a site: a store, a line-side rack, a quarantine cage."""

    __tablename__ = "location"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))


class InventoryPolicy(Entity):
    """How a site keeps stock: whether it may go negative, and where the floor takes
    components from (backflush) and puts what it makes (production receipt)."""

    __tablename__ = "inventory_policy"
    __table_args__ = (UniqueConstraint("site_id"),)

    site_id: Mapped[int] = site_fk()
    allow_negative_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    issue_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    receipt_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))


class Lot(Base):
    """A lot (batch) of an item; a produced one names the order that made it."""

    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("site_id", "item_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = site_fk()
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    code: Mapped[str] = code_column()
    production_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("production_order.id"), index=True
    )
    created_at: Mapped[datetime]


class StockMove(Base):
    """One change of stock at one location, as a signed delta: never updated nor deleted. A
    transfer is two legs under one idempotency key (out of one location, into another); what
    a shop-floor event consumed or made is keyed by that event's key ("<key>/backflush")."""

    __tablename__ = "stock_move"
    __table_args__ = (
        UniqueConstraint("idempotency_key", "leg"),
        Index("ix_stock_move_site_occurred", "site_id", "occurred_at"),  # a span's moves (KPIs)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120))
    leg: Mapped[int] = mapped_column(Integer, default=0)
    body_sha256: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[int] = site_fk()
    kind: Mapped[StockMoveKind] = mapped_column(stored_enum(StockMoveKind))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)  # + into the location, - out of it
    counted: Mapped[Decimal | None] = mapped_column(QUANTITY)  # a cycle count's count
    production_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("production_order.id"), index=True
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(64))
    flags: Mapped[str] = mapped_column(String(500), default="")  # why a supervisor should look


class StockBalance(Base):
    """On hand of an item (and lot; "" for none) at a location: the sum of its moves, kept
    with each move under a lock so it can be checked against going negative."""

    __tablename__ = "stock_balance"
    __table_args__ = (UniqueConstraint("location_id", "item_id", "lot_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = site_fk()
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    lot_key: Mapped[str] = mapped_column(String(64), default="")  # the lot's code, or ""
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    on_hand: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))


class LotLink(Base):
    """Genealogy: `quantity` of lot `consumed` went into lot `produced`."""

    __tablename__ = "lot_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = site_fk()
    consumed_lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    produced_lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    stock_move_id: Mapped[int] = mapped_column(ForeignKey("stock_move.id"))
