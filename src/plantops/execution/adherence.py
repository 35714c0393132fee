"""Schedule adherence: how the floor's actual starts and ends compare with the schedule's.
Pure: it takes the operations' scheduled and actual instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

# Within this of its scheduled moment, an operation started (or ended) on time.
ON_TIME = timedelta(minutes=15)


@dataclass(frozen=True)
class Timed:
    """One operation's scheduled and actual start and end (None: not yet, or never
    scheduled)."""

    scheduled_start: datetime | None
    scheduled_end: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None


@dataclass(frozen=True)
class Adherence:
    scheduled: int  # operations with a scheduled start
    started: int  # of those, started
    started_on_time: int
    ended: int  # of those, completed
    ended_on_time: int
    median_start_delay_seconds: float | None  # positive: later than scheduled
    median_end_delay_seconds: float | None

    @property
    def start_adherence(self) -> float | None:
        """Share of started operations that started on time."""
        return self.started_on_time / self.started if self.started else None

    @property
    def end_adherence(self) -> float | None:
        return self.ended_on_time / self.ended if self.ended else None


def adherence(operations: list[Timed], on_time: timedelta = ON_TIME) -> Adherence:
    planned = [o for o in operations if o.scheduled_start is not None]
    starts = [
        (o.actual_start - o.scheduled_start).total_seconds()
        for o in planned
        if o.actual_start is not None and o.scheduled_start is not None
    ]
    ends = [
        (o.actual_end - o.scheduled_end).total_seconds()
        for o in planned
        if o.actual_end is not None and o.scheduled_end is not None
    ]
    limit = on_time.total_seconds()
    return Adherence(
        scheduled=len(planned),
        started=len(starts),
        started_on_time=sum(1 for d in starts if abs(d) <= limit),
        ended=len(ends),
        ended_on_time=sum(1 for d in ends if abs(d) <= limit),
        median_start_delay_seconds=median(starts) if starts else None,
        median_end_delay_seconds=median(ends) if ends else None,
    )
