"""Stock over the API: locations, a site's inventory policy, stock moves and balances."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from plantops.resources.fields import Code, Id, IdempotentSchema, Name, Record, Schema
from plantops.types import StockMoveKind

SignedQuantity = Annotated[Decimal, Field(max_digits=18, decimal_places=6)]
POSTED = Literal["receipt", "issue", "scrap", "transfer", "adjustment", "cycle_count"]


class LocationIn(Schema):
    site_id: Id
    code: Code
    name: Name


class LocationOut(LocationIn, Record):
    pass


class InventoryPolicyIn(Schema):
    allow_negative_stock: bool = False
    issue_location_id: Id | None = Field(
        default=None, description="where backflush takes components; default the first location"
    )
    receipt_location_id: Id | None = Field(
        default=None, description="where production receipts go; default the first location"
    )


class InventoryPolicyOut(InventoryPolicyIn):
    site_id: int


class StockMoveIn(IdempotentSchema):
    """A stock move a person or a terminal posts (backflush and production receipts are the
    floor's own, from its reports). Quantities are positive, but an adjustment's, which is
    signed; a cycle count gives what was counted."""

    kind: POSTED
    occurred_at: AwareDatetime
    item_id: Id
    location_id: Id
    to_location_id: Id | None = Field(default=None, description="transfer: where to")
    lot: Code | None = Field(default=None, description="the lot's code; a receipt may make it")
    quantity: SignedQuantity | None = None
    counted: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)] | None = None
    production_order_id: Id | None = Field(default=None, description="issue: to which order")
    reason: str | None = Field(default=None, max_length=500)


class StockMoveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    idempotency_key: str
    leg: int
    site_id: int
    kind: StockMoveKind
    item_id: int
    location_id: int
    lot_id: int | None
    quantity: Decimal
    counted: Decimal | None
    production_order_id: int | None
    reason: str
    occurred_at: datetime
    recorded_at: datetime
    flags: str


class BalanceOut(BaseModel):
    site_id: int
    item_id: int
    item_code: str
    location_id: int
    location_code: str
    lot: str | None
    on_hand: Decimal


class MaterialLineOut(BaseModel):
    """One component of an order: what it needs, what there is, what is short and which
    open orders are to bring it."""

    item_id: int
    item_code: str
    needed: Decimal  # for the order's quantity, grossed up for scrap
    consumed: Decimal  # issued or backflushed to it so far
    on_hand: Decimal
    allocated_elsewhere: Decimal  # still needed by other orders on the floor
    short: Decimal
    supply: list[str] = Field(description="open orders of the component: code, due date")


class LotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    item_id: int
    code: str
    production_order_id: int | None
    created_at: datetime


class LinkedLotOut(BaseModel):
    lot: LotOut
    quantity: Decimal


class GenealogyOut(BaseModel):
    lot: LotOut
    made_from: list[LinkedLotOut] = Field(description="the component lots consumed to make it")
    went_into: list[LinkedLotOut] = Field(description="the lots it was consumed in")


class StockMovesOut(BaseModel):
    """A posted move: its legs (two for a transfer)."""

    moves: list[StockMoveOut]


class StockPage(BaseModel):
    items: list[BalanceOut]
    total: int
    limit: int
    offset: int


class StockMovePage(BaseModel):
    items: list[StockMoveOut]
    total: int
    limit: int
    offset: int
