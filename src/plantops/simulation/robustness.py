"""How a schedule holds up on a floor that misbehaves: the same floor run many times with
different draws, and the distribution of on-time delivery, lateness and makespan. Two plans
compare on what they can be expected to deliver, not only on paper. Pure."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from plantops.simulation.engine import simulate
from plantops.simulation.model import Floor, Run


@dataclass(frozen=True)
class Spread:
    """A figure over the runs: its median, 10th and 90th percentile, worst and best."""

    p10: float
    median: float
    p90: float
    low: float
    high: float

    @staticmethod
    def of(values: list[float]) -> Spread:
        ordered = sorted(values)
        if len(ordered) == 1:
            one = ordered[0]
            return Spread(one, one, one, one, one)
        deciles = statistics.quantiles(ordered, n=10, method="inclusive")
        middle = statistics.median(ordered)  # the deciles kept about it: rounding of near-
        # equal figures (5/149 computed two ways) must not put the 10th above the median
        low, high = min(deciles[0], middle), max(deciles[-1], middle)
        return Spread(low, middle, high, ordered[0], ordered[-1])


@dataclass(frozen=True)
class Robustness:
    runs: int
    jobs: int
    on_time: Spread  # share of jobs done by their due time, 0..1
    unfinished: Spread  # share of jobs not done by the end of the run
    mean_lateness_hours: Spread  # of the finished jobs, early ones counting 0
    makespan_hours: Spread  # from the start to the last finished job


def replay(floor: Floor, runs: int, seed: int = 1) -> Robustness:
    """`runs` simulations of `floor` with seeds seed, seed + 1, ..."""
    if runs < 1:
        raise ValueError("runs: at least 1")
    results = [simulate(floor, seed + offset, record=False) for offset in range(runs)]
    return summarise(floor, results)


def summarise(floor: Floor, results: list[Run]) -> Robustness:
    on_time, unfinished, lateness, makespan = [], [], [], []
    for run in results:
        jobs = run.jobs
        total = max(1, len(jobs))
        done = [job for job in jobs if job.finished is not None]
        on_time.append(sum(1 for job in done if (job.lateness or 0) <= 0) / total)
        unfinished.append((len(jobs) - len(done)) / total)
        late = [max(0, job.lateness or 0) / 3600 for job in done]
        lateness.append(statistics.fmean(late) if late else 0.0)
        last = max((job.finished or floor.start for job in done), default=floor.start)
        makespan.append((last - floor.start) / 3600)
    return Robustness(
        runs=len(results),
        jobs=len(floor.jobs),
        on_time=Spread.of(on_time),
        unfinished=Spread.of(unfinished),
        mean_lateness_hours=Spread.of(lateness),
        makespan_hours=Spread.of(makespan),
    )
