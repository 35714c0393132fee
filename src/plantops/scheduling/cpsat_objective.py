"""Objective terms of the CP-SAT model, each a linear expression over the model's variables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from plantops.scheduling.evaluate import job_end
from plantops.scheduling.problem import Term

if TYPE_CHECKING:
    from plantops.scheduling.cpsat import Model

Expr = cp_model.LinearExpr | int
JOB_TERMS = {Term.makespan, Term.weighted_tardiness, Term.late_jobs, Term.flow_time}


def add_objective(md: Model) -> dict[Term, Expr]:
    """Build every term the goal weighs or bounds, minimise the weighted sum, apply bounds."""
    wanted = set(md.goal.weights) | set(md.goal.bounds)
    ends = _job_ends(md) if wanted & JOB_TERMS else []
    terms: dict[Term, Expr] = {}
    for term in wanted:
        if term == Term.makespan:
            terms[term] = _makespan(md, ends)
        elif term == Term.weighted_tardiness:
            terms[term] = _tardiness(md, ends)
        elif term == Term.late_jobs:
            terms[term] = _late(md, ends)
        elif term == Term.flow_time:
            terms[term] = sum(c - r for c, r in zip(ends, md.idx.release, strict=True))
        elif term == Term.setup_time:
            terms[term] = md.setup_cost
        else:
            terms[term] = _deviation(md)
    objective = sum(w * terms[t] for t, w in md.goal.weights.items() if w)
    md.m.minimize(objective)
    for term, bound in md.goal.bounds.items():
        value = terms[term]
        if isinstance(value, int):
            if value > bound:
                md.m.add_bool_or([])
        else:
            md.m.add(value <= bound)
    return terms


def _var(md: Model, lo: int, hi: int, hint: int | None) -> cp_model.IntVar:
    var = md.m.new_int_var(lo, max(lo, hi), "")
    if hint is not None:
        md.m.add_hint(var, hint)
    return var


def _job_ends(md: Model) -> list[Expr]:
    idx, inc = md.idx, md.inc
    out: list[Expr] = []
    for j, ops in enumerate(idx.job_ops):
        moving = [o for o in ops if not isinstance(md.end[o], int)]
        fixed_end = max([idx.release[j]] + [md.end[o] for o in ops if isinstance(md.end[o], int)])
        if not moving:
            out.append(fixed_end)
            continue
        hint = job_end(idx, inc, j) if inc is not None else None
        c = _var(md, max(fixed_end, idx.release[j]), md.h, hint)  # type: ignore[arg-type]
        md.m.add_max_equality(c, [fixed_end] + [md.end[o] for o in moving])
        out.append(c)
    return out


def _makespan(md: Model, ends: list[Expr]) -> Expr:
    constants = [c for c in ends if isinstance(c, int)]
    variables = [c for c in ends if not isinstance(c, int)]
    if not variables:
        return max(constants, default=0)
    inc = md.inc
    span = _var(md, max(constants, default=0), md.h, max(inc.end, default=0) if inc else None)
    md.m.add_max_equality(span, [max(constants), *variables] if constants else variables)
    return span


def _due(md: Model, ends: list[Expr]) -> Iterator[tuple[int, Expr, int]]:
    """(job, its end, its due date) for every job with a due date that weighs something."""
    for j, c in enumerate(ends):
        due = md.idx.due[j]
        if due is not None and md.idx.weight[j]:
            yield j, c, due


def _tardiness(md: Model, ends: list[Expr]) -> Expr:
    idx, inc = md.idx, md.inc
    parts: list[Expr] = []
    for j, c, due in _due(md, ends):
        if isinstance(c, int):
            parts.append(idx.weight[j] * max(0, c - due))
            continue
        hint = max(0, job_end(idx, inc, j) - due) if inc is not None else None
        late = _var(md, 0, md.h, hint)
        md.m.add_max_equality(late, [0, c - due])
        parts.append(idx.weight[j] * late)
    return sum(parts)


def _late(md: Model, ends: list[Expr]) -> Expr:
    idx, inc = md.idx, md.inc
    parts: list[Expr] = []
    for j, c, due in _due(md, ends):
        if isinstance(c, int):
            parts.append(idx.weight[j] * int(c > due))
            continue
        flag = md.m.new_bool_var("")
        if inc is not None:
            md.m.add_hint(flag, job_end(idx, inc, j) > due)
        md.m.add(c <= due).only_enforce_if(flag.Not())
        parts.append(idx.weight[j] * flag)
    return sum(parts)


def _deviation(md: Model) -> Expr:
    idx, inc = md.idx, md.inc
    parts: list[Expr] = []
    for o, prev in enumerate(idx.previous):
        if prev is None:
            continue
        was, res = prev
        s = md.start[o]
        if isinstance(s, int):
            parts.append(abs(s - was))
        else:
            hint = abs(inc.start[o] - was) if inc is not None else None
            shift = _var(md, 0, max(md.h, was), hint)
            md.m.add(shift >= s - was)
            md.m.add(shift >= was - s)
            parts.append(shift)
        if idx.move_penalty:
            stays = [slot.lit for slot in md.slots[o] if slot.r == res]
            if any(lit is True for lit in stays):
                continue
            parts.append(idx.move_penalty * (1 - sum(stays)))
    return sum(parts)
