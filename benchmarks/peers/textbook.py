"""The textbook OR-Tools CP-SAT model, as in the OR-Tools job-shop and flexible job-shop
examples: an interval per operation (optional intervals for alternative machines), no-overlap
per machine, precedence inequalities, default parameters. A permutation flow line is one
AddCircuit over the jobs whose arcs order every machine of the line (with the machine's setup
time on each arc), so the permutation and the sequence-dependent setups are exact."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from plantops.scheduling.problem import FlowLine, Link, Problem, Term
from plantops.scheduling.schedule import Assignment, Schedule, Status

Found = Callable[[float, int], None]  # (wall seconds, objective) per improving solution
Variables = dict[str, cp_model.IntVar]


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, found: Found) -> None:
        super().__init__()
        self.found, self.started = found, time.perf_counter()

    def on_solution_callback(self) -> None:
        self.found(time.perf_counter() - self.started, round(self.ObjectiveValue()))


def _unsupported(problem: Problem) -> str:
    if problem.pools or problem.previous or problem.horizon is not None:
        return "pools, previous schedules and horizons"
    if any(op.fixed or op.needs for op in problem.operations):
        return "fixed operations and needs"
    if any(r.available is not None or r.capacity != 1 for r in problem.resources):
        return "calendars and parallel capacity"
    if any(p.link is not Link.finish_start or p.max_lag is not None for p in problem.precedences):
        return "start-start links and maximum lags"
    if any(j.deadline is not None for j in problem.jobs):
        return "deadlines"
    lines = {r for line in problem.flow_lines for r in line.resources}
    if any(r.changeovers and r.id not in lines for r in problem.resources):
        return "changeovers outside a flow line"
    return ""


def solve(
    problem: Problem, time_limit: float, workers: int, found: Found | None = None
) -> Schedule:
    why = _unsupported(problem)
    if why:
        raise NotImplementedError(f"the textbook model does not cover {why}")
    started = time.perf_counter()
    model = cp_model.CpModel()
    setup = {r.id: max((c.time for c in r.changeovers), default=0) for r in problem.resources}
    horizon = sum(
        max(m.duration + setup[m.resource] for m in op.modes) for op in problem.operations
    )
    horizon += max(j.release for j in problem.jobs)
    starts, ends, chosen = _intervals(model, problem, horizon)
    for link in problem.precedences:
        model.add(starts[link.after] >= ends[link.before] + link.min_lag)
    for line in problem.flow_lines:
        _permutation(model, problem, line, starts, ends)
    _objective(model, problem, ends, horizon)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(model, _Progress(found) if found else None)
    seconds = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Schedule(Status.unknown, seconds=seconds, reason=solver.status_name(status))
    rows = []
    for op in problem.operations:
        picked = 0
        if op.id in chosen:
            picked = next(k for k, lit in enumerate(chosen[op.id]) if solver.boolean_value(lit))
        rows.append(
            Assignment(op.id, picked, solver.value(starts[op.id]), solver.value(ends[op.id]))
        )
    return Schedule(
        Status.optimal if status == cp_model.OPTIMAL else Status.feasible,
        tuple(rows),
        objective=round(solver.objective_value),
        lower_bound=round(solver.best_objective_bound),
        seconds=seconds,
    )


def _intervals(
    model: cp_model.CpModel, problem: Problem, horizon: int
) -> tuple[Variables, Variables, dict[str, list[cp_model.IntVar]]]:
    """Start and end per operation, an interval per mode (optional when there are several,
    exactly one present), no-overlap per machine."""
    jobs = {j.id: j for j in problem.jobs}
    starts: Variables = {}
    ends: Variables = {}
    chosen: dict[str, list[cp_model.IntVar]] = {}
    machines: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    for op in problem.operations:
        start = model.new_int_var(jobs[op.job].release, horizon, f"s_{op.id}")
        end = model.new_int_var(0, horizon, f"e_{op.id}")
        starts[op.id], ends[op.id] = start, end
        if len(op.modes) == 1:
            mode = op.modes[0]
            machines[mode.resource].append(
                model.new_interval_var(start, mode.duration, end, f"i_{op.id}")
            )
            continue
        literals = []
        for k, mode in enumerate(op.modes):
            present = model.new_bool_var(f"p_{op.id}_{k}")
            interval = model.new_optional_interval_var(
                start, mode.duration, end, present, f"i_{op.id}_{k}"
            )
            machines[mode.resource].append(interval)
            literals.append(present)
        model.add_exactly_one(literals)
        chosen[op.id] = literals
    for intervals in machines.values():
        model.add_no_overlap(intervals)
    return starts, ends, chosen


def _permutation(
    model: cp_model.CpModel, problem: Problem, line: FlowLine, starts: Variables, ends: Variables
) -> None:
    """One circuit over the jobs (node 0: before the first and after the last): an arc i -> j
    puts j right after i on every machine of the line, its setup in between."""
    on: dict[tuple[str, str], str] = {}
    families: dict[str, str] = {}
    for op in problem.operations:
        if len(op.modes) != 1:
            raise NotImplementedError("a flow line with alternative machines")
        on[op.job, op.modes[0].resource] = op.id
        families[op.id] = op.modes[0].setup_family or ""
    jobs = [j.id for j in problem.jobs]
    tables = {
        r.id: {(c.from_family, c.to_family): c.time for c in r.changeovers}
        for r in problem.resources
        if r.id in line.resources
    }
    arcs = []
    for a, first in enumerate(jobs, 1):
        arcs.append((0, a, model.new_bool_var(f"first_{first}")))
        arcs.append((a, 0, model.new_bool_var(f"last_{first}")))
        for b, then in enumerate(jobs, 1):
            if a == b:
                continue
            arc = model.new_bool_var(f"{first}->{then}")
            arcs.append((a, b, arc))
            for resource in line.resources:
                i, j = on.get((first, resource)), on.get((then, resource))
                if i is None or j is None:
                    raise NotImplementedError("a flow line some job does not visit")
                gap = tables[resource].get((families[i], families[j]), 0)
                model.add(starts[j] >= ends[i] + gap).only_enforce_if(arc)
    model.add_circuit(arcs)


def _objective(model: cp_model.CpModel, problem: Problem, ends: Variables, horizon: int) -> None:
    terms = dict(problem.objective.terms)
    if set(terms) - {Term.makespan, Term.weighted_tardiness}:
        raise NotImplementedError("objectives other than makespan and weighted tardiness")
    by_job: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for op in problem.operations:
        by_job[op.job].append(ends[op.id])
    parts: list[cp_model.LinearExprT] = []
    if Term.makespan in terms:
        makespan = model.new_int_var(0, horizon, "makespan")
        model.add_max_equality(makespan, [e for es in by_job.values() for e in es])
        parts.append(terms[Term.makespan] * makespan)
    if Term.weighted_tardiness in terms:
        for job in problem.jobs:
            if job.due is None or not by_job[job.id]:
                continue
            done = model.new_int_var(0, horizon, f"c_{job.id}")
            model.add_max_equality(done, by_job[job.id])
            late = model.new_int_var(0, horizon, f"t_{job.id}")
            model.add(late >= done - job.due)
            parts.append(terms[Term.weighted_tardiness] * job.weight * late)
    model.minimize(sum(parts))
