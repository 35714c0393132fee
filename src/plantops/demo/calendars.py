"""Working-time calendars of a demo site: machine patterns (three shifts, two shifts, day) and
the employees' shifts (early, late, night), with the country's holidays as closures and one
extra Saturday shift."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from plantops.demo.holidays import public_holidays
from plantops.demo.sites import SiteProfile

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
# Calendar exceptions cover this window around the start: history before, the plan after.
HISTORY_DAYS = 28
PLAN_DAYS = 91


def _clock(hhmm: str, hours: float = 0) -> str:
    start = datetime.combine(date(2000, 1, 1), time.fromisoformat(hhmm))
    return (start + timedelta(hours=hours)).time().isoformat()


def _week(name: str, begins: str, ends: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "weekday": day, "start_time": _clock(begins), "end_time": _clock(ends)}
        for day in WEEKDAYS
    ]


def _shift(name: str, begins: str) -> list[dict[str, Any]]:
    return _week(name, begins, _clock(begins, 8))


def extra_saturday(start: date) -> date:
    """The Saturday of the second planning week, where the plant adds a shift."""
    return start + timedelta(days=(5 - start.weekday()) % 7 + 7)


def _closures(site: SiteProfile, start: date) -> list[dict[str, Any]]:
    first, last = start - timedelta(days=HISTORY_DAYS), start + timedelta(days=PLAN_DAYS)
    return [
        {
            "kind": "closed",
            "starts_local": f"{day.isoformat()}T00:00:00",
            "ends_local": f"{(day + timedelta(days=days)).isoformat()}T00:00:00",
            "name": name,
        }
        for day, days, name in public_holidays(site.country, first, last)
    ]


def _saturday(site: SiteProfile, start: date, closed: list[dict[str, Any]]) -> dict[str, Any]:
    day = extra_saturday(start)
    while any(
        c["starts_local"] <= f"{day}T23:59" and f"{day}T00:00" < c["ends_local"] for c in closed
    ):
        day += timedelta(days=7)  # never an extra shift on a holiday
    begins = datetime.combine(day, time.fromisoformat(site.shifts.early))
    return {
        "kind": "open",
        "starts_local": begins.isoformat(),
        "ends_local": (begins + timedelta(hours=8)).isoformat(),
        "name": "Extra Saturday shift",
    }


def calendars(site: SiteProfile, start: date) -> list[dict[str, Any]]:
    s = site.shifts
    patterns: list[tuple[str, str, tuple[str, ...], bool]] = [
        ("3-SHIFT", "Three shifts, Monday to Friday", ("early", "late", "night"), False),
        ("2-SHIFT", "Two shifts, Monday to Friday", ("early", "late"), True),
        ("DAY", "Day shift, Monday to Friday", ("day",), False),
        ("EARLY", "Early shift crew", ("early",), True),
        ("LATE", "Late shift crew", ("late",), False),
        ("NIGHT", "Night shift crew", ("night",), False),
    ]
    result = []
    for code, name, shifts, extra in patterns:
        # fresh rows per calendar: shared dicts would become anchors in an exported YAML
        rows = [
            row
            for shift in shifts
            for row in (
                _week("Day", s.day, s.day_end)
                if shift == "day"
                else _shift(shift.capitalize(), getattr(s, shift))
            )
        ]
        closures = _closures(site, start)
        exceptions = [*closures, _saturday(site, start, closures)] if extra else closures
        result.append(
            {
                "site": site.code,
                "code": code,
                "name": name,
                "shifts": rows,
                "exceptions": exceptions,
            }
        )
    return result


MACHINE_CALENDARS = ("3-SHIFT", "2-SHIFT", "DAY")
CREW_CALENDARS = ("EARLY", "LATE", "NIGHT")
