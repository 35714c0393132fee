"""PyJobShop (benchmark-only dependency): its Model built from the same Problem through its
Python API, solved with solver="ortools" at the same time limit and workers."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from itertools import pairwise
from typing import Any

from pyjobshop import Model
from pyjobshop.Result import SolveStatus

from plantops.scheduling.problem import Link, Problem, Term
from plantops.scheduling.schedule import Assignment, Schedule, Status

Handles = dict[str, Any]  # our ids -> PyJobShop's machines or tasks
WEIGHTS = {
    Term.makespan: "weight_makespan",
    Term.weighted_tardiness: "weight_total_tardiness",
    Term.late_jobs: "weight_tardy_jobs",
    Term.flow_time: "weight_total_flow_time",
    Term.setup_time: "weight_total_setup_time",
}


def build(problem: Problem) -> tuple[Model, list[tuple[str, int]]]:
    """The PyJobShop model and, per PyJobShop mode index, (operation, our mode index)."""
    if problem.pools or problem.previous or any(op.fixed or op.needs for op in problem.operations):
        raise NotImplementedError("pools, previous schedules, fixed operations and needs")
    if any(r.available is not None for r in problem.resources):
        raise NotImplementedError("calendars")
    model = Model()
    jobs = {
        j.id: model.add_job(j.weight, j.release, due_date=j.due, name=j.id) for j in problem.jobs
    }
    machines = {
        r.id: model.add_machine(name=r.id)
        if r.capacity == 1
        else model.add_renewable(r.capacity, name=r.id)
        for r in problem.resources
    }
    tasks = {op.id: model.add_task(jobs[op.job], name=op.id) for op in problem.operations}
    modes: list[tuple[str, int]] = []
    for op in problem.operations:
        for k, mode in enumerate(op.modes):
            model.add_mode(tasks[op.id], machines[mode.resource], mode.duration)
            modes.append((op.id, k))
    for link in problem.precedences:
        if link.link is not Link.finish_start or link.max_lag is not None:
            raise NotImplementedError("start-start links and maximum lags")
        model.add_end_before_start(tasks[link.before], tasks[link.after], link.min_lag)
    _setups(model, problem, machines, tasks)
    _flow_lines(model, problem, machines, tasks)
    weights = dict(problem.objective.terms)
    if set(weights) - set(WEIGHTS):
        raise NotImplementedError("the deviation objective")
    model.set_objective(**{WEIGHTS[term]: weight for term, weight in weights.items()})
    return model, modes


def _setups(model: Model, problem: Problem, machines: Handles, tasks: Handles) -> None:
    families: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for op in problem.operations:
        for mode in op.modes:
            if mode.setup_family is not None:
                families[mode.resource].append((op.id, mode.setup_family))
    for resource in problem.resources:
        table = {(c.from_family, c.to_family): c.time for c in resource.changeovers}
        for a, fa in families[resource.id] if table else ():
            for b, fb in families[resource.id]:
                if a != b and table.get((fa, fb), 0):
                    model.add_setup_time(machines[resource.id], tasks[a], tasks[b], table[fa, fb])


def _flow_lines(model: Model, problem: Problem, machines: Handles, tasks: Handles) -> None:
    """Same sequence on consecutive machines of the line, tasks listed in job order."""
    on = {(op.job, m.resource): op.id for op in problem.operations for m in op.modes}
    for line in problem.flow_lines:
        orders = []
        for resource in line.resources:
            if any((job.id, resource) not in on for job in problem.jobs):
                raise NotImplementedError("a flow line some job does not visit")
            orders.append((resource, [tasks[on[job.id, resource]] for job in problem.jobs]))
        for (r1, tasks1), (r2, tasks2) in pairwise(orders):
            model.add_same_sequence(machines[r1], machines[r2], tasks1, tasks2)


def solve(problem: Problem, time_limit: float, workers: int) -> Schedule:
    started = time.perf_counter()
    model, modes = build(problem)
    result = model.solve("ortools", time_limit=time_limit, display=False, num_workers=workers)
    seconds = time.perf_counter() - started
    if result.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return Schedule(Status.unknown, seconds=seconds, reason=str(result.status.value))
    rows = []
    for task in result.best.tasks:
        if task.present:
            operation, mode = modes[task.mode]
            rows.append(Assignment(operation, mode, task.start, task.end))
    return Schedule(
        Status.optimal if result.status == SolveStatus.OPTIMAL else Status.feasible,
        tuple(rows),
        objective=round(result.objective),
        lower_bound=math.ceil(result.lower_bound - 1e-6),
        seconds=seconds,
    )
