"""Why a problem has no schedule, in words.

First the operations that can never run (no calendar interval long enough, a crew larger
than the pool ever has). Then CP-SAT on the problem without its hard limits (deadlines, max
lags, pins, horizon), each added back behind an assumption literal: the assumptions it
blames for the infeasibility name the limits that cannot all hold."""

from __future__ import annotations

import copy

from ortools.sat.python import cp_model

from plantops.scheduling.cpsat import Goal, Model
from plantops.scheduling.index import FS, Arc, Index, derived_horizon

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
    limits = _Limits(idx, Model(relaxed, Goal({})))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = TIME_LIMIT
    solver.parameters.num_workers = 1
    if solver.solve(limits.md.m) != cp_model.INFEASIBLE:
        return (
            "no schedule satisfies every constraint (the limits could not be singled out in time)"
        )
    core = solver.sufficient_assumptions_for_infeasibility()
    blamed = [limits.text[i] for i in core if i in limits.text]
    if not blamed:
        return "the resources, calendars and pools cannot host every operation in precedence order"
    return "these cannot all hold: " + "; ".join(blamed)


class _Limits:
    """The hard limits put back into the relaxed model, each behind an assumption."""

    def __init__(self, idx: Index, md: Model) -> None:
        self.idx, self.md = idx, md
        self.text: dict[int, str] = {}
        self.lits: list[cp_model.IntVar] = []
        self._deadlines()
        self._lags()
        self._pins()
        if idx.problem.horizon is not None:
            lit = self._limit(f"the horizon ({idx.horizon})")
            for o in range(idx.n):
                md.m.add(md.end[o] <= idx.horizon).only_enforce_if(lit)
        md.m.add_assumptions(self.lits)

    def _limit(self, text: str) -> cp_model.IntVar:
        lit = self.md.m.new_bool_var("")
        self.text[lit.index] = text
        self.lits.append(lit)
        return lit

    def _deadlines(self) -> None:
        idx, md = self.idx, self.md
        for j, deadline in enumerate(idx.deadline):
            if deadline is not None:
                lit = self._limit(f"the deadline of job {idx.job_ids[j]} ({deadline})")
                for o in idx.job_ops[j]:
                    md.m.add(md.end[o] <= deadline).only_enforce_if(lit)

    def _lags(self) -> None:
        idx, md = self.idx, self.md
        for a in range(idx.n):
            for arc in idx.succ[a]:
                if arc.max_lag is None:
                    continue
                b = arc.other
                lit = self._limit(f"the max lag {idx.op_ids[a]} -> {idx.op_ids[b]} ({arc.max_lag})")
                ref = md.end[a] if arc.kind == FS else md.start[a]
                num, den = (arc.share.numerator, arc.share.denominator) if arc.share else (0, 1)
                bound = den * ref + num * (md.end[a] - md.start[a]) + den * arc.max_lag
                md.m.add(den * md.start[b] <= bound).only_enforce_if(lit)

    def _pins(self) -> None:
        idx, md = self.idx, self.md
        for o, fixed in enumerate(idx.fixed):
            if fixed is not None:
                lit = self._limit(f"operation {idx.op_ids[o]} pinned at {fixed[0]}")
                md.m.add(md.start[o] == fixed[0]).only_enforce_if(lit)
                for slot in md.slots[o]:
                    if slot.mode == fixed[1]:
                        md.m.add_implication(lit, slot.lit)


def _loose(arc: Arc) -> Arc:
    return Arc(arc.other, arc.kind, arc.min_lag, None, arc.share)
