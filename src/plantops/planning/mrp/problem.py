"""What MRP plans from: items with their stock and lot sizing, bills of materials, demand and
open supply, the site's working days. Quantities are Decimals (as stored), dates are days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from plantops.masterdata.bom_graph import BomLine
from plantops.planning.mrp.workdays import WorkingDays

ZERO = Decimal(0)


class LotRule(StrEnum):
    lot_for_lot = "lot_for_lot"  # exactly the net requirement
    fixed = "fixed"  # orders of `fixed` each, as many as it takes
    min_max_multiple = "min_max_multiple"  # at least min, at most max, a multiple of multiple
    period = "period"  # the net requirements of `periods` working days in one order


@dataclass(frozen=True)
class LotSizing:
    rule: LotRule = LotRule.lot_for_lot
    fixed: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    multiple: Decimal | None = None
    periods: int | None = None


@dataclass(frozen=True)
class Item:
    code: str
    make: bool  # made in a production order; otherwise bought
    lead_time_days: int = 0  # working days from release to receipt
    safety_stock: Decimal = ZERO
    lot: LotSizing = field(default_factory=LotSizing)
    on_hand: Decimal = ZERO
    allocated: Decimal = ZERO  # on hand but promised to orders already released


@dataclass(frozen=True)
class Bom:
    """How `quantity` of `item` is made, for orders released from `valid_from` to `valid_to`."""

    item: str
    lines: tuple[BomLine, ...]
    quantity: Decimal = Decimal(1)
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class Demand:
    """Independent demand: a sales order line, a forecast, a component of a released order."""

    id: str
    item: str
    quantity: Decimal
    due: date


@dataclass(frozen=True)
class Supply:
    """Open supply: a production or purchase order, or a receipt, not yet in stock."""

    id: str
    item: str
    quantity: Decimal
    due: date


@dataclass(frozen=True)
class MrpProblem:
    items: tuple[Item, ...]
    boms: tuple[Bom, ...] = ()
    demands: tuple[Demand, ...] = ()
    supplies: tuple[Supply, ...] = ()
    calendar: WorkingDays = field(default_factory=WorkingDays)
    today: date = field(default_factory=date.today)
    defer_tolerance_days: int = 5  # an open supply due this much early is left where it is
    # the end of the frozen fence: no new order is released before it (None: no fence)
    frozen_until: date | None = None
