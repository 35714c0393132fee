"""What MRP returns: planned orders, the links between supply and requirements (pegging, one
level at a time; `pegging.Pegging` follows them across levels), exception messages and the
textbook MRP record of every item."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple, overload

from plantops.planning.mrp.units import to_quantity

ON_HAND = "on hand"  # the supply that is an item's stock
SAFETY_STOCK = "safety stock"  # the reserve an item keeps
ALLOCATED = "allocated"  # stock promised beyond what is on hand


class PlannedOrder(NamedTuple):
    """A tuple: a large plan has hundreds of thousands."""

    id: str
    item: str
    make: bool  # a production order; otherwise a purchase
    quantity: Decimal
    release: date
    due: date


class Source(StrEnum):
    demand = "demand"  # independent demand: `source` is its id
    order = "order"  # a planned order of a parent item needs the component: its id
    reserve = "reserve"  # the item's own SAFETY_STOCK or ALLOCATED


class Link(NamedTuple):
    """`units` millionths of `item` from `supply` (ON_HAND, an open supply's id or a planned
    order's id) meet part of what `source` requires of that item. A tuple: a large plan has
    millions of them."""

    item: str
    supply: str
    kind: Source
    source: str
    units: int

    @property
    def quantity(self) -> Decimal:
        return to_quantity(self.units)


class Links(Sequence[Link]):
    """A plan's links, kept as columns and read as `Link` tuples. A plant's plan has
    millions: as columns they cost no allocation each, and nothing for the cyclic
    collector to walk (a tuple subclass stays tracked by it for good)."""

    __slots__ = ("item", "kind", "source", "supply", "units")

    def __init__(self) -> None:
        self.item: list[str] = []
        self.supply: list[str] = []
        self.kind: list[Source] = []
        self.source: list[str] = []
        self.units: list[int] = []

    def add(self, item: str, supply: str, kind: Source, source: str, units: int) -> None:
        self.item.append(item)
        self.supply.append(supply)
        self.kind.append(kind)
        self.source.append(source)
        self.units.append(units)

    def add_whole(self, item: str, supply: str, needs: list[tuple[Source, str, int]]) -> None:
        """Each of `needs` (kind, source, units) met in full from one supply."""
        n = len(needs)
        self.item += [item] * n
        self.supply += [supply] * n
        for kind, source, units in needs:
            self.kind.append(kind)
            self.source.append(source)
            self.units.append(units)

    def __len__(self) -> int:
        return len(self.units)

    @overload
    def __getitem__(self, index: int) -> Link: ...

    @overload
    def __getitem__(self, index: slice) -> list[Link]: ...

    def __getitem__(self, index: int | slice) -> Link | list[Link]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        return Link(
            self.item[index], self.supply[index], self.kind[index], self.source[index],
            self.units[index],
        )  # fmt: skip

    def __iter__(self) -> Iterator[Link]:
        return map(
            Link._make, zip(self.item, self.supply, self.kind, self.source, self.units, strict=True)
        )


@dataclass(frozen=True, slots=True)
class Cover:
    """`quantity` of `item` from `supply` goes into a demand."""

    supply: str
    item: str
    quantity: Decimal


class ExceptionKind(StrEnum):
    expedite = "expedite"  # an open supply, or an order after the fence, is due too late
    defer = "defer"  # it is due well before it is needed
    cancel = "cancel"  # it is not needed at all
    past_due = "past_due"  # due (or to be released) before today
    below_safety_stock = "below_safety_stock"  # stock available today is under safety stock


class ExceptionMessage(NamedTuple):
    """A tuple: a plant's plan has hundreds of thousands."""

    kind: ExceptionKind
    item: str
    order: str | None  # the open supply or planned order concerned
    day: date  # its date now (due, or release for a planned order)
    to: date | None  # the date MRP suggests (expedite, defer; today for a late release)
    text: str


@dataclass(frozen=True, slots=True)
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
    links: Sequence[Link]  # `Links`: columns, read as tuples
    exceptions: tuple[ExceptionMessage, ...]
    records: Mapping[str, tuple[Bucket, ...]]  # per item, built when asked for
    levels: dict[str, int]  # low-level code per item (0: never a component)
