"""Working days of a site: lead times are counted in them, receipts land on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkingDays:
    """Days with work: the weekdays with shifts (0 = Monday), less holidays."""

    weekdays: frozenset[int] = frozenset(range(5))
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("weekdays: at least one of 0 (Monday) to 6 (Sunday)")

    def works(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def on_or_before(self, day: date) -> date:
        """The last working day up to `day`: when a receipt due then must be in."""
        while not self.works(day):
            day -= _DAY
        return day

    def back(self, day: date, days: int) -> date:
        """`days` working days before the working day on or before `day` (the release of an
        order with that lead time and due date)."""
        return _back(self, day, days)

    def ahead(self, day: date, days: int) -> date:
        """`days` working days after `day` (0: the first working day from `day` on)."""
        while not self.works(day):
            day += _DAY
        for _ in range(days):
            day += _DAY
            while not self.works(day):
                day += _DAY
        return day


@lru_cache(maxsize=1 << 16)  # a plan asks the same few hundred dates over and over
def _back(calendar: WorkingDays, day: date, days: int) -> date:
    day = calendar.on_or_before(day)
    for _ in range(days):
        day = calendar.on_or_before(day - _DAY)
    return day
