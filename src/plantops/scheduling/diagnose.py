"""Why a problem has no schedule, in words.

First the operations that can never run (no calendar interval long enough, a crew larger
than the pool ever has). Then CP-SAT on the problem without its hard limits (deadlines, max
lags, pins, horizon), each added back behind an assumption literal: the assumptions it
blames for the infeasibility name the limits that cannot all hold."""

from __future__ import annotations

import copy

from ortools.sat.python import cp_model

from plantops.scheduling.cpsat import Goal, Model
from plantops.scheduling.index import Arc, Index, derived_horizon

TIME_LIMIT = 2.0


def diagnose(idx: Index) -> str:
    return _impossible(idx) or _conflicting(idx)


def _impossible(idx: Index) -> str:
    for o in range(idx.n):
        reasons = []
        for r, d, _ in idx.modes[o]:
            cal = idx.calendar[r]
            if cal is None:
                continue
            if (idx.pause[o] and d > 0 and (not cal.cum_end or cal.cum_end[-1] < d)) or (
                not idx.pause[o] and not cal.fit_domain(d)
            ):
                reasons.append(f"fits in no available interval of {idx.res_ids[r]}")
        if len(reasons) == len(idx.modes[o]):
            return f"operation {idx.op_ids[o]} " + "; ".join(reasons)
        for pool, q in idx.needs[o]:
            most = max((a for _, _, a in idx.pool_steps[pool]), default=0)
            if most < q:
                name, op = idx.pool_ids[pool], idx.op_ids[o]
                return f"operation {op} needs {q} of pool {name}, which never has more than {most}"
    return ""


def _conflicting(idx: Index) -> str:
    relaxed = copy.copy(idx)
    relaxed.deadline = [None] * len(idx.job_ids)
    relaxed.fixed = [None] * idx.n
    relaxed.succ = [[_loose(a) for a in arcs] for arcs in idx.succ]
    relaxed.pred = [[_loose(a) for a in arcs] for arcs in idx.pred]
    relaxed.horizon = max(idx.horizon, derived_horizon(relaxed))
    md = Model(relaxed, Goal({}))
    limits: dict[int, str] = {}
    lits: list[cp_model.IntVar] = []

    def limit(text: str) -> cp_model.IntVar:
        lit = md.m.new_bool_var("")
        limits[lit.index] = text
        lits.append(lit)
        return lit

    for j, deadline in enumerate(idx.deadline):
        if deadline is not None:
            lit = limit(f"the deadline of job {idx.job_ids[j]} ({deadline})")
            for o in idx.job_ops[j]:
                md.m.add(md.end[o] <= deadline).only_enforce_if(lit)
    for a in range(idx.n):
        for arc in idx.succ[a]:
            if arc.max_lag is not None:
                lit = limit(
                    f"the max lag {idx.op_ids[a]} -> {idx.op_ids[arc.other]} ({arc.max_lag})"
                )
                ref = md.end[a] if arc.kind == 0 else md.start[a]
                md.m.add(md.start[arc.other] <= ref + arc.max_lag).only_enforce_if(lit)
    for o, fixed in enumerate(idx.fixed):
        if fixed is not None:
            lit = limit(f"operation {idx.op_ids[o]} pinned at {fixed[0]}")
            md.m.add(md.start[o] == fixed[0]).only_enforce_if(lit)
            for slot in md.slots[o]:
                if slot.mode == fixed[1]:
                    md.m.add_implication(lit, slot.lit)
    if idx.problem.horizon is not None:
        lit = limit(f"the horizon ({idx.horizon})")
        for o in range(idx.n):
            md.m.add(md.end[o] <= idx.horizon).only_enforce_if(lit)
    md.m.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT
    solver.parameters.num_workers = 1
    status = solver.solve(md.m)
    if status != cp_model.INFEASIBLE:
        return (
            "no schedule satisfies every constraint (the limits could not be singled out in time)"
        )
    blamed = [limits[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in limits]
    if not blamed:
        return "the resources, calendars and pools cannot host every operation in precedence order"
    return "these cannot all hold: " + "; ".join(blamed)


def _loose(arc: Arc) -> Arc:
    return Arc(arc.other, arc.kind, arc.min_lag, None, arc.share)
