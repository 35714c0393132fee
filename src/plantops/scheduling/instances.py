"""Job shops built from routes, and Taillard's random job shops: what the scale benchmark and
the tests build problems with, through the same builder as the benchmark readers."""

from __future__ import annotations

import random
from collections.abc import Sequence

from plantops.scheduling.problem import Mode, Problem
from plantops.scheduling.readers import _routed as routed  # the readers' own job-shop builder


def job_shop(routes: Sequence[Sequence[tuple[int, int]]]) -> Problem:
    """Jobs as routes of (machine, duration), machines M0 up to the highest one used."""
    machines = 1 + max(r for route in routes for r, _ in route)
    return routed([[(Mode(f"M{r}", d),) for r, d in route] for route in routes], machines, 0)


def random_job_shop(jobs: int, machines: int, seed: int = 0) -> Problem:
    """Taillard's recipe: every job visits every machine once, in a random order, for 1-99
    time units; the same seed gives the same problem."""
    rng = random.Random(seed)
    routes = []
    for _ in range(jobs):
        route = rng.sample(range(machines), machines)
        routes.append([(m, rng.randint(1, 99)) for m in route])
    return job_shop(routes)
