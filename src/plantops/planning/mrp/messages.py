"""Exception messages and the MRP record of one netted item."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date

from plantops.planning.mrp.netting import Netted
from plantops.planning.mrp.problem import Item
from plantops.planning.mrp.result import Bucket, ExceptionKind, ExceptionMessage
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
    of thousands; a planner looks at a few)."""

    def __init__(self, calendar: WorkingDays) -> None:
        self._calendar = calendar
        self._netted: dict[str, tuple[Netted, int]] = {}
        self._built: dict[str, tuple[Bucket, ...]] = {}

    def add(self, item: Item, netted: Netted) -> None:
        self._netted[item.code] = (netted, item.lead_time_days)

    def __getitem__(self, item: str) -> tuple[Bucket, ...]:
        if item not in self._built:
            netted, lead_time = self._netted[item]
            self._built[item] = record(netted, lead_time, self._calendar)
        return self._built[item]

    def __iter__(self) -> Iterator[str]:
        return iter(self._netted)

    def __len__(self) -> int:
        return len(self._netted)


def record(netted: Netted, lead_time: int, calendar: WorkingDays) -> tuple[Bucket, ...]:
    """The item's MRP record, one bucket per day on which something happens."""
    scheduled: dict[date, int] = defaultdict(int)
    receipts: dict[date, int] = defaultdict(int)
    releases: dict[date, int] = defaultdict(int)
    for lot in netted.opened:
        scheduled[lot.due] += lot.size
    for lot in netted.planned:
        receipts[lot.due] += lot.size
        releases[lot.release] += lot.size
    gross, net = netted.gross, netted.net
    days = sorted({*gross, *scheduled, *receipts, *releases, *net})
    out, projected = [], netted.available
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
