"""Assignments resolved against their operations: modes, fixed places, durations and
calendars (the rules are written in the package docstring)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from plantops.scheduling.problem import Breaks, Operation, Problem
from plantops.scheduling.schedule import Schedule, Violation


class Placed(NamedTuple):
    op: Operation
    mode: int
    resource: str
    family: str | None
    start: int
    end: int
    pieces: tuple[tuple[int, int], ...]  # the working time inside [start, end)


class Calendar:
    """Available time of a resource: sorted, merged intervals with running totals."""

    def __init__(self, intervals: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(i for i in intervals if i[1] > i[0]):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]
        self.before = [0]  # available time before each interval
        for a, b in merged:
            self.before.append(self.before[-1] + b - a)

    def fits(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.ends[i]

    def can_start(self, t: int) -> bool:
        i = bisect_right(self.starts, t) - 1
        return i >= 0 and t < self.ends[i]

    def can_end(self, t: int) -> bool:
        i = bisect_left(self.starts, t) - 1
        return i >= 0 and t <= self.ends[i]

    def _until(self, t: int) -> int:
        i = bisect_right(self.starts, t) - 1
        return 0 if i < 0 else self.before[i] + min(t, self.ends[i]) - self.starts[i]

    def worked(self, start: int, end: int) -> int:
        return self._until(end) - self._until(start)

    def pieces(self, start: int, end: int) -> tuple[tuple[int, int], ...]:
        i = max(bisect_right(self.starts, start) - 1, 0)
        out = []
        while i < len(self.starts) and self.starts[i] < end:
            a, b = max(self.starts[i], start), min(self.ends[i], end)
            if a < b:
                out.append((a, b))
            i += 1
        return tuple(out)


def place(problem: Problem, schedule: Schedule, out: list[Violation]) -> dict[str, Placed]:
    """Resolve each assignment against its operation; report assignment, mode, fixed, duration
    and calendar violations on the way."""
    operations = {op.id: op for op in problem.operations}
    calendars = {r.id: Calendar(r.available) for r in problem.resources if r.available is not None}
    resources = {r.id for r in problem.resources}
    placed: dict[str, Placed] = {}
    invalid: set[str] = set()
    for a in schedule.assignments:
        op = operations.get(a.operation)
        if op is None:
            out.append(Violation("assignment", a.operation, "no such operation in the problem"))
            continue
        if a.operation in placed:
            out.append(Violation("assignment", op.id, "assigned more than once"))
            continue
        if not 0 <= a.mode < len(op.modes) or op.modes[a.mode].resource not in resources:
            out.append(Violation("mode", op.id, f"mode {a.mode} is not a valid mode"))
            invalid.add(op.id)
            continue
        mode = op.modes[a.mode]
        if op.fixed is not None and (a.start, a.mode) != (op.fixed.start, op.fixed.mode):
            where = f"start {op.fixed.start} in mode {op.fixed.mode}"
            found = f"found {a.start} in mode {a.mode}"
            out.append(Violation("fixed", op.id, f"fixed at {where}, {found}"))
        calendar = calendars.get(mode.resource)
        _timing(op, mode.duration, a.start, a.end, calendar, out)
        pieces = ((a.start, a.end),) if calendar is None else calendar.pieces(a.start, a.end)
        placed[op.id] = Placed(op, a.mode, mode.resource, mode.setup_family, a.start, a.end, pieces)
    for op in problem.operations:
        if op.id not in placed and op.id not in invalid:
            out.append(Violation("assignment", op.id, "not scheduled"))
    return placed


def _timing(
    op: Operation,
    duration: int,
    start: int,
    end: int,
    calendar: Calendar | None,
    out: list[Violation],
) -> None:
    span = f"[{start}, {end})"
    if calendar is None or op.breaks is Breaks.fit or duration == 0:
        if end - start != duration:
            out.append(Violation("duration", op.id, f"runs {span}, its duration is {duration}"))
        elif calendar is not None and not calendar.fits(start, end):
            out.append(Violation("calendar", op.id, f"{span} is not inside one available interval"))
        return
    if not (calendar.can_start(start) and calendar.can_end(end)):
        out.append(Violation("calendar", op.id, f"{span} starts or ends outside available time"))
    worked = calendar.worked(start, end) if end > start else 0
    if worked != duration:
        message = f"works {worked} inside {span}, its duration is {duration}"
        out.append(Violation("duration", op.id, message))


def completions(placed: dict[str, Placed]) -> dict[str, int]:
    """Each job's completion: the latest end of its scheduled operations."""
    done: dict[str, int] = {}
    for p in placed.values():
        if p.end > done.get(p.op.job, p.end - 1):
            done[p.op.job] = p.end
    return done
