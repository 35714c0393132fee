"""Available time of one resource: where an operation fits, and how far a pausing one runs.

The intervals are merged where they touch or overlap (back-to-back shifts are one stretch of
available time). `fit` operations lie inside one stretch; `pause` operations process only in
available time and wait through the gaps."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from plantops.scheduling.problem import Time


class Calendar:
    __slots__ = ("cum", "cum_end", "gap", "u_ends", "u_starts")

    def __init__(self, intervals: tuple[tuple[Time, Time], ...]) -> None:
        self.u_starts: list[Time] = []
        self.u_ends: list[Time] = []
        for a, b in sorted(intervals):
            if self.u_ends and a <= self.u_ends[-1]:
                self.u_ends[-1] = max(self.u_ends[-1], b)
            else:
                self.u_starts.append(a)
                self.u_ends.append(b)
        self.cum: list[Time] = []  # available time before each stretch
        self.cum_end: list[Time] = []  # ... and at its end
        self.gap: list[Time] = []  # unavailable time before each stretch
        total = 0
        for a, b in zip(self.u_starts, self.u_ends, strict=True):
            self.cum.append(total)
            self.gap.append(a - total)
            total += b - a
            self.cum_end.append(total)

    @property
    def end(self) -> Time:
        return self.u_ends[-1] if self.u_ends else 0

    def fit_start(self, t: Time, d: Time) -> Time | None:
        """Earliest s >= t with [s, s + d] inside one stretch, or None."""
        i = bisect_left(self.u_ends, t + d)
        while i < len(self.u_ends):
            s = max(t, self.u_starts[i])
            if s + d <= self.u_ends[i]:
                return s
            i += 1
        return None

    def fits(self, s: Time, d: Time) -> bool:
        return self.fit_start(s, d) == s

    def fit_domain(self, d: Time) -> list[tuple[Time, Time]]:
        """Closed ranges of the starts that fit an operation of duration d."""
        return [(a, b - d) for a, b in zip(self.u_starts, self.u_ends, strict=True) if b - a >= d]

    def pause_start(self, t: Time) -> Time | None:
        """Earliest available instant s >= t, or None."""
        k = bisect_right(self.u_ends, t)
        if k == len(self.u_ends):
            return None
        return max(t, self.u_starts[k])

    def pause_end(self, s: Time, d: Time) -> Time | None:
        """End of d units of work started at the available instant s, or None past the end."""
        k = bisect_right(self.u_ends, s)
        if k == len(self.u_ends) or s < self.u_starts[k]:
            return None
        target = self.cum[k] + s - self.u_starts[k] + d
        j = bisect_left(self.cum_end, target, lo=k)
        if j == len(self.cum_end):
            return None
        return self.u_starts[j] + target - self.cum[j]

    def working(self, a: Time, b: Time) -> Time:
        """Available time inside [a, b)."""
        return self._worked_before(b) - self._worked_before(a)

    def _worked_before(self, t: Time) -> Time:
        k = bisect_right(self.u_starts, t) - 1
        if k < 0:
            return 0
        return self.cum[k] + min(t, self.u_ends[k]) - self.u_starts[k]
