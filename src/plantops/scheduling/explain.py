"""Why is an order late? Walk back from its last operation through whatever fixed each start:
a predecessor (in the routing, or a component's order), the resource busy with another
operation, a calendar gap, a release date or a pool shortage."""

from __future__ import annotations

from itertools import pairwise

from plantops.scheduling.evaluate import Solution, lag_bounds, resource_of, sequences, share_offset
from plantops.scheduling.index import FS, Index
from plantops.scheduling.schedule import Cause, Explanation

MAX_JOBS = 50  # the latest ones; the rest follow the same pattern
MAX_CHAIN = 200


def explain(idx: Index, sol: Solution) -> tuple[Explanation, ...]:
    late = []
    for j, ops in enumerate(idx.job_ops):
        due = idx.due[j]
        if due is None or not ops:
            continue
        end = max(sol.end[o] for o in ops)
        if end > due:
            late.append((idx.weight[j] * (end - due), end - due, j))
    if not late:
        return ()
    walker = _Walker(idx, sol)
    late.sort(reverse=True)
    return tuple(walker.explain(j, lateness) for _, lateness, j in late[:MAX_JOBS])


class _Walker:
    def __init__(self, idx: Index, sol: Solution) -> None:
        self.idx, self.sol = idx, sol
        self.before: dict[int, int] = {}  # op -> the op just before it on its resource
        for seq in sequences(idx, sol):
            for a, b in pairwise(seq):
                self.before[b] = a
        self.pool_users: list[list[int]] = [[] for _ in idx.pool_ids]
        for o in range(idx.n):
            for pool, _ in idx.needs[o]:
                self.pool_users[pool].append(o)

    def explain(self, j: int, lateness: int) -> Explanation:
        idx, sol = self.idx, self.sol
        o = max(idx.job_ops[j], key=lambda o: sol.end[o])
        chain: list[Cause] = []
        seen: set[int] = set()
        waited: dict[int, int] = {}  # resource -> chain time spent on or waiting for it
        while o >= 0 and o not in seen and len(chain) < MAX_CHAIN:
            seen.add(o)
            cause, nxt = self._cause(o)
            chain.append(cause)
            if cause.kind == "resource":
                r = resource_of(idx, sol, o)
                waited[r] = waited.get(r, 0) + sol.end[nxt] - sol.start[nxt]
            o = nxt
        ranked = sorted(waited, key=lambda r: -waited[r])
        return Explanation(
            idx.job_ids[j], lateness, tuple(chain), tuple(idx.res_ids[r] for r in ranked)
        )

    def _cause(self, o: int) -> tuple[Cause, int]:
        """What fixed o's start, and the operation to look at next (-1: the chain ends)."""
        idx, sol = self.idx, self.sol
        s, name = sol.start[o], idx.op_ids[o]
        r = resource_of(idx, sol, o)
        lo, _, _ = lag_bounds(idx, sol, o)
        preds = sorted(idx.pred[o], key=lambda a: -sol.end[a.other])
        tight = [a.other for a in preds if lo == s and self._bound_by(o, a.other)]
        if tight:
            p = tight[0]
            kind = "component" if idx.op_job[p] != idx.op_job[o] else "precedence"
            return Cause(kind, name, f"waits for {idx.op_ids[p]} until {sol.end[p]}"), p
        prev = self.before.get(o, -1)
        if (
            prev >= 0
            and sol.end[prev] <= s <= sol.end[prev] + idx.max_setup(r)
            and sol.end[prev] > lo
        ):
            detail = (
                f"waits for {idx.res_ids[r]} busy with {idx.op_ids[prev]} until {sol.end[prev]}"
            )
            return Cause("resource", name, detail), prev
        for pool, _ in idx.needs[o]:
            for p in self.pool_users[pool]:
                if p != o and sol.end[p] == s:
                    return Cause(
                        "pool", name, f"waits for pool {idx.pool_ids[pool]} held by {idx.op_ids[p]}"
                    ), p
        release = idx.release[idx.op_job[o]]
        if s == release and not preds:
            return Cause("release", name, f"released at {release}"), -1
        cal = idx.calendar[r]
        if cal is not None and s > lo:
            nxt = preds[0].other if preds else -1
            return Cause("calendar", name, f"{idx.res_ids[r]} not available before {s}"), nxt
        if preds:
            p = preds[0].other
            return Cause("precedence", name, f"follows {idx.op_ids[p]} (ended {sol.end[p]})"), p
        return Cause("release", name, f"starts at {s}, released at {release}"), -1

    def _bound_by(self, o: int, p: int) -> bool:
        """Does the precedence from p alone put o's earliest start where it is?"""
        sol = self.sol
        for a in self.idx.pred[o]:
            if a.other != p:
                continue
            ref = (sol.end[p] if a.kind == FS else sol.start[p]) + a.min_lag
            if a.share is not None:
                span = sol.end[p] - sol.start[p]
                ref += share_offset(a.share.numerator, a.share.denominator, span)
            if ref == sol.start[o]:
                return True
        return False
