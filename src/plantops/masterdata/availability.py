"""When a work center can work: its calendar, its downtime and its site's time zone, through
the pure calendar engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plantops.access.caller import Caller
from plantops.errors import Conflict, ValidationFailed
from plantops.masterdata import calendar as cal
from plantops.masterdata import models as m
from plantops.masterdata.service import CALENDARS, WORK_CENTERS
from plantops.org.models import Site
from plantops.resources.service import get_record, loader_options

# A year and a leap day: enough for capacity planning, bounded work per request.
MAX_WINDOW = timedelta(days=366)


@dataclass(frozen=True)
class WorkCenterAvailability:
    work_center_id: int
    start: datetime  # UTC
    end: datetime
    intervals: tuple[cal.Interval, ...]
    available_seconds: int


def site_calendars(session: Session, site_id: int) -> dict[int, m.Calendar]:
    """The site's calendars by id, with their shifts and exceptions (what shift_calendar
    reads), in one query per relation."""
    rows = session.scalars(
        select(m.Calendar)
        .where(m.Calendar.site_id == site_id)
        .options(selectinload(m.Calendar.shifts), selectinload(m.Calendar.exceptions))
    ).all()
    return {c.id: c for c in rows}


def _check_window(start: datetime, end: datetime) -> None:
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationFailed.one(("query", name), f"{name} needs a UTC offset")
    if end < start:
        raise ValidationFailed.one(("query", "end"), "end is before start")
    if end - start > MAX_WINDOW:
        raise ValidationFailed.one(
            ("query", "end"), f"the window may span at most {MAX_WINDOW.days} days"
        )


def shift_calendar(
    calendar: m.Calendar, time_zone: str, downtime: list[m.DowntimeWindow]
) -> cal.ShiftCalendar:
    """The engine's view of a stored calendar (and of a work center's downtime)."""
    return cal.ShiftCalendar(
        time_zone=time_zone,
        shifts=tuple(cal.Shift(s.weekday, s.start_time, s.end_time) for s in calendar.shifts),
        exceptions=tuple(
            cal.CalendarException(e.kind, e.starts_local, e.ends_local) for e in calendar.exceptions
        ),
        downtime=tuple(cal.Downtime(d.starts_at, d.ends_at) for d in downtime),
    )


def work_center_availability(
    session: Session, caller: Caller, work_center_id: int, start: datetime, end: datetime
) -> WorkCenterAvailability:
    """The working intervals of a work center in [start, end), in UTC, and their total."""
    _check_window(start, end)
    work_center: m.WorkCenter = get_record(session, WORK_CENTERS, caller, work_center_id)
    calendar = session.get(m.Calendar, work_center.calendar_id, options=loader_options(CALENDARS))
    site = session.get(Site, work_center.site_id)
    assert calendar is not None and site is not None  # foreign keys guarantee both
    try:
        engine_input = shift_calendar(calendar, site.time_zone, work_center.downtime_windows)
        result = cal.availability(engine_input, start, end)
    except cal.CalendarInputError as error:
        if error.field in ("start", "end"):
            raise ValidationFailed.one(("query", error.field), str(error)) from None
        # Stored data the engine refuses (a zone tzdata no longer knows): not the caller's fault.
        raise Conflict(f"work center {work_center.code} cannot be computed: {error}") from None
    return WorkCenterAvailability(
        work_center.id, result.start, result.end, result.intervals, result.available_seconds
    )
