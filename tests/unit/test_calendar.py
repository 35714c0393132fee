"""The calendar engine: hand-worked weeks, DST nights, exceptions, downtime and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantops.masterdata.calendar import (
    CalendarException,
    CalendarInputError,
    Downtime,
    Interval,
    Shift,
    ShiftCalendar,
    availability,
    available_intervals,
    clip,
    subtract,
    to_utc,
    total_seconds,
    union,
)
from plantops.types import CalendarExceptionKind, Weekday

BERLIN = ZoneInfo("Europe/Berlin")
CHICAGO = ZoneInfo("America/Chicago")
HOUR = 3600
WEEKDAYS = (Weekday.mon, Weekday.tue, Weekday.wed, Weekday.thu, Weekday.fri)
CLOSED, OPEN = CalendarExceptionKind.closed, CalendarExceptionKind.open


def z(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def shifts(days: tuple[Weekday, ...], *spans: tuple[int, int]) -> tuple[Shift, ...]:
    return tuple(Shift(d, time(a), time(b)) for d in days for a, b in spans)


def day_shift_calendar(
    exceptions: tuple[CalendarException, ...] = (), downtime: tuple[Downtime, ...] = ()
) -> ShiftCalendar:
    """Monday to Friday 06:00-14:00 in Berlin."""
    return ShiftCalendar("Europe/Berlin", shifts(WEEKDAYS, (6, 14)), exceptions, downtime)


# --- hand-worked weeks -----------------------------------------------------------------------


def test_three_shifts_monday_to_friday_over_a_normal_week() -> None:
    calendar = ShiftCalendar("Europe/Berlin", shifts(WEEKDAYS, (6, 14), (14, 22), (22, 6)))
    # Mon 8 June 2026 00:00 to Mon 15 June 00:00, CEST (UTC+2)
    start = datetime(2026, 6, 8, tzinfo=BERLIN)
    result = availability(calendar, start, start + timedelta(days=7))
    # Touching shifts merge: Mon 06:00 CEST until the Friday night shift ends Sat 06:00 CEST.
    assert result.intervals == (Interval(z(2026, 6, 8, 4), z(2026, 6, 13, 4)),)
    assert result.available_seconds == 5 * 24 * HOUR  # 432,000 s
    assert (result.start, result.end) == (z(2026, 6, 7, 22), z(2026, 6, 14, 22))


def test_one_shift_a_day_gives_five_separate_intervals() -> None:
    start = datetime(2026, 6, 8, tzinfo=BERLIN)
    intervals = available_intervals(day_shift_calendar(), start, start + timedelta(days=7))
    # 06:00-14:00 CEST = 04:00-12:00 UTC, Monday 8 to Friday 12 June
    assert intervals == [Interval(z(2026, 6, d, 4), z(2026, 6, d, 12)) for d in range(8, 13)]
    assert total_seconds(intervals) == 5 * 8 * HOUR  # 144,000 s


# --- daylight saving time --------------------------------------------------------------------

NIGHTS = ShiftCalendar("Europe/Berlin", shifts((Weekday.sat,), (22, 6)))


def test_berlin_spring_forward_night_shift_is_seven_hours() -> None:
    # Sat 28 March 2026 22:00 CET (UTC+1) = 21:00 UTC; clocks jump 02:00 -> 03:00 on Sunday;
    # Sun 06:00 CEST (UTC+2) = 04:00 UTC: 7 real hours.
    result = availability(NIGHTS, z(2026, 3, 28), z(2026, 3, 30))
    assert result.intervals == (Interval(z(2026, 3, 28, 21), z(2026, 3, 29, 4)),)
    assert result.available_seconds == 7 * HOUR  # 25,200 s


def test_berlin_fall_back_night_shift_is_nine_hours() -> None:
    # Sat 24 Oct 2026 22:00 CEST = 20:00 UTC; clocks go 03:00 -> 02:00 on Sunday;
    # Sun 06:00 CET = 05:00 UTC: 9 real hours.
    result = availability(NIGHTS, z(2026, 10, 24), z(2026, 10, 26))
    assert result.intervals == (Interval(z(2026, 10, 24, 20), z(2026, 10, 25, 5)),)
    assert result.available_seconds == 9 * HOUR  # 32,400 s


def test_chicago_dst_nights_and_days() -> None:
    calendar = ShiftCalendar(
        "America/Chicago", shifts((Weekday.sat,), (22, 6)) + shifts((Weekday.sun,), (8, 16))
    )
    # Sat 7 March 2026 22:00 CST (UTC-6) = 04:00 UTC Sun; Sun 06:00 CDT (UTC-5) = 11:00 UTC: 7 h.
    # Sun 8 March 08:00-16:00 CDT = 13:00-21:00 UTC: 8 h.
    spring = available_intervals(calendar, z(2026, 3, 7), z(2026, 3, 9, 12))
    assert spring == [
        Interval(z(2026, 3, 8, 4), z(2026, 3, 8, 11)),
        Interval(z(2026, 3, 8, 13), z(2026, 3, 8, 21)),
    ]
    assert total_seconds(spring) == 15 * HOUR
    # Sat 31 Oct 22:00 CDT = 03:00 UTC Sun 1 Nov; Sun 06:00 CST = 12:00 UTC: 9 h.
    # Sun 1 Nov 08:00-16:00 CST = 14:00-22:00 UTC: 8 h.
    autumn = available_intervals(calendar, z(2026, 10, 31), z(2026, 11, 2, 12))
    assert autumn == [
        Interval(z(2026, 11, 1, 3), z(2026, 11, 1, 12)),
        Interval(z(2026, 11, 1, 14), z(2026, 11, 1, 22)),
    ]
    assert total_seconds(autumn) == 17 * HOUR


def test_wall_times_in_the_spring_gap_map_to_the_jump() -> None:
    # 02:00-03:00 does not exist in Berlin on 29 March 2026: the clocks jump at 01:00 UTC.
    assert to_utc(datetime(2026, 3, 29, 2, 0), BERLIN) == z(2026, 3, 29, 1)
    assert to_utc(datetime(2026, 3, 29, 2, 30), BERLIN) == z(2026, 3, 29, 1)
    assert to_utc(datetime(2026, 3, 29, 3, 0), BERLIN) == z(2026, 3, 29, 1)
    assert to_utc(datetime(2026, 3, 29, 1, 59), BERLIN) == z(2026, 3, 29, 0, 59)
    # 02:30 exists twice on 25 October: the first one (CEST, 00:30 UTC) is taken.
    assert to_utc(datetime(2026, 10, 25, 2, 30), BERLIN) == z(2026, 10, 25, 0, 30)
    assert to_utc(datetime(2026, 11, 1, 1, 30), CHICAGO) == z(2026, 11, 1, 6, 30)


def test_shifts_with_boundaries_in_the_gap_or_the_repeated_hour() -> None:
    spring = ShiftCalendar("Europe/Berlin", (Shift(Weekday.sun, time(2, 30), time(3, 30)),))
    # 02:30 does not exist: the shift starts at the jump (03:00 CEST); 30 real minutes.
    assert available_intervals(spring, z(2026, 3, 28), z(2026, 3, 30)) == [
        Interval(z(2026, 3, 29, 1), z(2026, 3, 29, 1, 30))
    ]
    autumn = ShiftCalendar("Europe/Berlin", (Shift(Weekday.sun, time(1, 30), time(2, 30)),))
    # 01:30 CEST = 23:30 UTC; 02:30 is taken at its first occurrence (CEST) = 00:30 UTC: 1 h.
    assert available_intervals(autumn, z(2026, 10, 24), z(2026, 10, 26)) == [
        Interval(z(2026, 10, 24, 23, 30), z(2026, 10, 25, 0, 30))
    ]


def test_closed_day_on_the_spring_sunday_removes_23_hours() -> None:
    all_day = ShiftCalendar("Europe/Berlin", tuple(Shift(d, time(0), time(0)) for d in Weekday))
    start, end = datetime(2026, 3, 28, tzinfo=BERLIN), datetime(2026, 3, 31, tzinfo=BERLIN)
    # Three local days around the jump last 24 + 23 + 24 = 71 real hours.
    assert availability(all_day, start, end).available_seconds == 71 * HOUR
    closed = CalendarException(CLOSED, datetime(2026, 3, 29), datetime(2026, 3, 30))
    holiday = ShiftCalendar(all_day.time_zone, all_day.shifts, (closed,))
    # Closing Sunday 29 March (23 real hours) leaves 48 hours.
    assert availability(holiday, start, end).intervals == (
        Interval(z(2026, 3, 27, 23), z(2026, 3, 28, 23)),
        Interval(z(2026, 3, 29, 22), z(2026, 3, 30, 22)),
    )


# --- exceptions, downtime, clipping ----------------------------------------------------------


def test_holiday_removes_a_day() -> None:
    christmas = CalendarException(CLOSED, datetime(2026, 12, 25), datetime(2026, 12, 26))
    calendar = day_shift_calendar(exceptions=(christmas,))
    start = datetime(2026, 12, 21, tzinfo=BERLIN)  # a Monday, CET (UTC+1)
    result = availability(calendar, start, start + timedelta(days=7))
    # Mon-Thu 06:00-14:00 CET = 05:00-13:00 UTC; Friday the 25th is closed: 4 x 8 h.
    assert result.available_seconds == 32 * HOUR  # 115,200 s
    assert result.intervals[-1] == Interval(z(2026, 12, 24, 5), z(2026, 12, 24, 13))


def test_extra_saturday_shift_adds_capacity() -> None:
    saturday = CalendarException(OPEN, datetime(2026, 6, 13, 6), datetime(2026, 6, 13, 12))
    calendar = day_shift_calendar(exceptions=(saturday,))
    start = datetime(2026, 6, 8, tzinfo=BERLIN)
    result = availability(calendar, start, start + timedelta(days=7))
    # 5 x 8 h plus Saturday 06:00-12:00 CEST (04:00-10:00 UTC): 46 h.
    assert result.available_seconds == 46 * HOUR  # 165,600 s
    assert result.intervals[-1] == Interval(z(2026, 6, 13, 4), z(2026, 6, 13, 10))


def test_closed_wins_over_open_in_the_same_window() -> None:
    extra = CalendarException(OPEN, datetime(2026, 6, 13, 6), datetime(2026, 6, 13, 12))
    shutdown = CalendarException(CLOSED, datetime(2026, 6, 13, 10), datetime(2026, 6, 14))
    calendar = day_shift_calendar(exceptions=(extra, shutdown))
    # Only Saturday 06:00-10:00 CEST of the extra shift remains.
    assert available_intervals(calendar, z(2026, 6, 13), z(2026, 6, 14)) == [
        Interval(z(2026, 6, 13, 4), z(2026, 6, 13, 8))
    ]


def test_downtime_cuts_a_shift_in_two() -> None:
    service = Downtime(z(2026, 6, 10, 8), z(2026, 6, 10, 9, 30))
    calendar = day_shift_calendar(downtime=(service,))
    start = datetime(2026, 6, 8, tzinfo=BERLIN)
    result = availability(calendar, start, start + timedelta(days=7))
    # Wednesday's 04:00-12:00 UTC shift loses 08:00-09:30: 40 h - 1.5 h = 38.5 h.
    assert result.available_seconds == 138_600
    assert result.intervals[2:4] == (
        Interval(z(2026, 6, 10, 4), z(2026, 6, 10, 8)),
        Interval(z(2026, 6, 10, 9, 30), z(2026, 6, 10, 12)),
    )


def test_query_window_clips_the_shifts() -> None:
    start = datetime(2026, 6, 10, 10, tzinfo=BERLIN)
    end = datetime(2026, 6, 11, 8, tzinfo=BERLIN)
    result = availability(day_shift_calendar(), start, end)
    # Wednesday 10:00-14:00 CEST (4 h) and Thursday 06:00-08:00 CEST (2 h).
    assert result.intervals == (
        Interval(z(2026, 6, 10, 8), z(2026, 6, 10, 12)),
        Interval(z(2026, 6, 11, 4), z(2026, 6, 11, 6)),
    )
    assert result.available_seconds == 6 * HOUR  # 21,600 s


def test_a_night_shift_from_before_the_window_is_counted() -> None:
    nights = ShiftCalendar("Europe/Berlin", shifts((Weekday.sun,), (22, 6)))
    # Sunday 7 June 22:00 CEST runs into the window starting Monday 00:00 CEST.
    result = availability(nights, datetime(2026, 6, 8, tzinfo=BERLIN), z(2026, 6, 9))
    assert result.intervals == (Interval(z(2026, 6, 7, 22), z(2026, 6, 8, 4)),)


def test_empty_window_and_far_exceptions() -> None:
    forever = CalendarException(CLOSED, datetime(1, 1, 1), datetime(9999, 12, 31))
    calendar = day_shift_calendar(exceptions=(forever,))
    assert availability(calendar, z(2026, 6, 8), z(2026, 6, 15)).available_seconds == 0
    assert available_intervals(day_shift_calendar(), z(2026, 6, 8), z(2026, 6, 8)) == []


# --- invalid input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime(2026, 6, 8), z(2026, 6, 9), "start"),
        (z(2026, 6, 8), datetime(2026, 6, 9), "end"),
        (z(2026, 6, 9), z(2026, 6, 8), "end"),
        (datetime(1, 1, 1, tzinfo=UTC), z(2026, 6, 8), "start"),
        (z(2026, 6, 8), datetime(9999, 12, 31, tzinfo=UTC), "end"),
    ],
)
def test_invalid_query_window(start: datetime, end: datetime, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: ") as caught:
        availability(day_shift_calendar(), start, end)
    assert isinstance(caught.value, CalendarInputError)
    assert caught.value.field == field


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "Europe", "../etc/passwd"])
def test_unknown_time_zone(zone: str) -> None:
    with pytest.raises(ValueError, match="time_zone: unknown IANA time zone"):
        ShiftCalendar(zone, ())


def test_invalid_exceptions_downtime_and_shifts() -> None:
    with pytest.raises(ValueError, match=r"^exceptions: .* no offset"):
        CalendarException(CLOSED, z(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(ValueError, match=r"^exceptions: .* before"):
        CalendarException(CLOSED, datetime(2026, 1, 2), datetime(2026, 1, 1))
    with pytest.raises(ValueError, match=r"^downtime: must be timezone-aware"):
        Downtime(datetime(2026, 1, 1), z(2026, 1, 2))
    with pytest.raises(ValueError, match=r"^downtime: .* before"):
        Downtime(z(2026, 1, 2), z(2026, 1, 1))
    with pytest.raises(ValueError, match=r"^shifts: "):
        Shift(Weekday.mon, time(6, tzinfo=UTC), time(14))


# --- interval arithmetic ---------------------------------------------------------------------


def test_union_subtract_and_clip_by_hand() -> None:
    a, b, c = (
        Interval(z(2026, 1, 1, 1), z(2026, 1, 1, 3)),
        Interval(z(2026, 1, 1, 3), z(2026, 1, 1, 5)),
        Interval(z(2026, 1, 1, 4), z(2026, 1, 1, 4)),
    )
    assert union([b, c, a]) == [Interval(z(2026, 1, 1, 1), z(2026, 1, 1, 5))]
    hole = Interval(z(2026, 1, 1, 2), z(2026, 1, 1, 4))
    assert subtract([a, b], [hole]) == [
        Interval(z(2026, 1, 1, 1), z(2026, 1, 1, 2)),
        Interval(z(2026, 1, 1, 4), z(2026, 1, 1, 5)),
    ]
    assert clip([a, b], z(2026, 1, 1, 2), z(2026, 1, 1, 3)) == [hole._replace(end=a.end)]
    assert total_seconds([a, b, a]) == 4 * HOUR


# --- properties ------------------------------------------------------------------------------

ZONES = [
    "Europe/Berlin",
    "America/Chicago",
    "UTC",
    "Australia/Lord_Howe",  # 30-minute DST
    "America/St_Johns",  # UTC-3:30 / -2:30
    "Asia/Kolkata",
    "Pacific/Chatham",
]
quarter_hours = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
shift_st = st.builds(Shift, st.sampled_from(list(Weekday)), quarter_hours, quarter_hours)
# Windows around both 2026 DST changes of the zones above.
instants = st.datetimes(datetime(2026, 3, 1), datetime(2026, 11, 30)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)
)


@st.composite
def exception_st(draw: st.DrawFn) -> CalendarException:
    start = draw(st.datetimes(datetime(2026, 2, 25), datetime(2026, 12, 5))).replace(
        second=0, microsecond=0
    )
    length = timedelta(minutes=15 * draw(st.integers(1, 4 * 72)))
    return CalendarException(draw(st.sampled_from([OPEN, CLOSED])), start, start + length)


@st.composite
def downtime_st(draw: st.DrawFn) -> Downtime:
    start = draw(instants)
    return Downtime(start, start + timedelta(minutes=draw(st.integers(1, 3 * 24 * 60))))


@st.composite
def scenario(draw: st.DrawFn) -> tuple[ShiftCalendar, datetime, datetime]:
    calendar = ShiftCalendar(
        draw(st.sampled_from(ZONES)),
        tuple(draw(st.lists(shift_st, max_size=8))),
        tuple(draw(st.lists(exception_st(), max_size=4))),
        tuple(draw(st.lists(downtime_st(), max_size=4))),
    )
    start = draw(instants)
    return calendar, start, start + timedelta(minutes=draw(st.integers(0, 10 * 24 * 60)))


@settings(max_examples=150, deadline=None)
@given(scenario())
def test_intervals_are_sorted_disjoint_inside_the_window(
    case: tuple[ShiftCalendar, datetime, datetime],
) -> None:
    calendar, start, end = case
    result = availability(calendar, start, end)
    for interval in result.intervals:
        assert start <= interval.start < interval.end <= end
        assert interval.start.tzinfo is UTC and interval.end.tzinfo is UTC
    for before, after in zip(result.intervals, result.intervals[1:], strict=False):
        assert before.end < after.start  # merged: not even touching
    assert result.available_seconds == sum(i.seconds for i in result.intervals)


@settings(max_examples=100, deadline=None)
@given(scenario(), downtime_st())
def test_more_downtime_never_adds_availability(
    case: tuple[ShiftCalendar, datetime, datetime], extra: Downtime
) -> None:
    calendar, start, end = case
    before = available_intervals(calendar, start, end)
    more = ShiftCalendar(
        calendar.time_zone, calendar.shifts, calendar.exceptions, (*calendar.downtime, extra)
    )
    after = available_intervals(more, start, end)
    assert total_seconds(after) <= total_seconds(before)
    assert subtract(after, before) == []  # nothing new appears
    assert subtract(after, [Interval(extra.starts_at, extra.ends_at)]) == after


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ZONES), instants, st.integers(0, 20 * 24 * 60))
def test_an_always_open_calendar_gives_the_whole_window(
    zone: str, start: datetime, minutes: int
) -> None:
    always = ShiftCalendar(zone, tuple(Shift(d, time(6), time(6)) for d in Weekday))
    end = start + timedelta(minutes=minutes)
    expected = [Interval(start, end)] if minutes else []
    assert available_intervals(always, start, end) == expected


def offset(local: datetime, zone: ZoneInfo) -> timedelta:
    value = local.replace(tzinfo=zone).utcoffset()
    assert value is not None
    return value


def exists(local: datetime, zone: ZoneInfo) -> bool:
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(ZONES), shift_st, st.dates(date(2026, 1, 1), date(2026, 12, 31)))
def test_real_length_is_the_wall_length_minus_the_offset_change(
    zone_name: str, shift: Shift, day: date
) -> None:
    zone = ZoneInfo(zone_name)
    begin = datetime.combine(day, shift.start_time)
    finish = datetime.combine(day, shift.end_time)
    if shift.end_time <= shift.start_time:
        finish += timedelta(days=1)
    start_utc, end_utc = to_utc(begin, zone), to_utc(finish, zone)
    assert start_utc <= end_utc  # monotonic, even across a gap
    if exists(begin, zone) and exists(finish, zone):
        change = offset(finish, zone) - offset(begin, zone)
        assert end_utc - start_utc == (finish - begin) - change


BOUNDARIES = st.integers(0, 4 * 24 * 4)  # quarter hours in a 4-day UTC span
ORIGIN = z(2026, 6, 8)  # a Monday


def quarter(q: int) -> datetime:
    return ORIGIN + q * timedelta(minutes=15)


def in_pattern(pattern: list[tuple[Weekday, time, time]], wall: datetime) -> bool:
    for weekday, begin, finish in pattern:
        for day in (wall.date(), wall.date() - timedelta(days=1)):
            if list(Weekday)[day.weekday()] is not weekday:
                continue
            shift_start = datetime.combine(day, begin)
            shift_end = datetime.combine(day, finish) + timedelta(days=int(finish <= begin))
            if shift_start <= wall < shift_end:
                return True
    return False


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(list(Weekday)), quarter_hours, quarter_hours), max_size=6),
    st.lists(st.tuples(st.booleans(), BOUNDARIES, BOUNDARIES), max_size=4),
    st.lists(st.tuples(BOUNDARIES, BOUNDARIES), max_size=3),
    BOUNDARIES,
    BOUNDARIES,
)
def test_matches_a_quarter_hour_brute_force_in_utc(
    pattern: list[tuple[Weekday, time, time]],
    exceptions: list[tuple[bool, int, int]],
    downtime: list[tuple[int, int]],
    first: int,
    second: int,
) -> None:
    """In UTC wall time is real time, so each quarter hour can be checked on its own."""
    opens = [(quarter(min(a, b)), quarter(max(a, b))) for is_open, a, b in exceptions if is_open]
    closes = [
        (quarter(min(a, b)), quarter(max(a, b))) for is_open, a, b in exceptions if not is_open
    ]
    downs = [(quarter(min(a, b)), quarter(max(a, b))) for a, b in downtime]
    calendar = ShiftCalendar(
        "UTC",
        tuple(Shift(*p) for p in pattern),
        tuple(
            CalendarException(OPEN, a.replace(tzinfo=None), b.replace(tzinfo=None))
            for a, b in opens
        )
        + tuple(
            CalendarException(CLOSED, a.replace(tzinfo=None), b.replace(tzinfo=None))
            for a, b in closes
        ),
        tuple(Downtime(a, b) for a, b in downs),
    )
    lo, hi = sorted((first, second))
    intervals = available_intervals(calendar, quarter(lo), quarter(hi))

    def working(t: datetime) -> bool:
        scheduled = in_pattern(pattern, t.replace(tzinfo=None)) or any(a <= t < b for a, b in opens)
        return scheduled and not any(a <= t < b for a, b in closes + downs)

    for q in range(lo, hi):
        t = quarter(q)
        assert any(i.start <= t < i.end for i in intervals) == working(t), t
