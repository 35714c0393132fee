"""The best schedule so far, shared by the search threads; the progress they report."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass

from plantops.scheduling.audit import audit
from plantops.scheduling.evaluate import Solution, objective_value, score, term_values
from plantops.scheduling.index import Index
from plantops.scheduling.problem import Term
from plantops.scheduling.schedule import Progress


@dataclass
class Best:
    solution: Solution
    values: dict[Term, int]
    key: tuple[int, ...]
    version: int


class Incumbent:
    """Only audited solutions get in; each improvement is queued as a Progress event for the
    caller's thread to report."""

    def __init__(self, idx: Index, started: float) -> None:
        self.idx, self.started = idx, started
        self._lock = threading.Lock()
        self.best: Best | None = None
        self.lower_bound: int | None = None
        self.events: queue.SimpleQueue[Progress] = queue.SimpleQueue()
        self.version = 0

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def key_of(self, sol: Solution) -> tuple[int, ...]:
        return score(self.idx, term_values(self.idx, sol))

    def offer(self, sol: Solution, phase: str) -> bool:
        """Take `sol` if it is better than the best and passes the audit."""
        values = term_values(self.idx, sol)
        key = score(self.idx, values)
        best = self.best
        if best is not None and key >= best.key:
            return False
        if audit(self.idx, sol):
            return False
        with self._lock:
            if self.best is not None and key >= self.best.key:
                return False
            self.version += 1
            self.best = Best(sol.copy(), values, key, self.version)
            value = objective_value(self.idx, values)
        self.events.put(Progress(self.elapsed(), value, self.lower_bound, phase))
        return True

    def bound(self, value: int) -> None:
        with self._lock:
            if self.lower_bound is None or value > self.lower_bound:
                self.lower_bound = value

    def snapshot(self) -> Best | None:
        with self._lock:
            return self.best

    def proven(self) -> bool:
        best, lb = self.best, self.lower_bound
        if best is None or lb is None or self.idx.lexicographic:
            return False
        return objective_value(self.idx, best.values) <= lb
