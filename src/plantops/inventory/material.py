"""What an order needs from stock: its components from the BOM in effect on its release date
(grossed up for scrap), what was already issued or backflushed to it, what other orders on
the floor still need (allocated), and so what is short and which open orders are to bring it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantops.inventory.models import StockBalance, StockMove
from plantops.masterdata import models as md
from plantops.masterdata.bom_graph import BomLine, gross_quantity, in_effect
from plantops.planning.models import ProductionOrder, PurchaseOrder
from plantops.types import ON_THE_FLOOR, OrderStatus, StockMoveKind

ZERO = Decimal(0)
CONSUMING = (StockMoveKind.issue, StockMoveKind.backflush)
OPEN_SUPPLY = (OrderStatus.approved, OrderStatus.firm, *ON_THE_FLOOR)


@dataclass(frozen=True)
class Component:
    item_id: int
    line: BomLine
    bom_quantity: Decimal

    def for_quantity(self, quantity: Decimal) -> Decimal:
        """What `quantity` of the parent consumes, up to the millionth the database keeps."""
        gross = gross_quantity(self.line, quantity, self.bom_quantity)
        return gross.quantize(Decimal("0.000001"), rounding=ROUND_CEILING)


@dataclass(frozen=True)
class MaterialLine:
    item_id: int
    item_code: str
    needed: Decimal
    consumed: Decimal
    on_hand: Decimal
    allocated_elsewhere: Decimal
    short: Decimal
    supply: list[str]


def components(session: Session, item_id: int, on: date) -> list[Component]:
    """The lines of the item's BOM in effect on `on` (the first by code, as planning)."""
    boms = session.scalars(select(md.Bom).where(md.Bom.item_id == item_id).order_by(md.Bom.code))
    bom = next((b for b in boms if in_effect(on, b.valid_from, b.valid_to)), None)
    if bom is None:
        return []
    found = []
    for row in bom.lines:
        line = BomLine(str(row.component_item_id), row.quantity_per, row.scrap_factor,
                       row.valid_from, row.valid_to)  # fmt: skip
        if line.effective(on):
            found.append(Component(row.component_item_id, line, bom.quantity))
    return found


def consumed(session: Session, order_id: int) -> dict[int, Decimal]:
    """Per component: what was issued or backflushed to the order (a positive quantity)."""
    rows = session.execute(
        select(StockMove.item_id, func.sum(StockMove.quantity))
        .where(StockMove.production_order_id == order_id, StockMove.kind.in_(CONSUMING))
        .group_by(StockMove.item_id)
    )
    return {item: -Decimal(total) for item, total in rows}


def still_needed(session: Session, order: ProductionOrder) -> dict[int, Decimal]:
    """Per component: what the order will still take from stock."""
    taken = consumed(session, order.id)
    return {
        c.item_id: max(c.for_quantity(order.quantity) - taken.get(c.item_id, ZERO), ZERO)
        for c in components(session, order.item_id, order.release_date)
    }


# Orders that hold their material: released with it there, under way or held. One waiting
# for material holds none, so what arrives goes to the first waiting order it completes.
HOLDING = (OrderStatus.ready, OrderStatus.in_progress, OrderStatus.paused, OrderStatus.on_hold)


def allocated(session: Session, site_id: int, but: int | None = None) -> dict[int, Decimal]:
    """Per item: what the site's orders holding material (except `but`) still need."""
    floor = session.scalars(
        select(ProductionOrder).where(
            ProductionOrder.site_id == site_id,
            ProductionOrder.status.in_(HOLDING),
            ProductionOrder.scenario_id.is_(None),
        )
    )
    total: dict[int, Decimal] = {}
    for order in floor:
        if order.id == but:
            continue
        for item, quantity in still_needed(session, order).items():
            total[item] = total.get(item, ZERO) + quantity
    return total


def on_hand(session: Session, site_id: int, item_ids: list[int]) -> dict[int, Decimal]:
    rows = session.execute(
        select(StockBalance.item_id, func.sum(StockBalance.on_hand))
        .where(StockBalance.site_id == site_id, StockBalance.item_id.in_(item_ids))
        .group_by(StockBalance.item_id)
    )
    return {item: Decimal(total) for item, total in rows}


def material(session: Session, order: ProductionOrder) -> list[MaterialLine]:
    parts = components(session, order.item_id, order.release_date)
    ids = [c.item_id for c in parts]
    taken = consumed(session, order.id)
    held = on_hand(session, order.site_id, ids)
    elsewhere = allocated(session, order.site_id, but=order.id)
    codes = dict(session.execute(select(md.Item.id, md.Item.code).where(md.Item.id.in_(ids))).all())
    lines = []
    for part in parts:
        needed = part.for_quantity(order.quantity)
        done = taken.get(part.item_id, ZERO)
        free = held.get(part.item_id, ZERO) - elsewhere.get(part.item_id, ZERO)
        short = max(needed - done - max(free, ZERO), ZERO)
        lines.append(
            MaterialLine(
                part.item_id, codes[part.item_id], needed, done, held.get(part.item_id, ZERO),
                elsewhere.get(part.item_id, ZERO), short,
                _supply(session, order.site_id, part.item_id) if short else [],
            )
        )  # fmt: skip
    return lines


def _supply(session: Session, site_id: int, item_id: int) -> list[str]:
    """Open orders of the item, soonest first: "PR-7 due 2026-12-09 (40)"."""
    found: list[tuple[date, str, Decimal]] = []
    for model in (PurchaseOrder, ProductionOrder):
        rows = session.execute(
            select(model.due_date, model.code, model.quantity).where(
                model.site_id == site_id,
                model.item_id == item_id,
                model.status.in_(OPEN_SUPPLY),
                model.scenario_id.is_(None),
            )
        )
        found += [(due, code, quantity) for due, code, quantity in rows]
    return [f"{code} due {due} ({quantity.normalize():f})" for due, code, quantity in sorted(found)]
