"""When a production order was due and whether it was on the floor: the pure side of
kpi.orders. Pure: no database.

- An order is due by the end of its due date in its site's time zone, as planning counts
  lateness (planning.schedule_result): completed on time when its site's wall clock still
  read its due date or earlier.
- It is on the floor at an instant once released and until completed or cancelled, an
  event at that very instant not yet counted (spans are [start, end)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


def local_day(instant: datetime, time_zone: str) -> date:
    return instant.astimezone(ZoneInfo(time_zone)).date()


def on_time(completed: datetime, due: date, time_zone: str) -> bool:
    """Completed by the end of the due date, on the site's wall clock."""
    return local_day(completed, time_zone) <= due


def offsets(time_zone: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offset over [start, end), in seconds: (from, offset) pieces in order,
    the first from `start`, one more from each change of the clocks (to the second; at most
    one change a day, as every zone has)."""
    zone = ZoneInfo(time_zone)
    pieces = [(start, _offset(zone, start))]
    day = start
    while day < end:
        following = min(day + DAY, end)
        if _offset(zone, following) != pieces[-1][1]:
            changed = _change(zone, day, following)
            if changed < end:
                pieces.append((changed, _offset(zone, changed)))
        day = following
    return pieces


def offsets_by_zone(
    zones: dict[int, str], start: datetime, end: datetime
) -> list[tuple[list[int], list[tuple[datetime, int]]]]:
    """`offsets` of each time zone among the sites (site id -> zone), with its sites."""
    sites: dict[str, list[int]] = {}
    for site_id, zone in sorted(zones.items()):
        sites.setdefault(zone, []).append(site_id)
    return [(ids, offsets(zone, start, end)) for zone, ids in sites.items()]


def _offset(zone: ZoneInfo, instant: datetime) -> int:
    shift = instant.astimezone(zone).utcoffset()
    return int(shift.total_seconds()) if shift is not None else 0


def _change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first second in (before, after] with the offset `after` has."""
    old = _offset(zone, before)
    while after - before > SECOND:
        middle = before + (after - before) // 2
        if _offset(zone, middle) == old:
            before = middle
        else:
            after = middle
    return after


@dataclass(frozen=True)
class FloorOrder:
    """A released production order, as kpi.orders reads it."""

    due: date
    time_zone: str  # its site's
    released: datetime | None  # None: not known (counted as released long ago)
    completed: datetime | None  # when its last operation completed (completed, closed)
    cancelled: datetime | None


def released(recorded: datetime | None, first_start: datetime | None) -> datetime | None:
    """When an order went to the floor: its release as the audit trail recorded it, or its
    first start where that occurred earlier (events an offline terminal or a simulated
    history dated before the release was recorded)."""
    known = [t for t in (recorded, first_start) if t is not None]
    return min(known) if known else None


def on_the_floor(order: FloorOrder, at: datetime) -> bool:
    if order.released is not None and order.released >= at:
        return False
    return not any(t is not None and t < at for t in (order.completed, order.cancelled))


def overdue(order: FloorOrder, at: datetime) -> bool:
    """Past the end of its due date at `at`, on its site's wall clock."""
    return order.due < local_day(at, order.time_zone)
