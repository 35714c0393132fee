"""Working days of a site: lead times are counted in them, receipts land on them. Derived
from the site's shift calendar (`from_calendar`) or given directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from plantops.masterdata.calendar import Shift, ShiftCalendar
from plantops.types import CalendarExceptionKind, Weekday

WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)  # Monday first, as date.weekday() counts

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkingDays:
    """Days with work: the weekdays with shifts (0 = Monday), less holidays, plus extra
    days worked outside the weekly pattern."""

    weekdays: frozenset[int] = frozenset(range(5))
    holidays: frozenset[date] = frozenset()
    extra: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("weekdays: at least one of 0 (Monday) to 6 (Sunday)")

    def works(self, day: date) -> bool:
        if day.weekday() in self.weekdays:
            return day not in self.holidays
        return day in self.extra

    def on_or_before(self, day: date) -> date:
        """The last working day up to `day`: when a receipt due then must be in."""
        last = self._last_worked.get(day)
        if last is None:
            last = day
            while not self.works(last):
                last -= _DAY
            self._last_worked[day] = last
        return last

    def back(self, day: date, days: int) -> date:
        """`days` working days before the working day on or before `day` (the release of an
        order with that lead time and due date)."""
        known = self._back.get((day, days))
        if known is None:
            known = self.on_or_before(day)
            for _ in range(days):
                known = self.on_or_before(known - _DAY)
            self._back[day, days] = known
        return known

    def ahead(self, day: date, days: int) -> date:
        """`days` working days after `day` (0: the first working day from `day` on)."""
        while not self.works(day):
            day += _DAY
        for _ in range(days):
            day += _DAY
            while not self.works(day):
                day += _DAY
        return day

    # A plan asks the same few hundred dates over and over, a million times at 50,000 items:
    # remembered per calendar (cached_property writes past the frozen dataclass).
    @cached_property
    def _last_worked(self) -> dict[date, date]:
        return {}

    @cached_property
    def _back(self) -> dict[tuple[date, int], date]:
        return {}


def from_calendar(calendar: ShiftCalendar, first: date, last: date) -> WorkingDays:
    """A site's working days from its shift calendar, for days `first` to `last`: a day of
    the weekly pattern is a holiday when closures cover all its shifts; a day an extra
    shift (an open exception) starts on is worked. Both in the site's wall-clock time."""
    weekdays = {WEEKDAYS.index(shift.weekday) for shift in calendar.shifts}
    closed = [
        (x.starts_local, x.ends_local)
        for x in calendar.exceptions
        if x.kind == CalendarExceptionKind.closed
    ]
    holidays, extra = set(), set()
    day = first
    while day <= last:
        shifts = [s for s in calendar.shifts if WEEKDAYS.index(s.weekday) == day.weekday()]
        if shifts and all(_covered(_span(day, s), closed) for s in shifts):
            holidays.add(day)
        day += _DAY
    for x in calendar.exceptions:
        start = x.starts_local.date()
        if x.kind == CalendarExceptionKind.open and first <= start <= last:
            extra.add(start)
    if not weekdays:
        raise ValueError("the calendar has no shifts: no day to count lead times in")
    return WorkingDays(frozenset(weekdays), frozenset(holidays), frozenset(extra - holidays))


def _span(day: date, shift: Shift) -> tuple[datetime, datetime]:
    ends_on = day if shift.end_time > shift.start_time else day + _DAY
    return datetime.combine(day, shift.start_time), datetime.combine(ends_on, shift.end_time)


def _covered(span: tuple[datetime, datetime], closed: list[tuple[datetime, datetime]]) -> bool:
    """Whether the closures, together, cover the whole span."""
    at, end = span
    for start, stop in sorted(closed):
        if start > at:
            break
        at = max(at, stop)
        if at >= end:
            return True
    return at >= end
