"""The periods KPIs are booked in: a work center's shift instances, and the time between them
(off shift) cut at the site's local midnights. A shift belongs to the production day it starts
on, so a night shift 22:00-06:00 is Monday's night shift all the way to Tuesday 06:00. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from plantops.masterdata.calendar import Interval, to_utc
from plantops.types import Weekday

OFF_SHIFT = ""  # the shift name of time outside every shift
_WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class NamedShift:
    """A shift of a weekly pattern, by name; `end` <= `start` means it ends the next day."""

    name: str
    weekday: Weekday
    start: time
    end: time


@dataclass(frozen=True, order=True)
class Period:
    """One booking period of a work center: a shift instance or an off-shift stretch."""

    start: datetime  # UTC
    end: datetime
    day: date  # the production day (local)
    shift: str  # OFF_SHIFT between shifts

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)


def shift_instances(
    shifts: tuple[NamedShift, ...], time_zone: str, first: date, last: date
) -> list[Period]:
    """The pattern's shifts that start on local days first..last, in UTC, sorted. Two shifts
    of a pattern that overlap keep the earlier one's time (a day is booked once)."""
    zone = ZoneInfo(time_zone)
    periods: list[Period] = []
    day = first
    while day <= last:
        for shift in shifts:
            if _WEEKDAYS.index(shift.weekday) != day.weekday():
                continue
            ends_on = day if shift.end > shift.start else day + _DAY
            start = to_utc(datetime.combine(day, shift.start), zone)
            end = to_utc(datetime.combine(ends_on, shift.end), zone)
            if end > start:
                periods.append(Period(start, end, day, shift.name))
        day += _DAY
    periods.sort()
    kept: list[Period] = []
    for period in periods:
        if kept and period.start < kept[-1].end:
            if period.end <= kept[-1].end:
                continue
            period = Period(kept[-1].end, period.end, period.day, period.shift)
        kept.append(period)
    return kept


def periods(
    shifts: tuple[NamedShift, ...], time_zone: str, first: date, last: date
) -> list[Period]:
    """Every instant of local days first..last in exactly one period: the shifts that start
    on those days, and the rest of each local day off shift (cut where a shift from the day
    before ends or one of the day after begins). Sorted, disjoint, covering the days."""
    zone = ZoneInfo(time_zone)
    window_start = to_utc(datetime.combine(first, time()), zone)
    window_end = to_utc(datetime.combine(last + _DAY, time()), zone)
    # shifts from the day before may reach into the window; those from the last day beyond it
    instances = shift_instances(shifts, time_zone, first - _DAY, last)
    booked = [p for p in instances if p.day >= first]
    taken = [p.interval for p in instances]
    result = list(booked)
    day = first
    while day <= last:
        start = to_utc(datetime.combine(day, time()), zone)
        end = to_utc(datetime.combine(day + _DAY, time()), zone)
        cursor = max(start, window_start)
        for interval in taken:
            if interval.end <= cursor or interval.start >= end:
                continue
            if interval.start > cursor:
                result.append(Period(cursor, interval.start, day, OFF_SHIFT))
            cursor = max(cursor, interval.end)
        if cursor < min(end, window_end):
            result.append(Period(cursor, min(end, window_end), day, OFF_SHIFT))
        day += _DAY
    return sorted(p for p in result if p.end > p.start)


def local_day(instant: datetime, time_zone: str) -> date:
    return instant.astimezone(ZoneInfo(time_zone)).date()


def utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)
