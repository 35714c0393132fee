"""Tabu search on the modes and machine sequences of a plain shop (see shopgraph), for the
makespan.

Each step takes one critical path and the moves that can shorten it: an operation of a block
moved to its front or its end, the first or last one moved inside (the N7 neighbourhood of
Zhang et al.), and, in flexible shops, a critical operation moved to another of its machines
at the best place there (after Mastrolilli & Gambardella). Each move is rated from heads and
tails without re-scheduling (Balas & Vazacopoulos); the best one that is not tabu is made, and
re-creating what it undid is forbidden for a while. When the search stalls it jumps back to
an elite schedule (the best of each stretch between restarts), shaken by a few random moves
among the least damaging ones, or to a child of two elite schedules (a step of path
relinking between them). Pure Python, thousands of moves a second: it polishes
sequences, where CP-SAT is strong at proving and at large reshuffles."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from plantops.scheduling.evaluate import Solution
from plantops.scheduling.index import Index
from plantops.scheduling.shopgraph import Graph, Links, Shop, shop_graph

__all__ = ["Tabu", "shop_graph"]

# (x, y, after, segment before, segment after): x right after (or before) y on its machine;
# or (x, mode, place, [], []) with after = None: x to another machine, after `place` (-1: first)
Move = tuple[int, int, bool | None, list[int], list[int]]
REASSIGN_SAMPLE = 24  # (critical operation, other machine) pairs tried per step
HAND_OUT = 0.05  # seconds between handing improvements out
ELITE = 6  # schedules kept to restart from
CROSS = 0.5  # share of restarts from a child of two elite schedules
_NEVER = 1 << 62
SHAKE = 3  # a restart's random moves come from the best third
STALL = 3000  # steps without a new best before a restart (at least 10 per operation)


class Tabu:
    def __init__(self, idx: Index, graph: Graph, sol: Solution, seed: int) -> None:
        self.idx, self.g = idx, graph
        self.shop = Shop(idx, graph, sol)
        self.rng = random.Random(seed)
        self.flexible = any(len(m) > 1 for m in graph.modes)
        self.best = self.shop.cmax
        self.best_links = self.shop.links()
        self.best_solution = sol
        self.cycle = (self.best, self.best_links)  # the best of the stretch since the restart
        self.elite: list[tuple[int, Links]] = []
        self.fails = 0
        self.tabu: dict[tuple[int, int], int] = {}  # (a, b): a may not precede b until then
        self.banned: dict[tuple[int, int], int] = {}  # (op, mode) it just left
        self.tenure = 2 + idx.n // max(1, 4 * len(idx.res_ids))  # short: the moves are many

    def load(self, sol: Solution) -> None:
        """Continue from `sol`: another search found better."""
        self.shop = Shop(self.idx, self.g, sol)
        self.best, self.best_links, self.best_solution = self.shop.cmax, self.shop.links(), sol
        self.cycle, self.elite, self.fails = (self.best, self.best_links), [], 0
        self.tabu.clear()
        self.banned.clear()

    def run(
        self,
        until: float,
        stop: Callable[[], bool],
        improved: Callable[[Solution], object],
        fetch: Callable[[int], Solution | None] = lambda best: None,
    ) -> int:
        """Search until the wall clock reaches `until` or `stop()`; hand each new best out
        and, every so often, take over a better one `fetch(own best)` returns."""
        it = last = 0
        stall = max(STALL, 10 * self.shop.n)
        pending, handed = False, time.monotonic()
        while True:
            it += 1
            if pending and time.monotonic() - handed > HAND_OUT:  # not every step: big shops
                improved(self.best_solution)
                pending, handed = False, time.monotonic()
            if (it % 32 == 0 or self.shop.n > 5000) and (time.monotonic() >= until or stop()):
                break
            if it % 512 == 0 and (better := fetch(self.best)) is not None:
                self.load(better)
                pending, last = False, it
            move = self._pick(it)
            if move is None:
                break  # nothing to reorder: the makespan is a chain of precedences
            if not self._apply(move, it):
                continue
            if self.shop.cmax < self.cycle[0]:
                self.cycle = (self.shop.cmax, self.shop.links())
            if self.shop.cmax < self.best:
                self.best, self.best_links, last = self.shop.cmax, self.shop.links(), it
                self.best_solution, pending, self.fails = self.shop.solution(), True, 0
            elif it - last > stall:
                self._restart()
                last = it
        if pending:
            improved(self.best_solution)
        return it

    # -- neighbourhood ----------------------------------------------------------------------

    def _moves(self, path: list[int]) -> list[Move]:
        out: list[Move] = []
        for b in self.shop.blocks(path):
            k = len(b) - 1
            for j in range(1, k + 1):  # to the front
                out.append((b[j], b[0], False, b[: j + 1], [b[j], *b[:j]]))
            for i in range(1, k):  # to the end
                out.append((b[i], b[k], True, b[i:], [*b[i + 1 :], b[i]]))
            for j in range(1, k):  # the first inside, the last inside
                out.append((b[0], b[j], True, b[: j + 1], [*b[1 : j + 1], b[0]]))
                out.append((b[k], b[j], False, b[j:], [b[k], *b[j:k]]))
            if k >= 1:
                out.append((b[0], b[k], True, b, [*b[1:], b[0]]))
        return out

    def _feasible(self, move: Move) -> bool:
        """Balas & Vazacopoulos: moving x after y cannot close a cycle when y's tail is at
        least that of every routing successor of x (and symmetrically with heads)."""
        x, y, after, _, _ = move
        s, p, g = self.shop, self.shop.p, self.g
        if s.chain:  # one routing neighbour at most: no generator
            t = s.js1[x] if after else s.jp1[x]
            if t < 0:
                return True
            return s.q[y] + p[y] >= s.q[t] + p[t] if after else s.r[y] + p[y] >= s.r[t] + p[t]
        if after:
            return all(s.q[y] + p[y] >= s.q[t] + p[t] for t, _ in g.js[x])
        return all(s.r[y] + p[y] >= s.r[t] + p[t] for t, _ in g.jp[x])

    def _estimate(self, old: list[int], new: list[int]) -> int:
        """Longest path through the reordered segment, from the old heads and tails."""
        s, p = self.shop, self.shop.p
        a, c = s.mp[old[0]], s.ms[old[-1]]
        end = s.r[a] + p[a] if a >= 0 else 0
        heads = []
        for o in new:
            h = s.job_head(o)
            if end > h:
                h = end
            heads.append(h)
            end = h + p[o]
        tail = p[c] + s.q[c] if c >= 0 else 0
        best = 0
        for o, h in zip(reversed(new), reversed(heads), strict=True):
            t = s.job_tail(o)
            if tail > t:
                t = tail
            if h + p[o] + t > best:
                best = h + p[o] + t
            tail = t + p[o]
        return best

    def _reassignments(self, path: list[int]) -> list[tuple[Move, int]]:
        """Critical operations on another machine, at the best place there."""
        shop, g = self.shop, self.g
        r, q, p = shop.r, shop.q, shop.p
        out: list[tuple[Move, int]] = []
        chosen = [o for o in path if len(g.modes[o]) > 1]
        self.rng.shuffle(chosen)
        sequences: dict[int, list[int]] = {}
        pairs = 0
        for v in chosen:
            if pairs >= REASSIGN_SAMPLE:
                break
            pairs += len(g.modes[v]) - 1
            head, tail = shop.job_head(v), shop.job_tail(v)
            # an operation starting once a successor of v has ended may follow it, and one
            # whose tail reaches a predecessor's may lead to it: v cannot go after the first
            # nor before the second
            late = min((r[s] + p[s] for s, _ in g.js[v]), default=_NEVER)
            early = min((q[x] + p[x] for x, _ in g.jp[v]), default=_NEVER)
            for m, (k, d) in enumerate(g.modes[v]):
                if k == shop.mach[v]:
                    continue
                seq = sequences.get(k)
                if seq is None:
                    seq = sequences[k] = [*shop.sequence(k), -1]
                best, place, a = _NEVER, -2, -1
                for b in seq:  # v between a and b
                    if a >= 0 and r[a] >= late:
                        break  # and no later place either
                    if b < 0 or q[b] < early:
                        h = r[a] + p[a] if a >= 0 and r[a] + p[a] > head else head
                        t = p[b] + q[b] if b >= 0 and p[b] + q[b] > tail else tail
                        if h + d + t < best:
                            best, place = h + d + t, a
                    a = b
                if place > -2:
                    out.append(((v, m, None, [], [place]), best))
        return out

    def _rated(self, path: list[int]) -> list[tuple[Move, int]]:
        """The moves that may shorten this critical path, each with its estimate."""
        rated = [(m, self._estimate(m[3], m[4])) for m in self._moves(path) if self._feasible(m)]
        if self.flexible:
            rated += self._reassignments(path)
        return rated

    def _pick(self, it: int) -> Move | None:
        rated = self._rated(self.shop.critical_path(self.rng))
        best, value = None, None
        for move, est in rated:
            if est >= self.best and self._is_tabu(move, it):
                continue
            if value is None or est < value or (est == value and self.rng.random() < 0.5):
                best, value = move, est
        if best is None and rated:
            best = self.rng.choice(rated)[0]
        return best

    def _is_tabu(self, move: Move, it: int) -> bool:
        x, y, after, old, _ = move
        if after is None:
            return self.banned.get((x, y), 0) > it
        jumped = [o for o in old if o != x]
        if after:
            return any(self.tabu.get((o, x), 0) > it for o in jumped)
        return any(self.tabu.get((x, o), 0) > it for o in jumped)

    # -- making moves -----------------------------------------------------------------------

    def _apply(self, move: Move, it: int) -> bool:
        x, y, after, old, new = move
        shop = self.shop
        mode = shop.mode[x]
        around = shop.take_out(x)
        if after is None:
            shop.set_mode(x, y)
            shop.put_after(x, new[0]) if new[0] >= 0 else shop.put_first(x)
        elif after:
            shop.put_after(x, y)
        else:
            shop.put_before(x, y)
        if not shop.evaluate():  # a cycle after all: undo, and never again
            shop.put_back(x, mode, around)
            shop.evaluate()
            if after is None:
                self.banned[(x, y)] = it + 10**9
            else:
                self.tabu[(y, x) if after else (x, y)] = it + 10**9
            return False
        tenure = it + self.tenure + self.rng.randint(0, self.tenure)
        if after is None:
            self.banned[(x, mode)] = tenure
        for o in old:
            if o != x:  # forbid restoring x's old order against each jumped operation
                self.tabu[(x, o) if after else (o, x)] = tenure
        return True

    def _restart(self) -> None:
        """Back to one of the best schedules seen (an elite kept from each stretch of the
        search), shaken by random moves, harder after each restart that brought nothing; or,
        as often, to a child of two of them."""
        if all(links != self.cycle[1] for _, links in self.elite):
            self.elite.append(self.cycle)
            self.elite = sorted(self.elite, key=lambda e: e[0])[:ELITE]
        self.tabu.clear()
        self.banned.clear()
        self.fails = min(self.fails + 1, 8)
        if len(self.elite) >= 2 and self.rng.random() < CROSS:
            self._recombine()
            return
        _, links = self.rng.choice(self.elite)
        self.shop.restore(links)
        self.cycle = (_NEVER, links)  # the stretch's own best, not where it starts, joins them
        for _ in range(self.rng.randint(2, 3 + self.fails)):
            rated = self._rated(self.shop.critical_path(self.rng))
            if not rated:
                return
            # a shake, not a leap: a random move among those that lengthen the schedule least
            rated.sort(key=lambda x: x[1])
            self._apply(self.rng.choice(rated[: max(2, len(rated) // SHAKE)])[0], 0)

    def _recombine(self) -> None:
        """A child between two elite schedules, as in path relinking: each operation takes
        the mode of one parent, and every machine is ordered by a blend of the parents' start
        times. Both rise along each routing arc, so the blend does too: the child has no
        cycle, whichever machines its operations land on."""
        (_, a), (_, b) = self.rng.sample(self.elite, 2)
        w = self.rng.uniform(0.3, 0.7)
        self.shop.restore(a)
        ra = self.shop.r[:]
        self.shop.restore(b)
        rb = self.shop.r[:]
        mode = [y if self.rng.random() < w else x for x, y in zip(a[2], b[2], strict=True)]
        self.shop.arrange(mode, [(1 - w) * x + w * y for x, y in zip(ra, rb, strict=True)])
        self.cycle = (self.shop.cmax, self.shop.links())
