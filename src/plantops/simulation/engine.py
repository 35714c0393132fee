"""The plant as a discrete-event model (SimPy): each work center takes its dispatched
sequence, the first operation that may start, and runs it within its shifts: changeovers
from the setup matrix, breakdowns and minor stops, slower runs, scrap and rework, material
that comes late, a learner standing in for an absent operator. What a terminal would
report comes out as Happenings. Pure (DESIGN.md rule 1); deterministic for a seed."""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Generator, Iterator
from typing import Any

import simpy

from plantops.simulation.model import Floor, Happening, Job, JobOutcome, Run, Station, Step

Process = Generator[simpy.Event, Any, None]


def simulate(
    floor: Floor,
    seed: int = 1,
    *,
    record: bool = True,
    sink: Callable[[Happening], None] | None = None,
    env: simpy.Environment | None = None,
) -> Run:
    """Run the floor from its start to its end. Without `record` only the jobs' outcomes
    are kept (robustness runs need no event list). `sink` is told each happening as it
    happens, and `env` may be a simpy.rt.RealtimeEnvironment: the live plant."""
    env = env or simpy.Environment(initial_time=floor.start)
    shop = _Shop(env, floor, seed, record, sink)
    for station in floor.stations:
        queue = [shop.steps[i] for i in floor.sequence.get(station.id, ()) if i in shop.steps]
        center = _Center(shop, station, queue)
        for lane in range(max(1, station.capacity)):
            env.process(center.lane(lane))
    env.run(until=floor.end)
    outcomes = tuple(JobOutcome(job.id, job.due, shop.finished.get(job.id)) for job in floor.jobs)
    shop.happenings.sort(key=lambda h: h.at)  # stable: each subject's order is kept
    return Run(tuple(shop.happenings), outcomes)


class _Shop:
    def __init__(
        self, env: simpy.Environment, floor: Floor, seed: int, record: bool,
        sink: Callable[[Happening], None] | None,
    ) -> None:  # fmt: skip
        self.env, self.floor, self.seed, self.record, self.sink = env, floor, seed, record, sink
        self.steps: dict[int, Step] = {}
        self.job_of: dict[int, Job] = {}
        self.before: dict[int, int] = {}  # step -> the step it follows
        for job in floor.jobs:
            for index, step in enumerate(job.steps):
                self.steps[step.id] = step
                self.job_of[step.id] = job
                if index:
                    self.before[step.id] = job.steps[index - 1].id
        self.done: dict[int, simpy.Event] = {i: env.event() for i in self.steps}
        self.finished: dict[int, int] = {}
        self.happenings: list[Happening] = []

    def may_start(self, step: Step) -> bool:
        earlier = self.before.get(step.id)
        released = self.job_of[step.id].release <= self.env.now
        return released and (earlier is None or self.done[earlier].triggered)

    def complete(self, step: Step) -> None:
        self.done[step.id].succeed()
        job = self.job_of[step.id]
        if step is job.steps[-1]:
            self.finished[job.id] = int(self.env.now)

    def tell(self, **fields: Any) -> None:
        if self.record or self.sink:
            happening = Happening(at=int(self.env.now), **fields)
            if self.record:
                self.happenings.append(happening)
            if self.sink:
                self.sink(happening)


class _Center:
    """A work center: its lanes (parallel capacity) share one dispatch queue. Only a
    center of capacity 1 reports its state: lanes of a station have none of their own."""

    def __init__(self, shop: _Shop, station: Station, queue: list[Step]) -> None:
        self.shop, self.station, self.queue = shop, station, queue
        self.env = shop.env
        self.rates = station.rates
        self.random = random.Random(f"{shop.seed}:{station.id}")
        self.starts = [start for start, _ in station.open]
        self.state: str | None = station.state
        self.family = ""
        self.to_failure = self._draw_failure()
        self.to_minor = self._draw_minor()

    def lane(self, lane: int) -> Process:
        if lane == 0:
            self._state("idle" if self._open_now() else "planned_stop")
        while True:
            step = self._next()
            if step is None:
                if not self.queue:
                    return
                waits = [self.shop.done[self.shop.before[s.id]] for s in self.queue
                         if s.id in self.shop.before]  # fmt: skip
                releases = [self.shop.job_of[s.id].release - self.env.now for s in self.queue]
                soonest = min((r for r in releases if r > 0), default=None)
                if soonest is not None:
                    waits.append(self.env.timeout(soonest))
                yield self.env.any_of(waits)
                continue
            yield from self._run(step)

    def _next(self) -> Step | None:
        for index, step in enumerate(self.queue):
            if self.shop.may_start(step):
                return self.queue.pop(index)
        return None

    def _run(self, step: Step) -> Process:
        rates, job = self.rates, self.shop.job_of[step.id]
        if step.started:  # under way when the run began: its start and setup are behind it
            self.family = step.setup_family
            yield from self._produce(step, job.id, 1 + rates.speed_loss)
            return
        if self.random.random() < rates.shortage_chance:
            self._state("idle", note="waiting for material")
            yield self.env.timeout(int(self.random.expovariate(1 / (rates.shortage_hours * 3600))))
        yield from self._open()
        learner = self.random.random() < rates.absence_chance
        note = "run by a learner: the trained operator is absent" if learner else ""
        self.shop.tell(kind="operation_start", station=self.station.id, step=step.id, job=job.id,
                       quantity=step.quantity, note=note)  # fmt: skip
        setup = step.setup_seconds + self.station.changeovers.get(
            (self.family, step.setup_family), 0
        )
        if setup:
            yield from self._work(setup, "setup")
        self.family = step.setup_family
        slower = 1 + self.random.expovariate(1 / rates.speed_loss) if rates.speed_loss else 1.0
        if learner:
            slower += rates.learner_slowdown
        yield from self._produce(step, job.id, slower)

    def _produce(self, step: Step, job: int, slower: float) -> Process:
        rates = self.rates
        per_unit = step.run_seconds_per_unit * slower
        for count, last in _chunks(step.quantity, per_unit, rates.report_minutes * 60):
            yield from self._work(round(count * per_unit), "running")
            scrap = _binomial(self.random, count, rates.scrap_rate)
            rework = _binomial(self.random, count - scrap, rates.rework_rate)
            self.shop.tell(kind="operation_complete" if last else "operation_report",
                           station=self.station.id, step=step.id, job=job,
                           good=count - scrap - rework, scrap=scrap, rework=rework,
                           draw=self.random.randrange(1 << 30))  # fmt: skip
        self.shop.complete(step)
        if not self.queue or not any(self.shop.may_start(s) for s in self.queue):
            self._state("idle" if self._open_now() else "planned_stop")

    def _work(self, seconds: int, phase: str) -> Process:
        """`seconds` of open time in `phase`, across shift ends, breakdowns and stops."""
        remaining = seconds
        while remaining > 0:
            yield from self._open()
            self._state(phase)
            window_end = self._window_end()
            spell = min(remaining, window_end - int(self.env.now), self.to_failure, self.to_minor)
            spell = max(spell, 1)
            yield self.env.timeout(spell)
            remaining -= spell
            self.to_failure -= spell
            self.to_minor -= spell
            if self.to_failure <= 0:
                yield from self._down("breakdown", self.rates.mttr_minutes * 60)
                self.to_failure = self._draw_failure()
            elif self.to_minor <= 0:
                yield from self._down("minor_stop", self.rates.minor_stop_minutes * 60)
                self.to_minor = self._draw_minor()

    def _down(self, loss: str, mean_seconds: float) -> Process:
        self._state("down", loss)
        yield self.env.timeout(max(30, int(self.random.expovariate(1 / mean_seconds))))

    def _open(self) -> Process:
        """Wait for the next shift if the center is closed now (reported as planned stop)."""
        if self._open_now():
            return
        index = bisect.bisect_right(self.starts, self.env.now)
        if index >= len(self.starts):
            self._state("planned_stop")
            yield self.env.timeout(self.shop.floor.end - self.env.now + 1)  # the run ends first
            return
        self._state("planned_stop")
        yield self.env.timeout(self.starts[index] - self.env.now)

    def _open_now(self) -> bool:
        index = bisect.bisect_right(self.starts, self.env.now) - 1
        return index >= 0 and self.env.now < self.station.open[index][1]

    def _window_end(self) -> int:
        return self.station.open[bisect.bisect_right(self.starts, self.env.now) - 1][1]

    def _state(self, state: str, loss: str | None = None, note: str = "") -> None:
        """Report a change of state (the floor refuses a state the center is already in)."""
        if self.station.capacity > 1 or state == self.state:
            return
        self.state = state
        self.shop.tell(kind="work_center_state", station=self.station.id, state=state, loss=loss,
                       note=note, draw=self.random.randrange(1 << 30))  # fmt: skip

    def _draw_failure(self) -> int:
        return max(60, int(self.random.expovariate(1 / (self.rates.mtbf_hours * 3600))))

    def _draw_minor(self) -> int:
        per_hour = self.rates.minor_stops_per_hour
        if per_hour == 0:
            return 1 << 40
        return max(60, int(self.random.expovariate(per_hour / 3600)))


def _chunks(quantity: int, per_unit: float, every: float) -> Iterator[tuple[int, bool]]:
    """How many units each report covers (about one report per `every` seconds), and
    whether it is the last."""
    size = max(1, int(every // per_unit)) if per_unit > 0 else quantity
    done = 0
    while done < quantity:
        count = min(size, quantity - done)
        done += count
        yield count, done >= quantity
    if quantity <= 0:
        yield 0, True


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if n > 50:  # a normal approximation: thousands of draws per report cost too much
        mean, spread = n * p, (n * p * (1 - p)) ** 0.5
        return min(n, max(0, round(rng.gauss(mean, spread))))
    return sum(rng.random() < p for _ in range(n))
