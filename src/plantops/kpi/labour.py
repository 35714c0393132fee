"""Personnel attendance (APAT) and work time (APWT) of ISO 22400-2 from clocking: the pure
side of kpi.orders.labour. Pure: no database.

Instants are whole seconds since 1970 (UTC), durations whole seconds (DESIGN.md rule 6).

- A person is present from a clock-in to their next clock-out. A clock-in while already
  clocked in (a buffered event, or a move to another work center) ends the stretch there
  and starts another; a clock-out while out changes nothing.
- Each stretch is clipped to the span [start, end): one open at `end` counts until `end`,
  one begun before `start` from `start`.
- Work time is the part of a stretch during which the work center the person clocked in at
  had an operation open (between its first start and its completion, pauses included, as
  the KPI engine counts an operation's execution time). A clock-in without a work center
  is attendance only: nothing says what its holder worked on.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

Interval = tuple[int, int]  # [begin, end), seconds since 1970


class Clocking(NamedTuple):
    employee_id: int
    at: int  # seconds since 1970
    clock_in: bool  # False: a clock-out
    work_center_id: int | None


class Stretch(NamedTuple):
    """A person present, clipped to the span."""

    employee_id: int
    work_center_id: int | None
    begin: int
    end: int


@dataclass(frozen=True)
class Tally:
    attendance_seconds: int
    work_seconds: int
    people: int


def stretches(clockings: Iterable[Clocking], start: int, end: int) -> list[Stretch]:
    """Each person's stretches of presence in [start, end), from their clock events (for
    someone clocked in across `start`, the last one before it too); events of one person at
    the same instant are taken in the order given (the ledger's)."""
    found: list[Stretch] = []
    since: dict[int, Clocking] = {}  # who is in, from which clock-in
    for event in sorted(clockings, key=itemgetter(0, 1)):
        current = since.pop(event.employee_id, None)
        if current is not None:
            found += _clipped(current, event.at, start, end)
        if event.clock_in:
            since[event.employee_id] = event
    for current in since.values():
        found += _clipped(current, end, start, end)
    return found


def _clipped(event: Clocking, until: int, start: int, end: int) -> list[Stretch]:
    begin, finish = max(event.at, start), min(until, end)
    if begin >= finish:
        return []
    return [Stretch(event.employee_id, event.work_center_id, begin, finish)]


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of intervals, as disjoint intervals in order."""
    out: list[Interval] = []
    for begin, end in sorted(intervals):
        if out and begin <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((begin, end))
    return out


def overlap(begin: int, end: int, union: Sequence[Interval], ends: Sequence[int] = ()) -> int:
    """How much of [begin, end) the disjoint intervals, in order, cover (`ends`: their
    ends, when the caller has them at hand)."""
    covered = 0
    first = bisect_right(ends or [b for _, b in union], begin)  # the first ending later
    for index in range(first, len(union)):
        a, b = union[index]
        if a >= end:
            break
        covered += min(b, end) - max(a, begin)
    return covered


def tally(found: Sequence[Stretch], open_at: Mapping[int, Sequence[Interval]]) -> Tally:
    """Attendance, work time (`open_at`: each work center's operations open, merged) and
    the people present, summed over everyone."""
    attendance = sum(s.end - s.begin for s in found)
    ends = {center: [b for _, b in union] for center, union in open_at.items()}
    work = 0
    for s in found:
        if s.work_center_id is not None and s.work_center_id in open_at:
            center = s.work_center_id
            work += overlap(s.begin, s.end, open_at[center], ends[center])
    return Tally(attendance, work, len({s.employee_id for s in found}))
