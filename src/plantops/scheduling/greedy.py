"""Iterated greedy for permutation flow shops (Ruiz & Stützle): NEH to start, then remove a
few jobs, put each back where it costs least, polish by moving single jobs, and accept a
worse order now and then (simulated-annealing style) to leave local optima."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

import numpy as np

from plantops.scheduling.evaluate import Solution
from plantops.scheduling.index import Index
from plantops.scheduling.permutation import (
    FlowShop,
    decode,
    insertion_costs,
    order_of,
    sequence_cost,
)
from plantops.scheduling.problem import Term

REMOVE = 4  # jobs taken out per iteration


class IteratedGreedy:
    def __init__(self, fs: FlowShop, idx: Index, seed: int) -> None:
        self.fs, self.idx, self.rng = fs, idx, random.Random(seed)
        mean = float(fs.p.mean()) if fs.p.size else 1.0
        self.temperature = max(1e-9, 0.4 * mean / 10 * max(1, sum(fs.terms.values())))
        self.best: list[int] = []
        self.best_cost = 0

    def start(self) -> list[int]:
        """NEH from a few classic orders (longest work first, earliest due date, least slack);
        the best one."""
        fs, rows = self.fs, range(len(self.fs.jobs))
        work = fs.p.sum(axis=1)
        orders = [sorted(rows, key=lambda r: -int(work[r]))]
        if fs.terms.get(Term.weighted_tardiness) or fs.terms.get(Term.late_jobs):
            orders.append(sorted(rows, key=lambda r: int(fs.due[r])))
            orders.append(sorted(rows, key=lambda r: int(fs.due[r] - work[r])))
        if fs.terms.get(Term.flow_time):
            orders.append(sorted(rows, key=lambda r: int(work[r])))
        found = [self.neh(order) for order in orders]
        costs = [sequence_cost(fs, seq) for seq in found]
        k = int(np.argmin(costs))
        self.best, self.best_cost = found[k], costs[k]
        return self.best

    def neh(self, order: list[int]) -> list[int]:
        seq: list[int] = []
        for job in order:
            seq.insert(int(np.argmin(insertion_costs(self.fs, seq, job))), job)
        return seq

    def solution(self, seq: list[int]) -> Solution:
        return decode(self.fs, self.idx, seq)

    def run(
        self,
        until: float,
        stop: Callable[[], bool],
        improved: Callable[[Solution], object],
        fetch: Callable[[], Solution | None] = lambda: None,
    ) -> None:
        """Iterate until `until` or `stop()`; hand out each new best, and adopt a better
        schedule `fetch()` returns (from the other search)."""
        if not self.best:
            self.start()
        current, cost = self.best[:], self.best_cost
        while time.monotonic() < until and not stop():
            other = fetch()
            if other is not None:
                seq = order_of(self.fs, other)
                value = sequence_cost(self.fs, seq)
                if value < self.best_cost:
                    self.best, self.best_cost, current, cost = seq, value, seq[:], value
            trial, value = self._rebuild(current)
            trial, value = self._polish(trial, value, until)
            if value < cost or self.rng.random() < math.exp(-(value - cost) / self.temperature):
                current, cost = trial, value
            if value < self.best_cost:
                self.best, self.best_cost = trial[:], value
                improved(self.solution(trial))

    def _rebuild(self, seq: list[int]) -> tuple[list[int], int]:
        """Destruction and construction: REMOVE random jobs, each put back at its best place."""
        seq = seq[:]
        removed = [seq.pop(self.rng.randrange(len(seq))) for _ in range(min(REMOVE, len(seq) - 1))]
        value = 0
        for job in removed:
            costs = insertion_costs(self.fs, seq, job)
            k = int(np.argmin(costs))
            seq.insert(k, job)
            value = int(costs[k])
        return seq, value if removed else sequence_cost(self.fs, seq)

    def _polish(self, seq: list[int], value: int, until: float) -> tuple[list[int], int]:
        """Move single jobs to their best place while that helps (insertion local search)."""
        improving = True
        while improving and time.monotonic() < until:
            improving = False
            for job in self.rng.sample(seq, len(seq)):
                rest = [j for j in seq if j != job]
                costs = insertion_costs(self.fs, rest, job)
                k = int(np.argmin(costs))
                if costs[k] < value:
                    seq, value, improving = [*rest[:k], job, *rest[k:]], int(costs[k]), True
        return seq, value
