"""The disjunctive graph of a plain shop: machine sequences, heads, tails, critical blocks.

When every resource is a plain machine (capacity 1, no calendar, no changeover) and the goal
is the makespan, a schedule is a mode and a machine position per operation, and its makespan
the longest path of this graph: what local search works on. Job shops and flexible job shops
are of this kind."""

from __future__ import annotations

import random
from dataclasses import dataclass
from graphlib import TopologicalSorter
from itertools import pairwise

from plantops.scheduling.evaluate import Solution, sequences
from plantops.scheduling.index import FS, Index
from plantops.scheduling.problem import Term

Links = tuple[list[int], list[int], list[int]]  # machine successors, predecessors, modes


@dataclass
class Graph:
    """The fixed part: modes, releases and routing arcs (with their lags)."""

    modes: list[list[tuple[int, int]]]  # (machine, duration) per mode
    release: list[int]
    jp: list[tuple[tuple[int, int], ...]]  # (predecessor, lag) per operation
    js: list[tuple[tuple[int, int], ...]]  # (successor, lag)
    machines: int
    rank: list[int]  # position in one topological order of the routing arcs


def shop_graph(idx: Index, sol: Solution | None = None) -> Graph | None:
    """The graph of the problem, or None when it is not a plain shop."""
    if [t for t, w in idx.terms if w] != [Term.makespan] or idx.lines or idx.pool_ids:
        return None
    if any(d is not None for d in idx.deadline) or any(f is not None for f in idx.fixed):
        return None
    for r in range(len(idx.res_ids)):
        if idx.capacity[r] != 1 or idx.calendar[r] is not None or idx.setup[r] is not None:
            return None
    jp: list[list[tuple[int, int]]] = [[] for _ in range(idx.n)]
    js: list[list[tuple[int, int]]] = [[] for _ in range(idx.n)]
    for a in range(idx.n):
        for arc in idx.succ[a]:
            if arc.kind != FS or arc.max_lag is not None or arc.min_lag < 0:
                return None
            jp[arc.other].append((a, arc.min_lag))
            js[a].append((arc.other, arc.min_lag))
    return Graph(
        modes=[[(r, d) for r, d, _ in modes] for modes in idx.modes],
        release=[idx.release[idx.op_job[o]] for o in range(idx.n)],
        jp=[tuple(x) for x in jp],
        js=[tuple(x) for x in js],
        machines=len(idx.res_ids),
        rank=_routing_rank(js, idx.n),
    )


def _routing_rank(js: list[list[tuple[int, int]]], n: int) -> list[int]:
    """A topological order of the routing arcs (validation has ruled out cycles)."""
    order = TopologicalSorter({o: [] for o in range(n)})
    for o, out in enumerate(js):
        for s, _ in out:
            order.add(s, o)
    rank = [0] * n
    for i, o in enumerate(order.static_order()):
        rank[o] = i
    return rank


class Shop:
    """Modes and machine sequences (linked lists: `ms`/`mp` next/previous, `first` per
    machine) with the heads `r` (earliest starts) and tails `q` (longest path after the end)
    they imply."""

    def __init__(self, idx: Index, graph: Graph, sol: Solution) -> None:
        self.idx, self.g, self.n = idx, graph, idx.n
        self.chain = all(len(x) <= 1 for x in graph.jp) and all(len(x) <= 1 for x in graph.js)
        self.js1 = [x[0][0] if x else -1 for x in graph.js]
        self.jl1 = [x[0][1] if x else 0 for x in graph.js]
        self.jp_count = [len(x) for x in graph.jp]
        self.jp1 = [x[0][0] if x else -1 for x in graph.jp]
        self.jpl1 = [x[0][1] if x else 0 for x in graph.jp]
        self._take(sol.mode)
        self.ms, self.mp = [-1] * self.n, [-1] * self.n
        self.first = [-1] * graph.machines
        for k, seq in enumerate(sequences(idx, sol)):
            self.first[k] = seq[0] if seq else -1
            for a, b in pairwise(seq):
                self.ms[a], self.mp[b] = b, a
        self.r: list[int] = []
        self.q: list[int] = []
        self.cmax = 0
        self.sinks: list[int] = []
        if not self.evaluate():
            raise ValueError("the schedule's sequences are cyclic")

    def links(self) -> Links:
        return self.ms[:], self.mp[:], self.mode[:]

    def restore(self, links: Links) -> None:
        self.ms, self.mp = links[0][:], links[1][:]
        self._take(links[2])
        self.first = [-1] * self.g.machines
        for o in range(self.n):
            if self.mp[o] < 0:
                self.first[self.mach[o]] = o
        self.evaluate()

    def arrange(self, mode: list[int], key: list[float]) -> None:
        """Take these modes and order every machine by `key`, which must rise along each
        routing arc (ties are broken by the routing's own order, see `Graph.rank`)."""
        self._take(mode)
        self.ms, self.mp = [-1] * self.n, [-1] * self.n
        self.first = [-1] * self.g.machines
        last = [-1] * self.g.machines
        rank = self.g.rank
        for o in sorted(range(self.n), key=lambda o: (key[o], rank[o])):
            k = self.mach[o]
            if last[k] < 0:
                self.first[k] = o
            else:
                self.ms[last[k]], self.mp[o] = o, last[k]
            last[k] = o
        if not self.evaluate():
            raise ValueError("the key does not follow the routings")

    def _take(self, mode: list[int]) -> None:
        """These modes, with the durations and machines they imply."""
        self.mode = mode[:]
        self.p = [self.g.modes[o][m][1] for o, m in enumerate(mode)]
        self.mach = [self.g.modes[o][m][0] for o, m in enumerate(mode)]

    # -- longest paths ---------------------------------------------------------------------

    def evaluate(self) -> bool:
        """Heads and tails by a topological sweep; False on a cycle."""
        order = self._heads_chain() if self.chain else self._heads()
        if order is None:
            return False
        p, ms = self.p, self.ms
        q = [0] * self.n
        if self.chain:  # the job shop case, kept free of calls
            js, jl = self.js1, self.jl1
            for o in reversed(order):
                s = js[o]
                v = jl[o] + p[s] + q[s] if s >= 0 else 0
                s = ms[o]
                if s >= 0 and p[s] + q[s] > v:
                    v = p[s] + q[s]
                q[o] = v
        else:
            for o in reversed(order):
                v = self.job_tail(o, q)
                s = ms[o]
                if s >= 0 and p[s] + q[s] > v:
                    v = p[s] + q[s]
                q[o] = v
        self.q = q
        ends = [a + b for a, b in zip(self.r, p, strict=True)]
        self.cmax = max(ends, default=0)
        self.sinks = [o for o, e in enumerate(ends) if e == self.cmax]
        return True

    def _heads_chain(self) -> list[int] | None:
        """Heads when every operation has at most one routing predecessor and successor."""
        p, ms, js, jl = self.p, self.ms, self.js1, self.jl1
        indeg = [a + (b >= 0) for a, b in zip(self.jp_count, self.mp, strict=True)]
        order = [o for o, d in enumerate(indeg) if not d]
        push = order.append
        r = self.g.release[:]
        for o in order:  # grows while iterating
            e = r[o] + p[o]
            s = js[o]
            if s >= 0:
                if e + jl[o] > r[s]:
                    r[s] = e + jl[o]
                if indeg[s] == 1:
                    push(s)
                else:
                    indeg[s] = 1
            s = ms[o]
            if s >= 0:
                if e > r[s]:
                    r[s] = e
                if indeg[s] == 1:
                    push(s)
                else:
                    indeg[s] = 1
        self.r = r
        return order if len(order) == self.n else None

    def _heads(self) -> list[int] | None:
        p, ms, g = self.p, self.ms, self.g
        indeg = [a + (b >= 0) for a, b in zip(self.jp_count, self.mp, strict=True)]
        order = [o for o, d in enumerate(indeg) if not d]
        push = order.append
        r = g.release[:]
        for o in order:  # grows while iterating
            e = r[o] + p[o]
            for s, lag in g.js[o]:
                if e + lag > r[s]:
                    r[s] = e + lag
                indeg[s] -= 1
                if not indeg[s]:
                    push(s)
            s = ms[o]
            if s >= 0:
                if e > r[s]:
                    r[s] = e
                indeg[s] -= 1
                if not indeg[s]:
                    push(s)
        self.r = r
        return order if len(order) == self.n else None

    def job_head(self, o: int) -> int:
        """Earliest start of o from its routing predecessors (and release) alone."""
        if self.chain:
            x = self.jp1[o]
            best = self.g.release[o]
            if x >= 0 and self.r[x] + self.p[x] + self.jpl1[o] > best:
                best = self.r[x] + self.p[x] + self.jpl1[o]
            return best
        best, r, p = self.g.release[o], self.r, self.p
        for x, lag in self.g.jp[o]:
            if r[x] + p[x] + lag > best:
                best = r[x] + p[x] + lag
        return best

    def job_tail(self, o: int, q: list[int] | None = None) -> int:
        """Longest path after o's end through its routing successors alone."""
        best, q, p = 0, q if q is not None else self.q, self.p
        if self.chain:
            s = self.js1[o]
            return self.jl1[o] + p[s] + q[s] if s >= 0 else 0
        for s, lag in self.g.js[o]:
            if lag + p[s] + q[s] > best:
                best = lag + p[s] + q[s]
        return best

    def critical_path(self, rng: random.Random) -> list[int]:
        """One critical path, walked back from its end through tight predecessors."""
        r, p, g, mp = self.r, self.p, self.g, self.mp
        o = rng.choice(self.sinks)
        path = [o]
        while True:
            cands = [a for a in (mp[o],) if a >= 0 and r[a] + p[a] == r[o]]
            cands += [x for x, lag in g.jp[o] if r[x] + p[x] + lag == r[o]]
            if not cands:
                break
            o = cands[0] if len(cands) == 1 else rng.choice(cands)
            path.append(o)
        path.reverse()
        return path

    def blocks(self, path: list[int]) -> list[list[int]]:
        """The path cut where it leaves a machine."""
        blocks, cur = [], [path[0]]
        for a, b in pairwise(path):
            if self.ms[a] == b:
                cur.append(b)
            else:
                blocks.append(cur)
                cur = [b]
        blocks.append(cur)
        return blocks

    def sequence(self, k: int) -> list[int]:
        out, o = [], self.first[k]
        while o >= 0:
            out.append(o)
            o = self.ms[o]
        return out

    # -- editing the sequences -------------------------------------------------------------

    def take_out(self, x: int) -> tuple[int, int]:
        """Unlink x from its machine; return its old neighbours for putting it back."""
        a, c = self.mp[x], self.ms[x]
        if a >= 0:
            self.ms[a] = c
        else:
            self.first[self.mach[x]] = c
        if c >= 0:
            self.mp[c] = a
        self.mp[x] = self.ms[x] = -1
        return a, c

    def put_after(self, x: int, y: int) -> None:
        c = self.ms[y]
        self.ms[y], self.mp[x], self.ms[x] = x, y, c
        if c >= 0:
            self.mp[c] = x

    def put_before(self, y: int, x: int) -> None:
        a = self.mp[x]
        if a >= 0:
            self.ms[a] = y
        else:
            self.first[self.mach[x]] = y
        self.mp[y], self.ms[y], self.mp[x] = a, x, y

    def put_first(self, x: int) -> None:
        c = self.first[self.mach[x]]
        self.mp[x], self.ms[x] = -1, c
        if c >= 0:
            self.mp[c] = x
        self.first[self.mach[x]] = x

    def set_mode(self, x: int, m: int) -> None:
        """Switch x (taken out) to mode m: its machine and duration change."""
        self.mode[x] = m
        self.mach[x], self.p[x] = self.g.modes[x][m]

    def put_back(self, x: int, mode: int, around: tuple[int, int]) -> None:
        self.take_out(x)
        self.set_mode(x, mode)
        a, c = around
        if a >= 0:
            self.put_after(x, a)
        elif c >= 0:
            self.put_before(x, c)
        else:
            self.put_first(x)

    def solution(self) -> Solution:
        """The current modes and sequences as a semi-active schedule."""
        r, p = self.r, self.p
        return Solution(self.mode[:], r[:], [s + d for s, d in zip(r, p, strict=True)])
