"""Netting one item: its requirements, in daily buckets and date order, are met first from
stock, then from open supply in the order it is due, then from new planned orders sized by
the item's lot rule. Open supply is used before anything new is planned (the rescheduling
assumption of MRP): one due too late gets an expedite message, one due much too early a
defer, one never used a cancel. Every quantity moved is linked to what required it.
Quantities are integer units (see units.py)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from plantops.planning.mrp.lots import Lots
from plantops.planning.mrp.problem import Item, LotRule
from plantops.planning.mrp.result import ALLOCATED, ON_HAND, SAFETY_STOCK, Links, Source
from plantops.planning.mrp.units import to_units
from plantops.planning.mrp.workdays import WorkingDays

STOCK, OPEN, PLANNED = 0, 1, 2  # which supply goes first among those due the same day
Need = tuple[Source, str, int]  # what requires part of a requirement: (kind, id, units)


Want = tuple[date, int, Source, str]  # one requirement as it comes: (day, units, kind, id)


@dataclass(slots=True)
class Requirement:
    """What the item must supply on one day (a daily bucket of wants)."""

    day: date
    units: int
    needs: list[Need]  # summing to units
    counts: bool = True  # a gross requirement of the record (the reserves are not)


@dataclass(order=True, slots=True)
class Lot:
    """A supply with units left, in the order it is used: by due date."""

    due: date
    kind: int
    seq: int
    id: str = field(compare=False)
    size: int = field(compare=False)
    left: int = field(compare=False)
    release: date = field(default=date.min, compare=False)  # of a planned order
    first_need: date | None = field(default=None, compare=False)  # the day it is first used


@dataclass
class Netted:
    """One item's plan, in units: planned lots, the open supply as used, and the day
    buckets of its record (its links went into the plan's `Links`)."""

    planned: list[Lot]
    opened: list[Lot]
    gross: dict[date, int]
    net: dict[date, int]
    available: int


@dataclass
class Netting:
    item: Item
    calendar: WorkingDays
    today: date
    lots: Lots
    links: Links  # of the whole plan: this item's are added
    fence: date | None = None  # no planned order is released before it
    _heap: list[Lot] = field(default_factory=list)
    _planned: list[Lot] = field(default_factory=list)
    _net: dict[date, int] = field(default_factory=lambda: defaultdict(int))

    def run(self, wants: list[Want], supplies: list[tuple[str, int, date]]) -> Netted:
        """`supplies`: the item's open supply as (id, units, due)."""
        item = self.item
        available = to_units(item.on_hand) - to_units(item.allocated)
        ordered = []
        if available < 0:  # promised more than there is: the shortfall is due now
            ordered.append(self._reserve(ALLOCATED, -available))
        if item.safety_stock > 0:  # kept from the start, never consumed
            ordered.append(self._reserve(SAFETY_STOCK, to_units(item.safety_stock)))
        if available > 0:
            self._heap.append(Lot(date.min, STOCK, 0, ON_HAND, available, available))
        opened = [Lot(due, OPEN, k, sid, u, u) for k, (sid, u, due) in enumerate(supplies)]
        self._heap += opened
        heapq.heapify(self._heap)
        ordered += _by_day(wants)
        for k, req in enumerate(ordered):
            self._meet(req, ordered, k)
        gross: dict[date, int] = {}
        for req in ordered:
            if req.counts:
                gross[req.day] = gross.get(req.day, 0) + req.units
        return Netted(self._planned, opened, gross, dict(self._net), available)

    def _reserve(self, name: str, units: int) -> Requirement:
        return Requirement(self.today, units, [(Source.reserve, name, units)], counts=False)

    def _meet(self, req: Requirement, ordered: list[Requirement], k: int) -> None:
        needs, n, code, links, heap = req.needs, 0, self.item.code, self.links, self._heap
        if not heap and self.lots.rule is LotRule.lot_for_lot:
            # nothing left to take from (the common case): one new order of exactly the
            # day's requirement, which each need takes its own part of
            (lot,) = self._plan(req.day, req.units, ordered, k)
            self._net[req.day] += req.units
            links.add_whole(code, lot.id, needs)
            return
        kind, source, owed = needs[0]
        left = req.units
        while left > 0:
            if not heap:
                for new in self._plan(req.day, left, ordered, k):
                    heapq.heappush(heap, new)
            lot = heap[0]
            take = left if left < lot.left else lot.left
            if lot.kind == OPEN and lot.first_need is None:
                lot.first_need = req.day
            elif lot.kind == PLANNED:
                self._net[req.day] += take
            left -= take
            lot.left -= take
            if not lot.left:
                heapq.heappop(heap)
            while take:  # link the taken units to the needs, front first
                part = take if take < owed else owed
                links.add(code, lot.id, kind, source, part)
                take -= part
                owed -= part
                if not owed and n + 1 < len(needs):
                    n += 1
                    kind, source, owed = needs[n]

    def _plan(self, day: date, left: int, ordered: list[Requirement], k: int) -> list[Lot]:
        """New orders due when `day` needs them, sized by the lot rule."""
        lead_time = self.item.lead_time_days
        due = self.calendar.on_or_before(day)
        release = self.calendar.back(due, lead_time)
        if self.fence is not None and release < self.fence:
            # inside the frozen fence the plan changes nothing: the order comes after it, late
            release = self.calendar.ahead(self.fence, 0)
            due = self.calendar.ahead(release, lead_time)
        net = left
        if self.lots.rule == LotRule.period:
            until = self.calendar.ahead(due, self.lots.periods)
            for later in islice(ordered, k + 1, None):  # by date after the reserves
                if later.day >= until:
                    break
                net += later.units
        new = []
        for size in self.lots.orders(net):
            n = len(self._planned) + 1
            lot = Lot(due, PLANNED, n, f"{self.item.code}/{n}", size, size, release, day)
            self._planned.append(lot)
            new.append(lot)
        return new


def _by_day(wants: list[Want]) -> list[Requirement]:
    """One requirement per day (daily buckets), in date order: what is netted."""
    days: dict[date, Requirement] = {}
    for day, units, kind, source in wants:
        same = days.get(day)
        if same is None:
            days[day] = Requirement(day, units, [(kind, source, units)])
        else:
            same.units += units
            same.needs.append((kind, source, units))
    return [days[day] for day in sorted(days)]
