"""What MRP returns: planned orders with their pegging, what covers each demand, exception
messages, and the textbook MRP record of every item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

ON_HAND = "on hand"  # the supply that is stock


@dataclass(frozen=True)
class Peg:
    """`quantity` (in the supply's item) serves `demand`, a top-level demand's id, or the
    item's safety stock ("safety stock <item>")."""

    demand: str
    quantity: Decimal


@dataclass(frozen=True)
class PlannedOrder:
    id: str
    item: str
    make: bool  # a production order; otherwise a purchase
    quantity: Decimal
    release: date
    due: date
    pegs: tuple[Peg, ...]


@dataclass(frozen=True)
class Cover:
    """Part of a demand met by a supply of `item` (the demand's own item or a component):
    ON_HAND, an open supply's id or a planned order's id."""

    supply: str
    item: str
    quantity: Decimal


class ExceptionKind(StrEnum):
    expedite = "expedite"  # an open supply is needed earlier than it is due
    defer = "defer"  # it is due well before it is needed
    cancel = "cancel"  # it is not needed at all
    past_due = "past_due"  # due (or to be released) before today
    below_safety_stock = "below_safety_stock"  # stock available today is under safety stock


@dataclass(frozen=True)
class ExceptionMessage:
    kind: ExceptionKind
    item: str
    order: str | None  # the open supply or planned order concerned
    day: date  # its date now (due, or release for a planned order)
    to: date | None  # the date MRP suggests (expedite, defer)
    text: str


@dataclass(frozen=True)
class Bucket:
    """One day of an item's MRP record (days on which something happens)."""

    day: date
    gross: Decimal  # requirements
    scheduled: Decimal  # open supply due that day (where it is due, not where it is needed)
    projected: Decimal  # on hand at the end of the day, with planned receipts
    net: Decimal  # requirements met by new planned orders
    planned_receipts: Decimal
    planned_releases: Decimal


@dataclass(frozen=True)
class MrpResult:
    planned_orders: tuple[PlannedOrder, ...]
    covers: dict[str, tuple[Cover, ...]]  # per demand id
    exceptions: tuple[ExceptionMessage, ...]
    records: dict[str, tuple[Bucket, ...]]  # per item
    levels: dict[str, int]  # low-level code per item (0: never a component)
    supply_pegs: dict[str, tuple[Peg, ...]]  # per open supply: the demands it serves
