"""The scale test: a seeded random job shop (Taillard's recipe: every job visits every machine
once in a random order, durations 1-99), solved in a process of its own so its peak memory is
that run's alone."""

from __future__ import annotations

import json
import resource
import time
from typing import Any

from plantops.scheduling.checker import check, objective_value
from plantops.scheduling.instances import random_job_shop
from plantops.scheduling.schedule import Progress

SIZES = {"1k": (50, 20), "10k": (100, 100), "100k": (1000, 100)}  # jobs x machines


def worker(size: str, method: str, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    """One measured run; the times are wall-clock seconds from the call of the solver."""
    from peers import textbook
    from plantops.scheduling.solver import solve  # imported before the clock starts

    problem = random_job_shop(*SIZES[size], seed)
    found: list[tuple[float, int]] = []

    def progress(p: Progress) -> None:
        found.append((time.perf_counter() - started, p.objective))

    def improved(seconds: float, objective: int) -> None:
        found.append((time.perf_counter() - started, objective))

    started = time.perf_counter()
    if method == "plantops":
        schedule = solve(problem, time_limit=time_limit, workers=workers, on_progress=progress)
    else:
        schedule = textbook.solve(problem, time_limit, workers, improved)
    seconds = time.perf_counter() - started
    verified = bool(schedule.assignments) and not check(problem, schedule)
    final = objective_value(problem, schedule) if verified else None
    if final is not None:
        found.append((seconds, final))  # the returned schedule itself, if no event said so
    near = [t for t, value in found if final is not None and value <= final * 1.01]
    return {
        "size": size,
        "operations": len(problem.operations),
        "method": method,
        "verified": verified,
        "objective": final,
        "first_seconds": min((t for t, _ in found), default=None),
        "within_1pct_seconds": min(near, default=None),
        "seconds": seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(arguments: str) -> None:
    print(json.dumps(worker(**json.loads(arguments))))
