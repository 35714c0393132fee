"""A plan run's phases as others see them: taken by one worker, each phase and its share of
the work recorded at once, a cancel honoured between phases, the seconds of each kept."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from plantops.planning import models as m
from plantops.planning.run_outcome import Cancelled
from plantops.scheduling.problem import Problem
from plantops.scheduling.schedule import Progress as SolverProgress
from plantops.scheduling.schedule import Schedule
from plantops.scheduling.solver import solve
from plantops.storage.engine import unit_of_work
from plantops.types import PlanRunStatus

Progress = Callable[[str, float], None]


class Clock:
    """Seconds per phase, for the run's summary."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = round(time.perf_counter() - started, 3)


def solve_reporting(
    problem: Problem,
    factory: sessionmaker[Session],
    run_id: int,
    seconds: float,
    progress: Progress | None,
) -> Schedule:
    """Solve within `seconds` on this machine's two workers, the run's progress kept as the
    solver goes (a plan run and a reschedule alike)."""
    return solve(
        problem,
        time_limit=seconds,
        workers=2,
        on_progress=reporter(factory, run_id, seconds, progress),
    )


def reporter(
    factory: sessionmaker[Session], run_id: int, seconds: float, progress: Progress | None
) -> Callable[[SolverProgress], None]:
    """The solver's progress as the run's, from 0.3 to 0.9: at most one write a second."""
    reported = [0.0]

    def improved(event: SolverProgress) -> None:
        if event.seconds - reported[0] >= 1.0:
            reported[0] = event.seconds
            share = 0.3 + 0.6 * min(1.0, event.seconds / max(seconds, 0.001))
            advance(factory, run_id, "scheduling", round(share, 3), progress)

    return improved


def advance(
    factory: sessionmaker[Session],
    run_id: int,
    phase: str,
    share: float,
    progress: Progress | None,
) -> None:
    """Record the phase (others see it at once), or stop if a cancel was asked for."""
    with unit_of_work(factory) as session:
        run = session.get_one(m.PlanRun, run_id)
        if run.cancel_requested:
            raise Cancelled
        run.phase, run.progress = phase, share
    if progress:
        progress(phase, share)


def claim(factory: sessionmaker[Session], run_id: int) -> bool:
    """Take a queued run; False if it is gone, cancelled, or another worker has it."""
    with unit_of_work(factory) as session:
        run = session.get(m.PlanRun, run_id, with_for_update=True)
        if run is None or run.status is not PlanRunStatus.queued:
            return False
        run.status = PlanRunStatus.running
        return True
