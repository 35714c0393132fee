"""The objective of a schedule, computed from its assignments alone (never the solver's
figure): each term, then the weighted combination."""

from __future__ import annotations

from plantops.scheduling.checker.placement import Placed, completions, place
from plantops.scheduling.checker.rules import on_resources, setups
from plantops.scheduling.problem import Problem, Term
from plantops.scheduling.schedule import Schedule


def term_values(problem: Problem, schedule: Schedule) -> dict[Term, int]:
    """The value of every term, over the validly assigned operations."""
    placed = place(problem, schedule, [])
    done = completions(placed)
    jobs = [job for job in problem.jobs if job.id in done]
    lateness = [(job.weight, done[job.id] - job.due) for job in jobs if job.due is not None]
    by_resource = on_resources(placed)
    changeovers = (setups(r, by_resource.get(r.id, [])) for r in problem.resources)
    return {
        Term.makespan: max(done.values(), default=0),
        Term.weighted_tardiness: sum(weight * max(0, late) for weight, late in lateness),
        Term.late_jobs: sum(weight for weight, late in lateness if late > 0),
        Term.setup_time: sum(time for pairs in changeovers for _, _, time in pairs),
        Term.flow_time: sum(done[job.id] - job.release for job in jobs),
        Term.deviation: _deviation(problem, placed),
    }


def objective_value(problem: Problem, schedule: Schedule) -> int:
    """The weighted sum of the objective's terms (a lexicographic objective too)."""
    values = term_values(problem, schedule)
    return sum(weight * values[term] for term, weight in problem.objective.terms)


def _deviation(problem: Problem, placed: dict[str, Placed]) -> int:
    total = 0
    for before in problem.previous:
        now = placed.get(before.operation)
        if now is not None:
            total += abs(now.start - before.start)
            total += problem.objective.move_penalty if now.resource != before.resource else 0
    return total
