"""Exception messages and the MRP record of one netted item."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date

from plantops.planning.mrp.netting import Netted
from plantops.planning.mrp.problem import Item
from plantops.planning.mrp.result import Bucket, ExceptionKind, ExceptionMessage, PlannedOrder
from plantops.planning.mrp.units import shown, to_quantity, to_units
from plantops.planning.mrp.workdays import WorkingDays


def messages(
    item: Item, netted: Netted, calendar: WorkingDays, today: date, tolerance: int
) -> list[ExceptionMessage]:
    """What the planner should act on: open supply to expedite, defer or cancel, anything
    due or to be released in the past, stock below its safety stock."""
    out: list[ExceptionMessage] = []

    def say(kind: ExceptionKind, order: str | None, day: date, to: date | None, text: str) -> None:
        out.append(ExceptionMessage(kind, item.code, order, day, to, text))

    if netted.available < to_units(item.safety_stock):
        available = shown(to_quantity(netted.available))
        text = f"{available} available today, safety stock {shown(item.safety_stock)}"
        say(ExceptionKind.below_safety_stock, None, today, None, text)
    for lot in netted.opened:
        due = lot.due
        if due < today:
            say(ExceptionKind.past_due, lot.id, due, None, f"due {due}, still open")
        if lot.first_need is None:
            size = shown(to_quantity(lot.size))
            say(ExceptionKind.cancel, lot.id, due, None, f"{size} due {due} is not needed")
            continue
        need = calendar.on_or_before(lot.first_need)
        if need < due:
            say(ExceptionKind.expedite, lot.id, due, need, f"needed on {need}, due {due}")
        elif need > calendar.ahead(due, tolerance):
            say(ExceptionKind.defer, lot.id, due, need, f"due {due}, not needed before {need}")
    for lot in netted.planned:
        if lot.release < today:
            text = f"to be released on {lot.release} for {lot.due}"
            say(ExceptionKind.past_due, lot.id, lot.release, today, text)
        need = calendar.on_or_before(lot.first_need or lot.due)
        if need < lot.due:  # pushed out by the frozen fence: only the planner can bring it in
            text = f"needed on {need}, planned for {lot.due} after the frozen fence"
            say(ExceptionKind.expedite, lot.id, lot.due, need, text)
    return out


class Records(Mapping[str, tuple[Bucket, ...]]):
    """Every item's MRP record, each built the first time it is asked for (a plant has tens
    of thousands; a planner looks at a few). What it is built from is kept lean: an item's
    planned orders are a run of the plan's `orders`, not lots kept aside."""

    def __init__(self, calendar: WorkingDays, orders: Sequence[PlannedOrder]) -> None:
        self._calendar = calendar
        self._orders = orders
        self._kept: dict[str, _Kept] = {}
        self._built: dict[str, tuple[Bucket, ...]] = {}

    def add(self, item: Item, netted: Netted, first: int) -> None:
        """`netted`'s planned lots become `orders[first:first + len(netted.planned)]`."""
        opened = [(lot.due, lot.size) for lot in netted.opened]
        span = (first, first + len(netted.planned))
        self._kept[item.code] = (opened, span, netted.gross, netted.net, netted.available)

    def __getitem__(self, item: str) -> tuple[Bucket, ...]:
        if item not in self._built:
            opened, (first, end), gross, net, available = self._kept[item]
            planned = [(o.due, o.release, to_units(o.quantity)) for o in self._orders[first:end]]
            self._built[item] = record(opened, planned, gross, net, available)
        return self._built[item]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kept)

    def __len__(self) -> int:
        return len(self._kept)


# what a record is built from: open supply (due, units), the span of the item's planned
# orders, gross requirements and net requirements by day, stock available at the start
_Kept = tuple[list[tuple[date, int]], tuple[int, int], dict[date, int], dict[date, int], int]


def record(
    opened: list[tuple[date, int]],
    planned: list[tuple[date, date, int]],
    gross: dict[date, int],
    net: dict[date, int],
    available: int,
) -> tuple[Bucket, ...]:
    """The item's MRP record, one bucket per day on which something happens. `planned`:
    (due, release, units) of each planned order."""
    scheduled: dict[date, int] = defaultdict(int)
    receipts: dict[date, int] = defaultdict(int)
    releases: dict[date, int] = defaultdict(int)
    for due, size in opened:
        scheduled[due] += size
    for due, release, size in planned:
        receipts[due] += size
        releases[release] += size
    days = sorted({*gross, *scheduled, *receipts, *releases, *net})
    out, projected = [], available
    q = to_quantity
    for day in days:
        projected += scheduled[day] + receipts[day] - gross.get(day, 0)
        gross_, net_ = q(gross.get(day, 0)), q(net.get(day, 0))
        out.append(
            Bucket(
                day,
                gross_,
                q(scheduled[day]),
                q(projected),
                net_,
                q(receipts[day]),
                q(releases[day]),
            )
        )
    return tuple(out)
