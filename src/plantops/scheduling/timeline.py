"""Occupancy of resources and pools while a schedule is built one operation at a time.

Both answer the same question: "can [s, e) go here? if not, from when is it worth trying
again?" — so the construction loop can jump straight past each conflict."""

from __future__ import annotations

from bisect import bisect_right

from plantops.scheduling.problem import Time

INF = 1 << 62


class Machine:
    """A capacity-1 resource: the placed operations, sorted by start, with their setup family;
    a changeover separates consecutive operations of different families."""

    __slots__ = ("ends", "fams", "ops", "setup", "starts")

    def __init__(self, setup: dict[tuple[int, int], Time] | None) -> None:
        self.starts: list[Time] = []
        self.ends: list[Time] = []
        self.fams: list[int] = []
        self.ops: list[int] = []
        self.setup = setup

    def _change(self, f: int, g: int) -> Time:
        if self.setup is None or f == g:
            return 0
        return self.setup.get((f, g), 0)

    def conflict(self, s: Time, e: Time, f: int) -> Time | None:
        """None when [s, e) fits between its neighbours; else the next start worth trying."""
        starts = self.starts
        k = bisect_right(starts, s)
        if self.setup is None:  # the common case, kept free of calls
            if k and s < self.ends[k - 1]:
                return self.ends[k - 1]
            if k < len(starts) and e > starts[k]:
                return self.ends[k]
            return None
        if k and s < self.ends[k - 1] + self._change(self.fams[k - 1], f):
            return self.ends[k - 1] + self._change(self.fams[k - 1], f)
        if k < len(starts) and e + self._change(f, self.fams[k]) > starts[k]:
            return self.ends[k] + self._change(self.fams[k], f)
        return None

    def add(self, s: Time, e: Time, f: int, op: int) -> None:
        k = bisect_right(self.starts, s)
        self.starts.insert(k, s)
        self.ends.insert(k, e)
        self.fams.insert(k, f)
        self.ops.insert(k, op)


class Profile:
    """A step function of free capacity: a cumulative resource or a pool. `free[i]` holds
    from `times[i]` to `times[i + 1]` (the last step forever)."""

    __slots__ = ("free", "times")

    def __init__(self, times: list[Time], free: list[int]) -> None:
        self.times = times
        self.free = free

    @classmethod
    def constant(cls, capacity: int) -> Profile:
        return cls([-INF], [capacity])

    @classmethod
    def steps(cls, steps: list[tuple[Time, Time, int]]) -> Profile:
        times, free = [-INF], [0]
        for a, b, amount in sorted(steps):
            if times[-1] == a:
                free[-1] = amount
            else:
                times.append(a)
                free.append(amount)
            times.append(b)
            free.append(0)
        return cls(times, free)

    def conflict(self, s: Time, e: Time, q: int) -> Time | None:
        """None when q units are free all over [s, e); else the next start worth trying
        (INF when never)."""
        if e <= s:
            return None
        i = bisect_right(self.times, s) - 1
        while i < len(self.times) and self.times[i] < e:
            if self.free[i] < q:
                j = i + 1
                while j < len(self.times) and self.free[j] < q:
                    j += 1
                return self.times[j] if j < len(self.times) else INF
            i += 1
        return None

    def take(self, s: Time, e: Time, q: int) -> None:
        if e <= s:
            return
        i = self._cut(s)
        j = self._cut(e)
        for k in range(i, j):
            self.free[k] -= q

    def _cut(self, t: Time) -> int:
        """Index of the step starting exactly at t, splitting a step when needed."""
        i = bisect_right(self.times, t) - 1
        if self.times[i] == t:
            return i
        self.times.insert(i + 1, t)
        self.free.insert(i + 1, self.free[i])
        return i + 1
