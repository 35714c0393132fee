"""Large-neighbourhood search: free part of the incumbent, solve that sub-model with CP-SAT
for a moment, keep the result when it is no worse.

Everything not freed keeps its mode and its order on its resource but may still shift in
time ("floating"), so a small neighbourhood can still shorten the whole schedule. Each kind
of neighbourhood adapts its own size: larger after sub-models CP-SAT solved to optimality,
smaller after ones it could not finish. On very large problems, and on any whose operations
pause over calendars (each floating one would bring its calendar into the sub-model),
operations far from the freed ones are frozen outright and the sub-model also packs its
operations to the left."""

from __future__ import annotations

import random
import time

from plantops.scheduling.cpsat import Goal, Model, OutOfTime, Scope
from plantops.scheduling.cpsat_search import OPTIMAL, Stopper, search
from plantops.scheduling.evaluate import Solution
from plantops.scheduling.incumbent import Incumbent
from plantops.scheduling.index import Index, pauses_over_calendars
from plantops.scheduling.neighbourhoods import KINDS, pick

LARGE = 3000  # operations: above this, freeze what lies far from the freed operations
GROW, SHRINK = 1.15, 0.87


class Lns:
    def __init__(
        self,
        idx: Index,
        incumbent: Incumbent,
        goal: Goal,
        *,
        seed: int,
        workers: int,
        stopper: Stopper,
        sub_time: float = 2.0,
    ) -> None:
        self.idx, self.inc, self.goal = idx, incumbent, goal
        self.rng = random.Random(seed)
        self.workers, self.stopper, self.sub_time = workers, stopper, sub_time
        self.windowed = idx.n > LARGE or pauses_over_calendars(idx)
        # windowed, only time windows: what they free stays local in time
        self.kinds = ("window",) if self.windowed else KINDS
        start = 150 if self.windowed else min(idx.n, max(6, idx.n // 4))
        self.size = dict.fromkeys(self.kinds, float(start))
        self.current: Solution | None = None
        self.current_key: tuple[int, ...] | None = None
        self.seen_version = -1
        self.steps = 0
        self.overrun = 0.0  # the most a sub-model's search outran its limit

    def run(self, until: float) -> None:
        while time.monotonic() < until - 0.05 and not self.stopper.stopped:
            if not self.step(until):
                return

    def step(self, until: float) -> bool:
        """One sub-model; False when no time is left for one."""
        self._sync()
        if self.current is None:
            time.sleep(0.01)
            return True
        if until - time.monotonic() <= self.overrun + 0.02:
            return False  # CP-SAT would outrun the time limit in its presolve
        self.steps += 1
        kind = self.rng.choice(self.kinds)
        k = max(2, min(self.idx.n, int(self.size[kind])))
        free = pick(kind, self.idx, self.current, k, self.rng)
        scope = self._scope(free)
        try:
            md = Model(self.idx, self.goal, incumbent=self.current, scope=scope, deadline=until)
        except OutOfTime:
            return False
        limit = min(self.sub_time, until - time.monotonic() - self.overrun)
        if limit <= 0.02:
            return False
        out = search(
            md, time_limit=limit, workers=self.workers, seed=self.rng.randrange(1 << 30),
            stopper=self.stopper, light=True,
        )  # fmt: skip
        # CP-SAT's presolve does not watch its time limit (element constraints of pausing
        # operations expand for seconds): the next sub-model leaves that much room
        self.overrun = max(self.overrun, out.seconds - limit)
        key = self.inc.key_of(out.solution) if out.solution is not None else None
        assert self.current_key is not None
        better = key is not None and key < self.current_key
        if out.status == OPTIMAL and not better:  # nothing to gain in there: look wider
            self.size[kind] = min(float(self.idx.n), self.size[kind] * GROW)
        elif out.status != OPTIMAL:  # could not finish: look narrower, much when it outran
            shrink = SHRINK if out.seconds <= limit + 0.1 else 0.5
            self.size[kind] = max(2.0, self.size[kind] * shrink)
        if out.solution is not None and key is not None and key <= self.current_key:
            self.current, self.current_key = out.solution, key  # sideways moves cross plateaus
            self.inc.offer(out.solution, "lns")
        return True

    def _sync(self) -> None:
        """Adopt the shared best when another search beat where this one stands."""
        best = self.inc.snapshot()
        if best is None or best.version == self.seen_version:
            return
        self.seen_version = best.version
        if self.current_key is None or best.key < self.current_key:
            self.current, self.current_key = best.solution.copy(), best.key

    def _scope(self, free: set[int]) -> Scope:
        if not self.windowed or self.current is None:
            return Scope(free=free)
        sol = self.current
        lo = min(sol.start[o] for o in free)
        hi = max(sol.end[o] for o in free)
        span = max(1, hi - lo)
        floor = max(0, lo - span)
        frozen = {o for o in range(self.idx.n) if sol.start[o] < floor or sol.start[o] >= hi + span}
        frozen -= free
        last = max(sol.end[o] for o in range(self.idx.n) if o not in frozen)
        return Scope(free=free, frozen=frozen, floor=floor, ceiling=last + span)
