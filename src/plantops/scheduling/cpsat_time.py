"""Time-varying availability in the CP-SAT model: pools, pausing operations, pinned ones."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from plantops.scheduling.calendars import Calendar
from plantops.scheduling.evaluate import span_end
from plantops.scheduling.problem import Time

if TYPE_CHECKING:
    from plantops.scheduling.cpsat import Model

FROZEN = 2


def add_pools(md: Model) -> None:
    """A cumulative per pool: its top level as capacity, fixed demands down to the profile."""
    idx = md.idx
    users: list[list[tuple[int, int]]] = [[] for _ in idx.pool_ids]
    for o in range(idx.n):
        if md.kind[o] == FROZEN and not md.near(o):
            continue  # outside the window anything unfrozen moves in
        for pool, q in idx.needs[o]:
            users[pool].append((o, q))
    for pool, ops in enumerate(users):
        if all(md.kind[o] == FROZEN and idx.fixed[o] is None for o, _ in ops):
            continue  # nobody moves, nobody pinned: the incumbent already fits
        steps = idx.pool_steps[pool]
        top = max((q for _, _, q in steps), default=0)
        ivs, demands = [], []
        for o, q in ops:
            ivs.append(md.op_interval(o))
            demands.append(q)
        floor, ceiling = md.scope.floor, md.scope.ceiling
        for a, b, short in shortfalls(steps, top, md.h + 1):
            if b <= floor or (ceiling is not None and a >= ceiling):
                continue  # nothing unfrozen runs then
            ivs.append(md.m.new_fixed_size_interval_var(a, b - a, ""))
            demands.append(short)
        md.m.add_cumulative(ivs, demands, top)


def pinned_end(md: Model, o: int, mode: int, s: Time) -> Time:
    """End of a pinned operation; the model is made infeasible when the pin itself breaks
    the calendar, the release, a deadline or the horizon (the diagnosis names it)."""
    idx = md.idx
    end = span_end(idx, o, mode, s)
    j = idx.op_job[o]
    deadline = idx.deadline[j]
    limit = md.h if deadline is None else min(md.h, deadline)
    if end is None or s < idx.release[j] or end > limit:
        md.m.add_bool_or([])
    return end if end is not None else s + idx.modes[o][mode][1]


def shortfalls(
    steps: list[tuple[Time, Time, int]], top: int, until: Time
) -> list[tuple[Time, Time, int]]:
    """Fixed demands that bring a pool's constant capacity `top` down to its profile."""
    out, t = [], 0
    for a, b, q in steps:
        if a > t:
            out.append((t, a, top))
        if q < top:
            out.append((max(a, t), b, top - q))
        t = max(t, b)
    if until > t:
        out.append((t, until, top))
    return [(a, b, q) for a, b, q in out if b > a and q > 0]


def pause_end(
    model: Model,
    cal: Calendar,
    s: cp_model.IntVar,
    d: Time,
    window: tuple[Time, Time],
    o: int,
    when: list[cp_model.IntVar],
) -> cp_model.IntVar | None:
    """End variable of d units of work from s over the calendar's breaks: s in an available
    interval i, the end in interval j >= i, end = s + d + (gaps between i and j), all of it
    only `when` the mode is chosen (an alternative that cannot fit is ruled out, the model
    stays feasible). Only the intervals of the `window` (lo, hi) enter the model: a plant's
    calendar over a year has hundreds, and every one would cost each pausing operation its
    own literals."""
    lo, hi = window
    if not cal.cum_end or cal.cum_end[-1] < d:
        return None
    first = bisect_right(cal.u_ends, lo)  # the first interval that can hold the start
    last = max(first + 1, bisect_left(cal.u_starts, hi))  # past the last that can hold the end
    starts, ends, gaps = cal.u_starts[first:last], cal.u_ends[first:last], cal.gap[first:last]
    if not starts:
        return None
    m = model.m
    k = len(starts)
    i, j = m.new_int_var(0, k - 1, ""), m.new_int_var(0, k - 1, "")
    e = m.new_int_var(0, max(hi, cal.end), "")
    a_i, b_i, g_i = (m.new_int_var(-(1 << 40), 1 << 40, "") for _ in range(3))
    a_j, b_j, g_j = (m.new_int_var(-(1 << 40), 1 << 40, "") for _ in range(3))
    for index, target, values in (
        (i, a_i, starts), (i, b_i, ends), (i, g_i, gaps),
        (j, a_j, starts), (j, b_j, ends), (j, g_j, gaps),
    ):  # fmt: skip
        m.add_element(index, values, target)
    for constraint in (s >= a_i, s <= b_i - 1, e >= a_j + 1, e <= b_j, j >= i):
        m.add(constraint).only_enforce_if(when)
    m.add(e == s + d + g_j - g_i).only_enforce_if(when)
    if model.inc is not None and model.inc.end[o] > model.inc.start[o]:
        start_at = bisect_right(ends, model.inc.start[o])
        end_at = bisect_right(ends, model.inc.end[o] - 1)
        if end_at < k:  # the incumbent lies inside the window: hint where it stands
            m.add_hint(i, start_at)
            m.add_hint(j, end_at)
            m.add_hint(e, model.inc.end[o])
    return e
