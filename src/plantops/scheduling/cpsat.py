"""The CP-SAT model of a problem, or of one large-neighbourhood-search window of it.

Every operation is a start variable and one optional interval per allowed mode. What a
`Scope` does not free stays as in the incumbent: "floating" operations keep their mode and
their order on the resource but may shift in time; "frozen" ones are constants. Pinned
operations are always frozen. No CP-SAT type leaves this package."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from plantops.scheduling import cpsat_objective, cpsat_sequence, cpsat_time
from plantops.scheduling.cpsat_sequence import require
from plantops.scheduling.evaluate import Solution
from plantops.scheduling.index import FS, Index, pauses_over_calendars
from plantops.scheduling.problem import Term, Time

FREE, FLOAT, FROZEN = 0, 1, 2
Expr = cp_model.LinearExpr | int
Lit = cp_model.IntVar | bool


@dataclass
class Scope:
    """What a sub-model may change: `free` operations anything, `frozen` ones nothing, the
    rest (floating) only their time. `floor`: nothing unfrozen starts before it; `ceiling`:
    nothing unfrozen ends after it, so frozen operations beyond it stay out of the model and a
    pausing operation's calendar enters it only between the two."""

    free: set[int] | None = None  # None: every operation
    frozen: set[int] = field(default_factory=set)
    floor: Time = 0
    ceiling: Time | None = None


@dataclass
class Goal:
    """Minimise the weighted sum of terms, each term held at or below its bound."""

    weights: dict[Term, int]
    bounds: dict[Term, int] = field(default_factory=dict)


@dataclass
class Slot:
    """One mode an operation may take in the model, on resource r."""

    op: int
    mode: int
    r: int
    lit: Lit  # presence; True for a single or fixed mode
    interval: cp_model.IntervalVar | None


class OutOfTime(Exception):
    """The model could not be built by its deadline (changeovers on a resource with hundreds
    of operations take a literal per pair: seconds of Python before CP-SAT starts)."""


class Model:
    def __init__(
        self,
        idx: Index,
        goal: Goal,
        *,
        incumbent: Solution | None = None,
        scope: Scope | None = None,
        horizon: Time | None = None,
        deadline: float | None = None,
    ) -> None:
        """Raises OutOfTime once `deadline` (time.monotonic()) passes before the model is
        built: the search that asked for it has no time left to run it."""
        self.idx, self.goal, self.inc = idx, goal, incumbent
        self.deadline = deadline
        self.scope = scope or Scope()
        self.h = horizon if horizon is not None else idx.horizon
        regular = Term.deviation not in goal.weights  # else later may be better
        if (
            horizon is None
            and incumbent is not None
            and idx.n
            and regular
            and pauses_over_calendars(idx)
        ):
            # nothing need end after the schedule being improved: it stays feasible, and the
            # calendar intervals each pausing operation's window holds stay few
            self.h = min(self.h, max(incumbent.end))
        self.m = cp_model.CpModel()
        self.kind = [self._kind(o) for o in range(idx.n)]
        self.start: list[Expr] = [0] * idx.n
        self.end: list[Expr] = [0] * idx.n
        self.slots: list[list[Slot]] = [[] for _ in range(idx.n)]
        self.by_res: list[list[Slot]] = [[] for _ in idx.res_ids]
        self.span: list[cp_model.IntervalVar | None] = [None] * idx.n
        self.frozen_by_res: list[list[int]] = [[] for _ in idx.res_ids]
        for o in range(idx.n):
            self._operation(o)
            self.in_time()
        self._precedences()
        self._resources()
        self.in_time()
        cpsat_time.add_pools(self)
        cpsat_sequence.add_chains(self)
        self.in_time()
        cpsat_sequence.add_lines(self)
        self.setup_cost = cpsat_sequence.add_changeovers(self)
        self.terms = cpsat_objective.add_objective(self)
        self.in_time()

    def in_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise OutOfTime

    # -- operations -------------------------------------------------------------------------

    def _kind(self, o: int) -> int:
        if self.idx.fixed[o] is not None or o in self.scope.frozen:
            return FROZEN
        free = self.scope.free
        return FREE if free is None or o in free or self.inc is None else FLOAT

    def hint(self, var: cp_model.IntVar, value: int) -> None:
        if self.inc is not None:
            self.m.add_hint(var, value)

    def _operation(self, o: int) -> None:
        idx = self.idx
        if self.kind[o] == FROZEN:
            fixed = idx.fixed[o]
            sol = self.inc
            if fixed is not None:
                s, mode = fixed
                e = cpsat_time.pinned_end(self, o, mode, s)
            else:
                assert sol is not None
                s, mode, e = sol.start[o], sol.mode[o], sol.end[o]
            self.start[o], self.end[o] = s, e
            r = idx.modes[o][mode][0]
            self.slots[o].append(Slot(o, mode, r, True, None))
            self.frozen_by_res[r].append(o)
            return
        j = idx.op_job[o]
        lo = max(idx.release[j], self.scope.floor)
        deadline = idx.deadline[j]
        hi = self.h if deadline is None else min(self.h, deadline)
        if self.scope.ceiling is not None:
            hi = min(hi, self.scope.ceiling)
        inc = self.inc
        modes = [inc.mode[o]] if self.kind[o] == FLOAT and inc else range(len(idx.modes[o]))
        mins = min(idx.modes[o][k][1] for k in modes)
        start = self.m.new_int_var(lo, max(lo, hi - mins), "")  # empty ranges: see below
        self.start[o] = start
        if inc is not None:
            self.m.add_hint(start, inc.start[o])
        ends: list[tuple[int, Expr]] = []
        single = len(modes) == 1
        for k in modes:
            lit: Lit = True if single else self.m.new_bool_var("")
            end = self._mode(o, k, start, lit, lo, hi)
            if end is None:  # the calendar can never host this mode
                self.m.add_bool_or([] if lit is True else [lit.Not()])  # type: ignore[union-attr]
                continue
            if isinstance(lit, cp_model.IntVar) and inc is not None:
                self.m.add_hint(lit, inc.mode[o] == k)
            ends.append((k, end))
        if not ends:
            self.end[o] = start + mins
        elif single:
            self.end[o] = ends[0][1]
        else:
            self.m.add_exactly_one(s.lit for s in self.slots[o])
            self.end[o] = self._joint_end(o, start, ends, hi)
        require(self.m, self.end[o] <= hi)  # deadline and horizon, whatever the mode

    def _mode(
        self, o: int, k: int, start: cp_model.IntVar, lit: Lit, lo: Time, hi: Time
    ) -> Expr | None:
        """Constrain one mode of o (when `lit` holds); return its end, or None if impossible."""
        r, d, _ = self.idx.modes[o][k]
        cal = self.idx.calendar[r]
        m = self.m
        if cal is not None and self.idx.pause[o] and d > 0:
            s = start if lit is True else m.new_int_var(lo, hi, "")
            if lit is not True:
                m.add(s == start).only_enforce_if(lit)
            when = [lit] if isinstance(lit, cp_model.IntVar) else []
            e = cpsat_time.pause_end(self, cal, s, d, (lo, hi), o, when)
            if e is None:
                return None
            size = m.new_int_var(d, max(d, hi), "")  # span: the work plus the breaks
            m.add(size == e - s).only_enforce_if(when)
            iv = m.new_optional_interval_var(s, size, e, lit, "")
            self._slot(Slot(o, k, r, lit, iv))
            return e
        if cal is not None:
            ranges = cal.fit_domain(d)
            if not ranges:
                return None
            allowed = cp_model.Domain.from_intervals([[a, b] for a, b in ranges])
            m.add_linear_expression_in_domain(start, allowed).only_enforce_if(lit)
        iv = m.new_optional_fixed_size_interval_var(start, d, lit, "")
        self._slot(Slot(o, k, r, lit, iv))
        return start + d

    def _slot(self, slot: Slot) -> None:
        self.slots[slot.op].append(slot)
        self.by_res[slot.r].append(slot)

    def _joint_end(
        self, o: int, start: cp_model.IntVar, ends: list[tuple[int, Expr]], hi: Time
    ) -> Expr:
        """The end of a multi-mode operation: start + d when every mode takes d, otherwise a
        variable (interval ends must be affine) tied to the chosen mode's end."""
        pause = any(isinstance(e, cp_model.IntVar) for _, e in ends)
        durs = [self.idx.modes[o][k][1] for k, _ in ends]
        if not pause and len(set(durs)) == 1:
            return start + durs[0]
        end = self.m.new_int_var(0, hi, "")
        if not pause:
            base = min(durs)
            extra = [
                (d - base) * s.lit for d, s in zip(durs, self.slots[o], strict=True) if d != base
            ]
            self.m.add(end == start + base + sum(extra))
        else:
            for slot, (_, e) in zip(self.slots[o], ends, strict=True):
                self.m.add(end == e).only_enforce_if(slot.lit)
        if self.inc is not None:
            self.m.add_hint(end, self.inc.end[o])
        return end

    # -- constraints between operations ----------------------------------------------------

    def _precedences(self) -> None:
        idx, m = self.idx, self.m
        for a in range(idx.n):
            for arc in idx.succ[a]:
                b = arc.other
                both = self.kind[a] == FROZEN and self.kind[b] == FROZEN
                if both and (idx.fixed[a] is None or idx.fixed[b] is None):
                    continue  # from the incumbent, which keeps every precedence
                ref = self.end[a] if arc.kind == FS else self.start[a]
                den = 1
                if arc.share is not None:
                    den = arc.share.denominator
                    ref = den * ref + arc.share.numerator * (self.end[a] - self.start[a])
                    require(m, self.end[b] >= self.end[a])
                require(m, den * self.start[b] >= ref + den * arc.min_lag)
                if arc.max_lag is not None:
                    require(m, den * self.start[b] <= ref + den * arc.max_lag)

    def _resources(self) -> None:
        for r, slots in enumerate(self.by_res):
            pinned = any(self.idx.fixed[o] is not None for o in self.frozen_by_res[r])
            if not slots and not pinned:
                continue  # only incumbent operations, which do not overlap
            ivs = [s.interval for s in slots if s.interval is not None] + self._frozen_on(r)
            if self.idx.capacity[r] == 1:
                self.m.add_no_overlap(ivs)
            else:
                self.m.add_cumulative(ivs, [1] * len(ivs), self.idx.capacity[r])

    def _frozen_on(self, r: int) -> list[cp_model.IntervalVar]:
        """Intervals of frozen operations on r that can still meet an unfrozen one."""
        return [self.op_interval(o) for o in self.frozen_near(r)]

    def frozen_near(self, r: int) -> list[int]:
        """Frozen operations on r within a changeover of the unfrozen ones' time window."""
        setup = self.idx.max_setup(r)
        return [o for o in self.frozen_by_res[r] if self.near(o, setup)]

    def near(self, o: int, margin: Time = 0) -> bool:
        """Whether frozen o lies within `margin` of the window unfrozen operations move in
        (a pinned one always counts: pins are checked)."""
        if self.idx.fixed[o] is not None:
            return True
        ceiling = self.scope.ceiling
        start, end = self.start[o], self.end[o]
        assert isinstance(start, int) and isinstance(end, int)
        return end > self.scope.floor - margin and (ceiling is None or start < ceiling + margin)

    def op_interval(self, o: int) -> cp_model.IntervalVar:
        """The whole span of o (breaks included): what a pool or a frozen neighbour sees."""
        span = self.span[o]
        if span is None:
            s, e = self.start[o], self.end[o]
            if isinstance(s, int) and isinstance(e, int):
                span = self.m.new_fixed_size_interval_var(s, e - s, "")
            else:
                size = self.m.new_int_var(0, self.h, "")
                self.m.add(size == e - s)
                span = self.m.new_interval_var(s, size, e, "")
            self.span[o] = span
        return span

    # -- reading a solution ------------------------------------------------------------------

    def solution(self, solver: cp_model.CpSolver) -> Solution:
        idx = self.idx
        sol = Solution([0] * idx.n, [0] * idx.n, [0] * idx.n)
        for o in range(idx.n):
            sol.start[o] = int(solver.value(self.start[o]))
            sol.end[o] = int(solver.value(self.end[o]))
            slots = self.slots[o]
            chosen = (
                slots[0]
                if len(slots) == 1
                else next(s for s in slots if solver.boolean_value(s.lit))
            )
            sol.mode[o] = chosen.mode
        return sol
