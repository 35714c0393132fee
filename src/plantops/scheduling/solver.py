"""The engine's entry point: validate, construct, improve, verify, explain.

Construction gives a schedule at once. Then, in parallel threads: CP-SAT on the full model
(seeded with the incumbent; it proves optimality or infeasibility on small problems and
yields a lower bound) followed by large-neighbourhood search, and, when the problem is a plain
shop with a makespan goal, a tabu search on the machine sequences. The caller's thread only
reports progress; what comes back is the best audited schedule."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from plantops.scheduling import bounds
from plantops.scheduling.construct import Rule, construct
from plantops.scheduling.cpsat import Goal, Model, OutOfTime
from plantops.scheduling.cpsat_search import INFEASIBLE, OPTIMAL, UNKNOWN, Stopper, search
from plantops.scheduling.diagnose import diagnose
from plantops.scheduling.evaluate import Solution, objective_value, to_assignments
from plantops.scheduling.explain import explain
from plantops.scheduling.incumbent import Incumbent
from plantops.scheduling.index import Index, compile_problem
from plantops.scheduling.lns import Lns
from plantops.scheduling.local import flow_start, local_search
from plantops.scheduling.permutation import flow_shop
from plantops.scheduling.problem import Problem
from plantops.scheduling.schedule import Progress, Schedule, Status
from plantops.scheduling.validate import validate

FULL_OPS = 2500  # above this the full model is only a last resort (no schedule otherwise)
FULL_SHARE = 0.1  # of the time, for the full model before the search turns to LNS
SMALL_OPS = 225  # a job shop up to this (15 x 15): CP-SAT's full model, alone, does best


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    on_progress: Callable[[Progress], None] | None = None,
) -> Schedule:
    """The best schedule found within `time_limit` seconds with `workers` threads.

    Raises ProblemError (from `validate`) on malformed input; every other outcome, infeasible
    included, is a Schedule with its status."""
    started = time.monotonic()
    validate(problem)
    idx = compile_problem(problem)
    run = _Run(idx, started, started + max(0.1, time_limit), max(1, workers), seed)
    return run.go(on_progress)


class _Run:
    def __init__(self, idx: Index, started: float, until: float, workers: int, seed: int) -> None:
        self.idx, self.until, self.workers, self.seed = idx, until, workers, seed
        self.inc = Incumbent(idx, started)
        self.stopper = Stopper()
        self.hint: Solution | None = None  # best complete schedule, even one breaking rules
        self.faults: list[str] = []  # what the hint breaks
        self.verdict = ""  # "optimal" or "infeasible" once CP-SAT proved it
        self.errors: list[BaseException] = []

    def go(self, on_progress: Callable[[Progress], None] | None) -> Schedule:
        self._construct()
        if self.idx.terms and self.inc.snapshot() is not None:
            trivial = bounds.lower_bound(self.idx)
            if trivial is not None:
                self.inc.bound(trivial)
        threads = [threading.Thread(target=self._guard(f), daemon=True) for f in self._plan()]
        for t in threads:
            t.start()
        try:
            self._report(on_progress, threads)
        finally:
            self.stopper.stop()
            for t in threads:
                t.join()
        if self.errors:
            raise self.errors[0]
        self._report(on_progress, [])
        return self._result()

    # -- phases -----------------------------------------------------------------------------

    def _construct(self) -> None:
        """A few dispatching variants when they are cheap, the first feasible one otherwise."""
        rules = [Rule()]
        if any(p is not None for p in self.idx.previous):  # a repair: the previous first
            rules.insert(0, Rule(follow=True))
        if self.idx.n <= 3000:  # variants only while they are cheap
            rules += [Rule(window=1), Rule(window=1 << 40)]
            rules += [Rule(noise=0.5, seed=self.seed + k) for k in range(4)]
        now = time.monotonic()
        budget, second = now + 0.05 * (self.until - now), now + 0.3 * (self.until - now)
        neh = flow_start(self.idx, self.seed)
        if neh is not None:
            self.inc.offer(neh, "construction")
        took = 0.0  # by the first rule: each variant takes about as long
        for k, rule in enumerate(rules):
            now = time.monotonic()
            # past the budget one feasible schedule is enough; the second rule (another
            # principle, often much better on plant problems) runs if it ends within its share
            late = now + took > second if k == 1 else now > budget
            if k and late and self.inc.snapshot() is not None:
                break
            sol, problems = construct(self.idx, rule)
            took = took or time.monotonic() - now
            if sol is not None and (self.hint is None or not problems):
                self.hint, self.faults = sol, problems
            if sol is not None and not problems:
                self.inc.offer(sol, "construction")

    def _plan(self) -> list[Callable[[], None]]:
        """CP-SAT (full model, then LNS) and, for classical shapes, their own local search in
        a thread of its own; with a single worker, the local search after a short CP-SAT.
        A small job shop without alternatives is CP-SAT's alone, every worker on the full
        model for the whole time: at that size its search finds and proves optima that the
        tabu search, taking one of its cores, only slows down (ft10, orb01, abz5; with the
        strong disjunctive propagation la40 and ta01 too; at 300 operations, abz7, it is
        level, above far worse: ta21, ta31). Not with alternatives, where the tabu search's
        moves between machines need their core (mk06, mk07), nor on a flow line, where
        CP-SAT is weak."""
        local = local_search(self.idx, self.inc, self.stopper, self.until, self.seed)
        if local is None:
            return [self._improve_with(self.workers)]
        small = self.workers >= 2 and self.idx.n <= SMALL_OPS
        if small and all(len(m) == 1 for m in self.idx.modes) and flow_shop(self.idx) is None:
            return [self._improve_with(self.workers, full_share=1.0)]
        if self.workers >= 2:
            return [self._improve_with(self.workers - 1), local]

        def alone() -> None:
            if self.idx.n <= FULL_OPS:
                now = time.monotonic()
                status = self._full(1, now + FULL_SHARE * (self.until - now), self._goal(0))
                if status in (OPTIMAL, INFEASIBLE):
                    self.verdict = status
                    return
            local()

        return [alone]

    def _improve_with(self, workers: int, full_share: float = FULL_SHARE) -> Callable[[], None]:
        """Each stage (one, unless lexicographic): the full model while it may prove
        something, then LNS; a lexicographic stage holds the earlier terms at their best."""

        def improve() -> None:
            stages = len(self.idx.terms) if self.idx.lexicographic else 1
            proven = 0
            for k in range(stages):
                now = time.monotonic()
                until = now + (self.until - now) / (stages - k)
                goal = self._goal(k)
                status = ""
                if self.idx.n <= FULL_OPS or self.inc.snapshot() is None:
                    share = 1.0 if self.inc.snapshot() is None else full_share
                    status = self._full(workers, now + share * (until - now), goal)
                if status == INFEASIBLE or self.inc.snapshot() is None:
                    self.verdict = status
                    break
                proven += status == OPTIMAL
                if status != OPTIMAL:
                    lns = Lns(
                        self.idx,
                        self.inc,
                        goal,
                        seed=self.seed,
                        workers=workers,
                        stopper=self.stopper,
                    )
                    lns.run(until)
            if proven == stages:
                self.verdict = OPTIMAL
            self.stopper.stop()

        return improve

    def _full(self, workers: int, until: float, goal: Goal) -> str:
        best = self.inc.snapshot()
        start = best.solution if best else self.hint
        try:
            md = Model(self.idx, goal, incumbent=start, deadline=until)
        except OutOfTime:  # too big to build in its share: the time goes to LNS
            return UNKNOWN
        out = search(
            md, time_limit=until - time.monotonic(), workers=workers, seed=self.seed,
            stopper=self.stopper, on_solution=lambda sol: self.inc.offer(sol, "cp-sat"),
        )  # fmt: skip
        if out.solution is not None:
            self.inc.offer(out.solution, "cp-sat")
        if out.bound is not None and not self.idx.lexicographic:
            self.inc.bound(int(-(-out.bound // 1)))
        return out.status

    def _goal(self, stage: int) -> Goal:
        if not self.idx.lexicographic:
            return Goal(dict(self.idx.terms))
        term = self.idx.terms[stage][0]
        best = self.inc.snapshot()
        held = {t: best.values[t] for t, _ in self.idx.terms[:stage]} if best else {}
        return Goal({term: 1}, held)

    def _guard(self, work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # surfaced in the caller's thread
                self.errors.append(exc)
                self.stopper.stop()

        return run

    # -- reporting ----------------------------------------------------------------------------

    def _report(
        self, on_progress: Callable[[Progress], None] | None, threads: list[threading.Thread]
    ) -> None:
        """Pass progress to the caller from its own thread until the searches end."""
        while True:
            while not self.inc.events.empty():
                event = self.inc.events.get()
                if on_progress is not None:
                    on_progress(event)
            if not any(t.is_alive() for t in threads):
                return
            if self.inc.proven():
                self.stopper.stop()
            remaining = self.until - time.monotonic()
            if remaining <= 0:
                self.stopper.stop()
            time.sleep(0.02 if remaining > 0 else 0.005)

    def _result(self) -> Schedule:
        best, seconds = self.inc.snapshot(), self.inc.elapsed()
        if best is None:
            if self.verdict == INFEASIBLE:
                return Schedule(Status.infeasible, seconds=seconds, reason=diagnose(self.idx))
            reason = "no schedule found in the time limit"
            if self.faults:
                reason += f"; the construction heuristic's best attempt breaks: {self.faults[0]}"
            return Schedule(Status.unknown, seconds=seconds, reason=reason)
        value = objective_value(self.idx, best.values)
        lb = self.inc.lower_bound
        if self.idx.lexicographic:  # each stage proven in turn; no bound on the weighted sum
            optimal = self.verdict == OPTIMAL
        else:  # the bound, not a verdict, decides: the returned schedule itself must reach it
            optimal = lb is not None and value <= lb
        return Schedule(
            Status.optimal if optimal else Status.feasible,
            assignments=to_assignments(self.idx, best.solution),
            objective=value,
            lower_bound=min(lb, value) if lb is not None else None,
            seconds=seconds,
            explanations=explain(self.idx, best.solution),
        )
