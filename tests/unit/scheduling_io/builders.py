"""Test helper: a plain list-scheduling builder (never the engine), so the checker and the
CLI can be tested on schedules whose feasibility is known."""

from __future__ import annotations

from plantops.scheduling.problem import Problem
from plantops.scheduling.schedule import Assignment, Schedule, Status


def greedy(problem: Problem) -> Schedule:
    """Job after job, operation after operation, mode 0, each as early as its job, its
    resource and the resource's changeover allow. Feasible for the benchmark families (no
    calendars): every resource sees the jobs in the same order, so flow lines hold too."""
    table = {
        r.id: {(c.from_family, c.to_family): c.time for c in r.changeovers}
        for r in problem.resources
    }
    free: dict[str, tuple[int, str | None]] = {}
    job_end: dict[str, int] = {}
    out = []
    for op in problem.operations:
        mode = op.modes[0]
        ready, family = free.get(mode.resource, (0, None))
        if family is not None and mode.setup_family is not None:
            ready += table[mode.resource].get((family, mode.setup_family), 0)
        start = max(ready, job_end.get(op.job, 0))
        end = start + mode.duration
        out.append(Assignment(op.id, 0, start, end))
        free[mode.resource] = (end, mode.setup_family)
        job_end[op.job] = end
    return Schedule(Status.feasible, tuple(out))
