"""Netting one item: its requirements, in date order, are met first from stock, then from
open supply in the order it is due, then from new planned orders sized by the item's lot
rule. Open supply is used before anything new is planned (the rescheduling assumption of
MRP): one due too late gets an expedite message, one due much too early a defer, one never
used a cancel. Every quantity moved keeps the demands it serves (pegging)."""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from plantops.planning.mrp.lots import orders
from plantops.planning.mrp.problem import ZERO, Item, LotRule, Supply
from plantops.planning.mrp.result import (
    ON_HAND,
    Bucket,
    Cover,
    ExceptionKind,
    ExceptionMessage,
    Peg,
    PlannedOrder,
)
from plantops.planning.mrp.workdays import WorkingDays

STOCK, OPEN, PLANNED = 0, 1, 2  # which supply goes first among those due the same day


@dataclass
class Requirement:
    day: date
    quantity: Decimal
    pegs: deque[tuple[str, Decimal]]  # (demand, quantity) it serves, summing to quantity
    counts: bool = True  # a gross requirement of the record (safety stock is not)


@dataclass(order=True)
class _Lot:
    """A supply with quantity left, in the order it is used: by due date."""

    due: date
    kind: int
    seq: int
    id: str = field(compare=False)
    size: Decimal = field(compare=False)
    left: Decimal = field(compare=False)
    first_need: date | None = field(default=None, compare=False)
    pegs: list[Peg] = field(default_factory=list, compare=False)


@dataclass
class ItemPlan:
    orders: list[PlannedOrder]
    covers: list[tuple[str, Cover]]  # (demand, what covers part of it)
    supply_pegs: dict[str, tuple[Peg, ...]]
    messages: list[ExceptionMessage]
    record: tuple[Bucket, ...]


@dataclass
class Netting:
    item: Item
    calendar: WorkingDays
    today: date
    defer_tolerance: int
    numbering: int = 0  # planned orders of this item so far
    _heap: list[_Lot] = field(default_factory=list)
    _planned: list[_Lot] = field(default_factory=list)
    _covers: list[tuple[str, Cover]] = field(default_factory=list)
    _net: dict[date, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def run(self, requirements: list[Requirement], supplies: list[Supply]) -> ItemPlan:
        item = self.item
        available = item.on_hand - item.allocated
        pseudo = []
        if available < 0:  # promised more than there is: the shortfall is due now
            pseudo.append(self._own(f"allocations {item.code}", -available))
        if item.safety_stock > 0:  # a reserve kept from the start, never consumed
            pseudo.append(self._own(f"safety stock {item.code}", item.safety_stock))
        if available > 0:
            self._heap.append(_Lot(date.min, STOCK, 0, ON_HAND, available, available))
        opened = [
            _Lot(s.due, OPEN, k, s.id, s.quantity, s.quantity) for k, s in enumerate(supplies)
        ]
        self._heap += opened
        heapq.heapify(self._heap)
        ordered = pseudo + sorted(requirements, key=lambda r: r.day)
        for k, req in enumerate(ordered):
            self._meet(req, ordered, k)
        planned = [self._order(lot) for lot in self._planned]
        return ItemPlan(
            orders=planned,
            covers=self._covers,
            supply_pegs={lot.id: tuple(lot.pegs) for lot in opened},
            messages=self._messages(opened, supplies, available),
            record=self._record(ordered, supplies, planned, available),
        )

    def _own(self, reason: str, quantity: Decimal) -> Requirement:
        return Requirement(self.today, quantity, deque([(reason, quantity)]), counts=False)

    def _meet(self, req: Requirement, ordered: list[Requirement], k: int) -> None:
        left = req.quantity
        while left > 0:
            if not self._heap:
                self._plan(req, left, ordered, k)
            lot = self._heap[0]
            take = min(left, lot.left)
            if lot.kind == OPEN and lot.first_need is None:
                lot.first_need = req.day
            if lot.kind == PLANNED:
                self._net[req.day] += take
            self._peg(req, lot, take)
            left -= take
            lot.left -= take
            if lot.left <= 0:
                heapq.heappop(self._heap)

    def _peg(self, req: Requirement, lot: _Lot, quantity: Decimal) -> None:
        """Move `quantity` of the requirement's demands, front first, onto the lot."""
        while quantity > 0:
            demand, owed = req.pegs[0]
            part = min(owed, quantity)
            if part == owed:
                req.pegs.popleft()
            else:
                req.pegs[0] = (demand, owed - part)
            quantity -= part
            lot.pegs.append(Peg(demand, part))
            self._covers.append((demand, Cover(lot.id, self.item.code, part)))

    def _plan(self, req: Requirement, left: Decimal, ordered: list[Requirement], k: int) -> None:
        """New orders due when `req` is needed, sized by the lot rule."""
        due = self.calendar.on_or_before(req.day)
        lot = self.item.lot
        net = left
        if lot.rule == LotRule.period and lot.periods is not None:
            until = self.calendar.ahead(due, lot.periods)
            net += sum((r.quantity for r in ordered[k + 1 :] if r.day < until), ZERO)
        for quantity in orders(lot, net):
            self.numbering += 1
            code = f"{self.item.code}/{self.numbering}"
            planned = _Lot(due, PLANNED, self.numbering, code, quantity, quantity)
            self._planned.append(planned)
            heapq.heappush(self._heap, planned)

    def _order(self, lot: _Lot) -> PlannedOrder:
        release = self.calendar.back(lot.due, self.item.lead_time_days)
        item = self.item
        return PlannedOrder(
            lot.id, item.code, item.make, lot.size, release, lot.due, tuple(lot.pegs)
        )

    # -- what the planner is told ----------------------------------------------------------

    def _messages(
        self, opened: list[_Lot], supplies: list[Supply], available: Decimal
    ) -> list[ExceptionMessage]:
        code, today, cal = self.item.code, self.today, self.calendar
        out: list[ExceptionMessage] = []
        if available < self.item.safety_stock:
            text = f"{available} available today, safety stock {self.item.safety_stock}"
            out.append(
                ExceptionMessage(ExceptionKind.below_safety_stock, code, None, today, None, text)
            )
        for lot in opened:
            due = lot.due
            if due < today:
                text = f"due {due}, still open"
                out.append(ExceptionMessage(ExceptionKind.past_due, code, lot.id, due, None, text))
            if lot.first_need is None:
                text = f"{lot.size} due {due} is not needed"
                out.append(ExceptionMessage(ExceptionKind.cancel, code, lot.id, due, None, text))
                continue
            need = cal.on_or_before(lot.first_need)
            if need < due:
                text = f"needed on {need}, due {due}"
                out.append(ExceptionMessage(ExceptionKind.expedite, code, lot.id, due, need, text))
            elif need > cal.ahead(due, self.defer_tolerance):
                text = f"due {due}, not needed before {need}"
                out.append(ExceptionMessage(ExceptionKind.defer, code, lot.id, due, need, text))
        for lot in self._planned:
            release = cal.back(lot.due, self.item.lead_time_days)
            if release < today:
                text = f"to be released on {release} for {lot.due}"
                kind = ExceptionKind.past_due
                out.append(ExceptionMessage(kind, code, lot.id, release, today, text))
        return out

    def _record(
        self,
        ordered: list[Requirement],
        supplies: list[Supply],
        planned: list[PlannedOrder],
        available: Decimal,
    ) -> tuple[Bucket, ...]:
        """The item's MRP record, one bucket per day on which something happens."""
        gross: dict[date, Decimal] = defaultdict(Decimal)
        scheduled: dict[date, Decimal] = defaultdict(Decimal)
        receipts: dict[date, Decimal] = defaultdict(Decimal)
        releases: dict[date, Decimal] = defaultdict(Decimal)
        for req in ordered:
            if req.counts:
                gross[req.day] += req.quantity
        for supply in supplies:
            scheduled[supply.due] += supply.quantity
        for order in planned:
            receipts[order.due] += order.quantity
            releases[order.release] += order.quantity
        days = sorted({*gross, *scheduled, *receipts, *releases, *self._net})
        out, projected = [], available
        for day in days:
            projected += scheduled[day] + receipts[day] - gross[day]
            out.append(
                Bucket(
                    day,
                    gross[day],
                    scheduled[day],
                    projected,
                    self._net[day],
                    receipts[day],
                    releases[day],
                )
            )
        return tuple(out)
