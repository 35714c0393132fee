"""Pure calendar engine: the working time of a work center or an employee between two instants.

A weekly pattern of shifts and the calendar's exceptions are in the site's wall-clock time; the
result is in UTC, so a night shift 22:00-06:00 lasts 7 real hours on the night the clocks go
forward and 9 on the night they go back. Intervals are half-open [start, end) and aware UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plantops.types import CalendarExceptionKind, Weekday

_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)
_WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)  # mon..sun, as date.weekday() counts
# Pattern days and exceptions are considered two local days beyond the window on each side:
# more than any UTC offset (<= 26 h) plus a shift that ends the next day.
_MARGIN = 2 * _DAY
# Query windows stay clear of datetime.min/max so the margins never overflow.
EARLIEST = datetime(1, 1, 10, tzinfo=UTC)
LATEST = datetime(9999, 12, 20, tzinfo=UTC)


class CalendarInputError(ValueError):
    """Invalid engine input; `field` names the offending input for the adapters."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class Interval(NamedTuple):
    start: datetime
    end: datetime

    @property
    def seconds(self) -> int:
        return (self.end - self.start) // timedelta(seconds=1)


def _aware(field: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarInputError(field, "must be timezone-aware (give a UTC offset)")


def _ordered(field: str, start: datetime, end: datetime) -> None:
    if end < start:
        raise CalendarInputError(field, f"{end.isoformat()} is before {start.isoformat()}")


@dataclass(frozen=True)
class Shift:
    """A shift of the weekly pattern; `end_time` <= `start_time` means it ends the next day."""

    weekday: Weekday
    start_time: time
    end_time: time

    def __post_init__(self) -> None:
        if self.start_time.tzinfo is not None or self.end_time.tzinfo is not None:
            raise CalendarInputError("shifts", "shift times are site wall-clock times, no zone")


@dataclass(frozen=True)
class CalendarException:
    """A holiday or shutdown (closed) or an extra shift (open), in naive site wall-clock time."""

    kind: CalendarExceptionKind
    starts_local: datetime
    ends_local: datetime

    def __post_init__(self) -> None:
        if self.starts_local.tzinfo is not None or self.ends_local.tzinfo is not None:
            raise CalendarInputError("exceptions", "exceptions are wall-clock times, no offset")
        _ordered("exceptions", self.starts_local, self.ends_local)


@dataclass(frozen=True)
class Downtime:
    """Planned downtime (maintenance, calibration) between two aware instants."""

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        _aware("downtime", self.starts_at)
        _aware("downtime", self.ends_at)
        _ordered("downtime", self.starts_at, self.ends_at)


@dataclass(frozen=True)
class ShiftCalendar:
    """Everything that decides when a work center (or an employee) can work."""

    time_zone: str  # IANA, the site's
    shifts: tuple[Shift, ...]
    exceptions: tuple[CalendarException, ...] = ()
    downtime: tuple[Downtime, ...] = ()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise CalendarInputError(
                "time_zone", f"unknown IANA time zone {self.time_zone!r}"
            ) from None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)  # ZoneInfo caches instances by key


@dataclass(frozen=True)
class Availability:
    start: datetime  # the query window, in UTC
    end: datetime
    intervals: tuple[Interval, ...]  # sorted, merged, disjoint, inside the window
    available_seconds: int


# --- interval arithmetic ---------------------------------------------------------------------


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, merged (overlapping or touching) intervals; empty ones are dropped."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i.end > i.start):
        if merged and start <= merged[-1].end:
            if end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, end)
        else:
            merged.append(Interval(start, end))
    return merged


def subtract(base: Iterable[Interval], removed: Iterable[Interval]) -> list[Interval]:
    """What remains of `base` once every `removed` interval is cut out (one sweep)."""
    cuts = union(removed)
    result: list[Interval] = []
    first = 0
    for start, end in union(base):
        while first < len(cuts) and cuts[first].end <= start:
            first += 1
        cursor, index = start, first
        while index < len(cuts) and cuts[index].start < end:
            if cuts[index].start > cursor:
                result.append(Interval(cursor, cuts[index].start))
            cursor = max(cursor, cuts[index].end)
            index += 1
        if cursor < end:
            result.append(Interval(cursor, end))
    return result


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The merged intervals cut to the window [start, end)."""
    return union(Interval(max(i.start, start), min(i.end, end)) for i in intervals)


def total_seconds(intervals: Iterable[Interval]) -> int:
    """Whole seconds covered (overlaps counted once), rounded down."""
    covered = sum((i.end - i.start for i in union(intervals)), timedelta())
    return covered // timedelta(seconds=1)


# --- wall clock -> UTC -----------------------------------------------------------------------


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """The first instant at which the site's wall clock reads `local` or later.

    Ambiguous times (the hour repeated in autumn) take their first occurrence, fold=0. Times
    skipped in spring take the instant the clocks jump, not zoneinfo's fold=0 reading (which
    moves them forward by the gap and is not monotonic: 02:59 would land after 03:00). This
    keeps every mapped interval ordered; a shift ending inside the gap ends at the jump."""
    first = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == local:
        return first
    # In the gap, fold=1 reads `local` with the later offset, landing before the jump, and
    # fold=0 with the earlier one, landing after it; bisect to the jump between them.
    low, high = local.replace(tzinfo=zone, fold=1).astimezone(UTC), first
    while high - low > _TICK:
        middle = low + (high - low) // 2
        if _wall(middle, zone) >= local:
            high = middle
        else:
            low = middle
    return high


# --- the engine ------------------------------------------------------------------------------


def _pattern(calendar: ShiftCalendar, first_day: date, last_day: date) -> list[Interval]:
    """Every pattern shift starting on a local day in [first_day, last_day], in UTC."""
    zone = calendar.zone
    by_weekday: dict[int, list[Shift]] = {}
    for shift in calendar.shifts:
        by_weekday.setdefault(_WEEKDAYS.index(shift.weekday), []).append(shift)
    intervals: list[Interval] = []
    day = first_day
    while day <= last_day:
        for shift in by_weekday.get(day.weekday(), ()):
            ends_on = day if shift.end_time > shift.start_time else day + _DAY
            begin = datetime.combine(day, shift.start_time)
            finish = datetime.combine(ends_on, shift.end_time)
            intervals.append(Interval(to_utc(begin, zone), to_utc(finish, zone)))
        day += _DAY
    return intervals


def _exceptions(
    calendar: ShiftCalendar, kind: CalendarExceptionKind, low: datetime, high: datetime
) -> list[Interval]:
    """Exceptions of one kind overlapping the local range [low, high], clamped to it first so
    that far-away dates (a shutdown "until 9999") never reach the UTC conversion."""
    zone = calendar.zone
    intervals: list[Interval] = []
    for exception in calendar.exceptions:
        if exception.kind != kind:
            continue
        if exception.ends_local <= low or exception.starts_local >= high:
            continue
        begin = max(exception.starts_local, low)
        finish = min(exception.ends_local, high)
        intervals.append(Interval(to_utc(begin, zone), to_utc(finish, zone)))
    return intervals


def _check_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    _aware("start", start)
    _aware("end", end)
    _ordered("end", start, end)
    if start < EARLIEST:
        raise CalendarInputError("start", f"must be on or after {EARLIEST.isoformat()}")
    if end > LATEST:
        raise CalendarInputError("end", f"must be on or before {LATEST.isoformat()}")
    return start.astimezone(UTC), end.astimezone(UTC)


def _downtime(windows: Iterable[Downtime], start: datetime, end: datetime) -> list[Interval]:
    # Clamped to the window before conversion, so a far-away instant is never converted.
    return [
        Interval(max(d.starts_at, start).astimezone(UTC), min(d.ends_at, end).astimezone(UTC))
        for d in windows
        if d.ends_at > start and d.starts_at < end
    ]


def _available(calendar: ShiftCalendar, start: datetime, end: datetime) -> list[Interval]:
    zone = calendar.zone
    first_day = _wall(start, zone).date() - _MARGIN
    last_day = _wall(end, zone).date() + _MARGIN
    low, high = datetime.combine(first_day, time()), datetime.combine(last_day, time())
    working = _pattern(calendar, first_day, last_day)
    working += _exceptions(calendar, CalendarExceptionKind.open, low, high)
    working = clip(working, start, end)
    working = subtract(working, _exceptions(calendar, CalendarExceptionKind.closed, low, high))
    return subtract(working, _downtime(calendar.downtime, start, end))


def available_intervals(calendar: ShiftCalendar, start: datetime, end: datetime) -> list[Interval]:
    """The working time in [start, end): pattern shifts, plus open exceptions, minus closed
    exceptions, minus downtime; sorted, merged, disjoint and clipped to the window, in UTC."""
    return _available(calendar, *_check_window(start, end))


def availability(calendar: ShiftCalendar, start: datetime, end: datetime) -> Availability:
    """The available intervals of [start, end) and their total in seconds."""
    start, end = _check_window(start, end)
    intervals = tuple(_available(calendar, start, end))
    return Availability(start, end, intervals, total_seconds(intervals))
