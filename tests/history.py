"""How much simulated history a test that reads figures needs, whatever day it runs on."""

from __future__ import annotations

from datetime import datetime, timedelta


def days_back(now: datetime, weekdays: int = 2) -> int:
    """Days of history up to `now` that hold `weekdays` whole weekdays before today: the demo
    plant works Monday to Friday, so two days back from a Monday morning hold no production
    (the suite failed on Mondays)."""
    days, found = 0, 0
    while found < weekdays:
        days += 1
        found += (now.date() - timedelta(days=days)).weekday() < 5
    return days
