"""Construction heuristic: a schedule-generation scheme that places one operation at a time.

Operations become eligible when their predecessors are placed; among them the engine takes
the one that can start earliest (within a window, so urgency can win over a slightly earlier
start), ties broken by the latest start time a backward pass allows (most work remaining,
earliest due date). Each one goes into the mode that finishes first, at the earliest time
its calendar, resource (gaps and changeovers included), pools and flow line allow.

Repairing a previous schedule (`Rule.follow`), an operation that had a place is not placed
before its previous start, and goes into the mode that moves it least (the shift, plus the
move penalty off its previous resource): what a disruption does not touch stays where it
was, the rest shifts right in the previous order."""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass

from plantops.scheduling.audit import audit
from plantops.scheduling.evaluate import Solution, lag_bounds
from plantops.scheduling.index import Index
from plantops.scheduling.priority import job_order, latest_starts
from plantops.scheduling.problem import Time
from plantops.scheduling.timeline import INF, Machine, Profile

MAX_GAP_TRIES = 8  # after this many gaps that were too small, append at the end instead


@dataclass(frozen=True)
class Rule:
    window: int = 0  # starts within one window count as equal: 0 = a mean duration
    noise: float = 0.0  # random share added to the priorities (multi-start diversity)
    seed: int = 0
    follow: bool = False  # repair: stay at or after the previous schedule, moving least


class _Builder:
    def __init__(self, idx: Index, rule: Rule) -> None:
        self.idx = idx
        self.follow = rule.follow
        self.rng = random.Random(rule.seed)
        self.lst = latest_starts(idx, rule.noise, self.rng)
        self.sol = Solution([0] * idx.n, [0] * idx.n, [0] * idx.n)
        self.placed = [False] * idx.n
        self.machines = [
            Machine(idx.setup[r]) if c == 1 else None for r, c in enumerate(idx.capacity)
        ]
        self.profiles = [Profile.constant(c) if c > 1 else None for c in idx.capacity]
        self.pools = [Profile.steps(s) for s in idx.pool_steps]
        self.line_res = [-1] * idx.n  # the flow-line resource an op is bound to, or -1
        self.queues: dict[int, list[int]] = {}  # flow-line resource -> its ops in job order
        self.line_last: dict[int, Time] = {}
        durations = [d for modes in idx.modes for _, d, _ in modes]
        mean = max(1, sum(durations) // max(1, len(durations)))
        # on huge problems a wider window: far fewer operations pushed back into the queue
        self.window = rule.window or mean * max(1, idx.n // 30_000)

    def run(self) -> Solution | None:
        idx = self.idx
        pending = [len(idx.pred[o]) for o in range(idx.n)]
        self._gate_lines()
        for o in range(idx.n):
            fixed = idx.fixed[o]
            if fixed is not None:
                self._commit(o, fixed[1], fixed[0], self._end_fixed(o, fixed))
        heap: list[tuple[int, float, int]] = []
        for o in range(idx.n):
            if self.placed[o]:
                for a in idx.succ[o]:
                    pending[a.other] -= 1
        for o in range(idx.n):
            if not self.placed[o] and pending[o] == 0 and self._at_gate(o):
                heapq.heappush(heap, (self._est(o) // self.window, self.lst[o], o))
        left = idx.n - sum(self.placed)
        while heap:
            bucket, _, o = heapq.heappop(heap)
            best = self._best_mode(o)
            if best is None:
                return None
            m, s, e = best
            if s // self.window > bucket:
                heapq.heappush(heap, (s // self.window, self.lst[o], o))
                continue
            self._commit(o, m, s, e)
            left -= 1
            for a in idx.succ[o]:
                pending[a.other] -= 1
                nxt = a.other
                if pending[nxt] == 0 and not self.placed[nxt] and self._at_gate(nxt):
                    heapq.heappush(heap, (self._est(nxt) // self.window, self.lst[nxt], nxt))
            for nxt in self._advance_gate(o):
                if pending[nxt] == 0:
                    heapq.heappush(heap, (self._est(nxt) // self.window, self.lst[nxt], nxt))
        return self.sol if left == 0 else None

    def _end_fixed(self, o: int, fixed: tuple[Time, int]) -> Time:
        r, d, _ = self.idx.modes[o][fixed[1]]
        cal = self.idx.calendar[r]
        if cal is not None and self.idx.pause[o] and d > 0:
            return cal.pause_end(fixed[0], d) or fixed[0] + d
        return fixed[0] + d

    def _est(self, o: int) -> Time:
        lo, _, _ = lag_bounds(self.idx, self.sol, o)
        return max(lo, self._release(o))

    def _release(self, o: int) -> Time:
        release = self.idx.release[self.idx.op_job[o]]
        previous = self.idx.previous[o] if self.follow else None
        return release if previous is None else max(release, previous[0])

    def _best_mode(self, o: int) -> tuple[int, Time, Time] | None:
        lo, _, end_lo = lag_bounds(self.idx, self.sol, o)
        lo = max(lo, self._release(o))
        previous = self.idx.previous[o] if self.follow else None
        best: tuple[Time, Time, Time, int, Time] | None = None
        for m, (r, d, _) in enumerate(self.idx.modes[o]):
            placed = self._place(o, m, lo, end_lo)
            if placed is None:
                continue
            first = placed[1]  # earliest finish; repairing: the least move
            if previous is not None:
                first = abs(placed[0] - previous[0])
                first += self.idx.move_penalty if r != previous[1] else 0
            if best is None or (first, placed[0], d) < best[:3]:
                best = (first, placed[0], d, m, placed[1])
        return None if best is None else (best[3], best[1], best[4])

    def _place(self, o: int, m: int, t: Time, end_lo: Time) -> tuple[Time, Time] | None:
        """Earliest [s, e) for o in mode m from t on, or None when there is none."""
        r, d, f = self.idx.modes[o][m]
        cal, pause = self.idx.calendar[r], self.idx.pause[o] and d > 0
        machine, profile = self.machines[r], self.profiles[r]
        line = self.line_res[o] == r
        if line:
            t = max(t, self.line_last.get(r, t))
        tries = 0
        while t < INF:
            s = t
            if cal is not None:
                found = cal.pause_start(t) if pause else cal.fit_start(t, d)
                if found is None:
                    return None
                s = found
            e = cal.pause_end(s, d) if pause and cal is not None else s + d
            if e is None:
                return None
            if e < end_lo:
                t = s + (end_lo - e)
                continue
            if machine is not None:
                nt = machine.conflict(s, e, f)
                if nt is not None:
                    tries += 1
                    if tries > MAX_GAP_TRIES:
                        nt = max(nt, machine.ends[-1])
            else:
                assert profile is not None
                nt = profile.conflict(s, e, 1)
            for pool, q in self.idx.needs[o] if nt is None else ():
                nt = self.pools[pool].conflict(s, e, q)
                if nt is not None:
                    break
            if nt is None:
                return s, e
            t = max(nt, s + 1)
        return None

    def _commit(self, o: int, m: int, s: Time, e: Time) -> None:
        r, _, f = self.idx.modes[o][m]
        self.sol.mode[o], self.sol.start[o], self.sol.end[o] = m, s, e
        self.placed[o] = True
        machine, profile = self.machines[r], self.profiles[r]
        if machine is not None:
            machine.add(s, e, f, o)
        elif profile is not None:
            profile.take(s, e, 1)
        for pool, q in self.idx.needs[o]:
            self.pools[pool].take(s, e, q)
        if self.line_res[o] == r:
            self.line_last[r] = e if machine is not None else s

    def _gate_lines(self) -> None:
        """Bind single-resource operations on flow lines to one job order for all lines."""
        idx = self.idx
        on_line = {r for line in idx.lines for r in line}
        for o in range(idx.n):
            rs = {r for r, _, _ in idx.modes[o]}
            if len(rs) == 1 and (r := rs.pop()) in on_line and idx.fixed[o] is None:
                self.line_res[o] = r
        rank = job_order(idx, self.lst, [o for o in range(idx.n) if self.line_res[o] >= 0])
        for o in sorted(range(idx.n), key=lambda o: (rank.get(idx.op_job[o], 0), o)):
            if self.line_res[o] >= 0:
                self.queues.setdefault(self.line_res[o], []).append(o)
        for q in self.queues.values():
            q.reverse()  # pop from the end

    def _at_gate(self, o: int) -> bool:
        r = self.line_res[o]
        return r < 0 or self.queues[r][-1] == o

    def _advance_gate(self, o: int) -> list[int]:
        r = self.line_res[o]
        if r < 0:
            return []
        queue = self.queues[r]
        queue.pop()
        return queue[-1:]


def construct(idx: Index, rule: Rule = Rule()) -> tuple[Solution | None, list[str]]:
    """A complete schedule and what the audit finds wrong with it (nothing, unless max lags,
    deadlines or pinned operations defeated the greedy order: then it is only a hint), or
    (None, [why]) when no complete schedule came out."""
    sol = _Builder(idx, rule).run()
    if sol is None:
        return None, ["the construction heuristic could not place every operation"]
    return sol, audit(idx, sol)
