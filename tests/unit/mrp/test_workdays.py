"""Working days from a site's shift calendar, and counting lead times in them."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from plantops.masterdata.calendar import CalendarException, Shift, ShiftCalendar
from plantops.planning.mrp import WorkingDays
from plantops.planning.mrp.workdays import from_calendar
from plantops.types import CalendarExceptionKind, Weekday

WEEK = (Weekday.mon, Weekday.tue, Weekday.wed, Weekday.thu, Weekday.fri)
CLOSED, OPEN = CalendarExceptionKind.closed, CalendarExceptionKind.open


def three_shifts(*exceptions: CalendarException) -> ShiftCalendar:
    shifts = [Shift(day, time(a), time(b)) for day in WEEK for a, b in ((6, 14), (14, 22), (22, 6))]
    return ShiftCalendar("Europe/Berlin", tuple(shifts), exceptions)


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour)


def test_holidays_are_days_whose_shifts_are_all_closed() -> None:
    calendar = three_shifts(
        CalendarException(CLOSED, at(12, 24), at(12, 27)),  # Thu 24 to Sat 26: nights too
        # from New Year's Eve 14:00 to the end of New Year's Day's night shift
        CalendarException(CLOSED, at(12, 31, 14), datetime(2027, 1, 2, 6)),
        CalendarException(CLOSED, at(12, 7, 6), at(12, 7, 22)),  # Mon 7: the night shift runs
        CalendarException(OPEN, at(11, 28, 8), at(11, 28, 12)),  # Saturday overtime
    )
    days = from_calendar(calendar, date(2026, 11, 23), date(2027, 1, 8))
    assert days.holidays == {date(2026, 12, 24), date(2026, 12, 25), date(2027, 1, 1)}
    assert days.extra == {date(2026, 11, 28)}
    assert days.works(date(2026, 12, 31))  # its early shift still runs
    assert days.works(date(2026, 12, 7))
    assert days.works(date(2026, 11, 28)) and not days.works(date(2026, 11, 29))
    # 3 working days before Monday 28 December: Wed 23, Tue 22, Mon 21 (24 and 25 closed)
    assert days.back(date(2026, 12, 28), 3) == date(2026, 12, 21)
    assert days.ahead(date(2026, 12, 23), 1) == date(2026, 12, 28)


def test_a_calendar_without_shifts_cannot_count_lead_times() -> None:
    with pytest.raises(ValueError, match="no shifts"):
        from_calendar(ShiftCalendar("Europe/Berlin", ()), date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ValueError, match="weekdays"):
        WorkingDays(weekdays=frozenset())
