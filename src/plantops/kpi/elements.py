"""The ISO 22400-2 time and quantity elements of one work center in its booking periods
(kpi.shifts), from what its terminals reported: states with their reasons, quantities, and
when its operations were open. Pure (DESIGN.md rule 1).

Inside planned operation time (POT: the calendar's shifts) every second lands in exactly one
element, decided by the work center's state then:
  running -> APT; setup -> ASUT; down -> ADET as a breakdown or a minor stop by its reason
  (a setup reason books ASUT, a planned-downtime reason PDOT); planned_stop -> PDOT;
  idle (or nothing reported yet) -> idle, or PDOT inside a planned downtime window.
Outside POT only work counts: running and setup time there is added to POT (the shift ran
long); a stop there (idle, down, stopped) took no planned time, though a breakdown that
began there still counts as a failure with its repair time. So, exactly and in whole seconds,
  POT = PDOT + APT + ASUT + ADET + idle, and PBT = POT - PDOT.
A work center that reports no states (a station of parallel lanes) is running while any of
its operations is open, one lane per open operation, with POT counted once per lane."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from plantops.kpi.shifts import OFF_SHIFT, Period
from plantops.masterdata.calendar import Interval, clip, subtract, union
from plantops.types import LossCategory

ZERO = Decimal(0)
_SECOND = timedelta(seconds=1)
L = LossCategory


@dataclass(frozen=True)
class StateChange:
    at: datetime
    state: str  # a WorkCenterState value
    loss: LossCategory | None = None  # the category of its reason code
    reason_id: int | None = None


@dataclass(frozen=True)
class Output:
    """A quantity report (operation_report or operation_complete) at the work center."""

    at: datetime
    good: Decimal
    scrap: Decimal
    rework: Decimal
    run_seconds_per_unit: float  # PRU of the operation on this work center
    item_id: int | None = None
    scrap_reason_id: int | None = None
    rework_reason_id: int | None = None


@dataclass(frozen=True)
class OpenOperation:
    """An operation open at the work center from its first start to its completion
    (`end` None: still open when the window ends)."""

    start: datetime
    end: datetime | None
    item_id: int | None = None


@dataclass(frozen=True)
class CenterInput:
    work_center_id: int
    working: tuple[Interval, ...]  # its calendar's shift time (without downtime windows)
    planned_downtime: tuple[Interval, ...]  # its downtime windows (maintenance, calibration)
    changes: tuple[StateChange, ...]  # sorted; the first may be the last one before the window
    outputs: tuple[Output, ...] = ()
    operations: tuple[OpenOperation, ...] = ()
    reports_states: bool = True
    lanes: int = 1  # parallel capacity, for a center that reports no states


@dataclass(frozen=True)
class ReasonTotal:
    reason_id: int
    seconds: int = 0  # time in a state with this reason
    occurrences: int = 0  # spells (or reports) that began in the period
    quantity: Decimal = ZERO  # scrap or rework


@dataclass(frozen=True)
class ProductTotal:
    item_id: int
    apt: int  # running time while this item's operation was the latest open one
    good: Decimal
    scrap: Decimal
    rework: Decimal
    planned_run: float  # PRU x PQ


@dataclass
class Elements:
    """One work center in one period. Seconds are whole; `planned_*` are PRU x quantity."""

    work_center_id: int
    period: Period
    pot: int = 0
    pdot: int = 0
    apt: int = 0
    asut: int = 0
    breakdown: int = 0  # ADET from malfunctions
    minor_stop: int = 0  # ADET from short stops and unplanned interruptions
    idle: int = 0  # in PBT without an order or material: waiting
    maintenance: int = 0  # of PDOT, inside the downtime windows (PMT)
    aoet: int = 0  # operations' open time (summed over operations open at once)
    failures: int = 0  # breakdowns that began in the period (FE)
    repair: int = 0  # their whole time to restoration, even beyond the period (TTR)
    good: Decimal = ZERO
    scrap: Decimal = ZERO
    rework: Decimal = ZERO
    planned_good: float = 0.0
    planned_scrap: float = 0.0
    planned_rework: float = 0.0
    reasons: dict[int, ReasonTotal] = field(default_factory=dict)
    products: dict[int, ProductTotal] = field(default_factory=dict)

    @property
    def pbt(self) -> int:
        return self.pot - self.pdot

    @property
    def adet(self) -> int:
        return self.breakdown + self.minor_stop

    @property
    def produced(self) -> Decimal:
        return self.good + self.scrap + self.rework


def seconds_floor(instant: datetime) -> datetime:
    """Instants are booked to the whole second, so every element is a whole number."""
    return instant.astimezone(UTC).replace(microsecond=0)


def _seconds(intervals: Iterable[Interval]) -> int:
    return sum((i.end - i.start) // _SECOND for i in intervals)


def element_of(state: str, loss: LossCategory | None) -> str:
    """Where time in a state (with its reason's loss category) is booked."""
    if state == "running":
        return "apt"
    if state == "setup" or loss is L.setup:
        return "asut"
    if state == "planned_stop" or loss is L.planned_downtime:
        return "pdot"
    if state == "down":
        return "breakdown" if loss is L.breakdown else "minor_stop"
    return "idle"


WORK = frozenset({"apt", "asut"})  # booked outside the shifts too
STOPS = frozenset({"breakdown", "minor_stop"})  # booked inside them only


def compute(center: CenterInput, periods: list[Period], until: datetime) -> list[Elements]:
    """The elements of each period (sorted, disjoint) up to `until` (now: later time has not
    happened yet)."""
    result = [Elements(center.work_center_id, p) for p in periods]
    if not periods:
        return result
    starts = [p.start for p in periods]
    spells = _spells(center, periods[0].start, min(periods[-1].end, seconds_floor(until)))
    working = union(center.working)
    planned = union(center.planned_downtime)
    lanes = 1 if center.reports_states else max(1, center.lanes)
    for elements in result:
        period = elements.period
        end = min(period.end, seconds_floor(until))
        if end <= period.start:
            continue
        shift_time = clip(working, period.start, end)
        elements.pot = _seconds(shift_time) * lanes
        for spell in _overlapping(spells, period.start, end):
            _book(elements, spell, shift_time, planned, lanes)
        if not center.reports_states:
            _lanes_idle(elements, shift_time, planned, lanes)
    _book_failures(result, starts, spells)
    _book_outputs(result, starts, center.outputs, spells, center.operations)
    _book_operations(result, center.operations, seconds_floor(until))
    return result


@dataclass(frozen=True)
class _Spell:
    start: datetime
    end: datetime
    element: str
    reason_id: int | None
    item_id: int | None = None


def _spells(center: CenterInput, start: datetime, end: datetime) -> list[_Spell]:
    if not center.reports_states:
        return [
            _Spell(seconds_floor(o.start), seconds_floor(o.end) if o.end else end, "apt", None,
                   o.item_id)
            for o in center.operations
            if (o.end is None or o.end > start) and o.start < end
        ]  # fmt: skip
    spells: list[_Spell] = []
    changes = list(center.changes)
    if not changes or seconds_floor(changes[0].at) > start:
        changes.insert(0, StateChange(start, "idle"))  # nothing reported yet: waiting
    for here, after in zip(changes, [*changes[1:], None], strict=True):
        begin = seconds_floor(here.at)
        finish = end if after is None else min(end, seconds_floor(after.at))
        if finish > begin:
            spells.append(_Spell(begin, finish, element_of(here.state, here.loss), here.reason_id))
    return spells


def _overlapping(spells: list[_Spell], start: datetime, end: datetime) -> Iterable[_Spell]:
    for spell in spells:
        if spell.end > start and spell.start < end:
            yield _Spell(max(spell.start, start), min(spell.end, end), spell.element,
                         spell.reason_id, spell.item_id)  # fmt: skip


def _book(
    elements: Elements, spell: _Spell, shift_time: list[Interval], planned: list[Interval],
    lanes: int,
) -> None:  # fmt: skip
    piece = [Interval(spell.start, spell.end)]
    inside = clip(shift_time, spell.start, spell.end)
    inside_seconds = _seconds(inside)
    outside_seconds = _seconds(piece) - inside_seconds
    element = spell.element
    if element in WORK:
        booked = inside_seconds + outside_seconds
        elements.pot += outside_seconds  # worked beyond the shift: POT grows with it (one lane)
        _add(elements, element, booked)
    elif element in STOPS:
        booked = inside_seconds
        _add(elements, element, booked)
    elif element == "idle":
        in_window = _seconds(_intersect(inside, planned))
        _add(elements, "pdot", in_window)
        _add(elements, "idle", inside_seconds - in_window)
        _add(elements, "maintenance", in_window)
        booked = inside_seconds
    else:  # planned stop: only inside the shift's time
        _add(elements, "pdot", inside_seconds)
        _add(elements, "maintenance", _seconds(_intersect(inside, planned)))
        booked = inside_seconds
    if spell.reason_id is not None and booked:
        _reason(elements, spell.reason_id, seconds=booked)


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    return subtract(a, subtract(a, b))


def _lanes_idle(
    elements: Elements, shift_time: list[Interval], planned: list[Interval], lanes: int
) -> None:
    """A lane center's open time not running: planned downtime inside its windows, idle
    otherwise (never below zero when more operations are open than it has lanes)."""
    window = _seconds(_intersect(shift_time, planned)) * lanes
    elements.pdot += window
    elements.maintenance += window
    elements.idle = max(0, elements.pot - elements.pdot - elements.apt)
    elements.pot = elements.pdot + elements.apt + elements.idle


def _add(elements: Elements, name: str, seconds: int) -> None:
    setattr(elements, name, getattr(elements, name) + seconds)


def _reason(
    elements: Elements, reason_id: int, *, seconds: int = 0, occurrences: int = 0,
    quantity: Decimal = ZERO,
) -> None:  # fmt: skip
    was = elements.reasons.get(reason_id, ReasonTotal(reason_id))
    elements.reasons[reason_id] = ReasonTotal(
        reason_id, was.seconds + seconds, was.occurrences + occurrences, was.quantity + quantity
    )


def _at(starts: list[datetime], instant: datetime) -> int | None:
    index = bisect.bisect_right(starts, instant) - 1
    return index if index >= 0 else None


def _book_failures(result: list[Elements], starts: list[datetime], spells: list[_Spell]) -> None:
    """Each spell counts once, in the period it began; a breakdown's whole repair with it
    (so MTTR does not split a long repair into two short ones across a shift change)."""
    merged: list[_Spell] = []
    for spell in spells:  # a down spell re-reported with another reason is still one stop
        if merged and merged[-1].end == spell.start and merged[-1].element == spell.element \
                and merged[-1].reason_id == spell.reason_id:  # fmt: skip
            merged[-1] = _Spell(merged[-1].start, spell.end, spell.element, spell.reason_id)
        else:
            merged.append(spell)
    for spell in merged:
        index = _at(starts, spell.start)
        if index is None or spell.start >= result[index].period.end:
            continue
        elements = result[index]
        if spell.element == "breakdown":
            elements.failures += 1
            elements.repair += (spell.end - spell.start) // _SECOND
        if spell.reason_id is not None:
            _reason(elements, spell.reason_id, occurrences=1)


def _book_outputs(
    result: list[Elements], starts: list[datetime], outputs: tuple[Output, ...],
    spells: list[_Spell], operations: tuple[OpenOperation, ...],
) -> None:  # fmt: skip
    for output in outputs:
        index = _at(starts, seconds_floor(output.at))
        if index is None or seconds_floor(output.at) >= result[index].period.end:
            continue
        e = result[index]
        pru = output.run_seconds_per_unit
        e.good += output.good
        e.scrap += output.scrap
        e.rework += output.rework
        e.planned_good += pru * float(output.good)
        e.planned_scrap += pru * float(output.scrap)
        e.planned_rework += pru * float(output.rework)
        if output.scrap and output.scrap_reason_id is not None:
            _reason(e, output.scrap_reason_id, occurrences=1, quantity=output.scrap)
        if output.rework and output.rework_reason_id is not None:
            _reason(e, output.rework_reason_id, occurrences=1, quantity=output.rework)
        if output.item_id is not None:
            _product(e, output.item_id, output, pru)
    for elements in result:
        for item, seconds in _running_by_item(elements.period, spells, operations).items():
            was = elements.products.get(item, ProductTotal(item, 0, ZERO, ZERO, ZERO, 0.0))
            elements.products[item] = replace(was, apt=was.apt + seconds)


def _product(e: Elements, item: int, output: Output, pru: float) -> None:
    was = e.products.get(item, ProductTotal(item, 0, ZERO, ZERO, ZERO, 0.0))
    produced = output.good + output.scrap + output.rework
    e.products[item] = ProductTotal(
        item, was.apt, was.good + output.good, was.scrap + output.scrap,
        was.rework + output.rework, was.planned_run + pru * float(produced),
    )  # fmt: skip


def _running_by_item(
    period: Period, spells: list[_Spell], operations: tuple[OpenOperation, ...]
) -> dict[int, int]:
    """Running time in the period by the item of the latest-started operation open then."""
    by_item: dict[int, int] = defaultdict(int)
    ops = [
        (seconds_floor(o.start), seconds_floor(o.end) if o.end else None, o.item_id)
        for o in operations
        if o.item_id is not None
    ]
    for spell in _overlapping(spells, period.start, period.end):
        if spell.element != "apt":
            continue
        if spell.item_id is not None:
            by_item[spell.item_id] += (spell.end - spell.start) // _SECOND
            continue
        cuts = {spell.start, spell.end}
        cuts.update(t for o in ops for t in o[:2] if t is not None and spell.start < t < spell.end)
        edges = sorted(cuts)
        for begin, finish in pairwise(edges):
            current = [o for o in ops if o[0] <= begin and (o[1] is None or o[1] > begin)]
            if current:
                item = max(current, key=lambda o: o[0])[2]
                assert item is not None
                by_item[item] += (finish - begin) // _SECOND
    return by_item


def _book_operations(
    result: list[Elements], operations: tuple[OpenOperation, ...], until: datetime
) -> None:
    for elements in result:
        period = elements.period
        end = min(period.end, until)
        for op in operations:
            begin = max(period.start, seconds_floor(op.start))
            finish = min(end, seconds_floor(op.end) if op.end else end)
            if finish > begin:
                elements.aoet += (finish - begin) // _SECOND


__all__ = [
    "OFF_SHIFT",
    "CenterInput",
    "Elements",
    "OpenOperation",
    "Output",
    "StateChange",
    "compute",
]
