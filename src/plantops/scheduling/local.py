"""The problem-specific search that runs beside CP-SAT when the problem has a classical shape:
tabu search for (flexible) job shops, iterated greedy for permutation flow shops. Both trade
schedules with the other searches through the shared incumbent."""

from __future__ import annotations

from collections.abc import Callable

from plantops.scheduling.cpsat_search import Stopper
from plantops.scheduling.evaluate import Solution
from plantops.scheduling.greedy import IteratedGreedy
from plantops.scheduling.incumbent import Incumbent
from plantops.scheduling.index import Index
from plantops.scheduling.permutation import flow_shop
from plantops.scheduling.tabu import Tabu, shop_graph


def flow_start(idx: Index, seed: int) -> Solution | None:
    """NEH's schedule when the problem is a permutation flow shop."""
    fs = flow_shop(idx)
    if fs is None:
        return None
    search = IteratedGreedy(fs, idx, seed)
    return search.solution(search.start())


def local_search(
    idx: Index, inc: Incumbent, stopper: Stopper, until: float, seed: int
) -> Callable[[], None] | None:
    """The search for this problem's shape, ready to run in a thread, or None."""
    best = inc.snapshot()
    if best is None or (idx.lexicographic and len(idx.terms) > 1):
        return None
    fs = flow_shop(idx)
    if fs is not None:
        greedy = IteratedGreedy(fs, idx, seed)
        seen = [-1]

        def newer() -> Solution | None:
            """The shared best once per change (the greedy keeps it when it is better)."""
            now = inc.snapshot()
            if now is None or now.version == seen[0]:
                return None
            seen[0] = now.version
            return now.solution

        return lambda: greedy.run(
            until, lambda: stopper.stopped, lambda s: inc.offer(s, "greedy"), newer
        )
    graph = shop_graph(idx)
    if graph is None:
        return None
    tabu = Tabu(idx, graph, best.solution, seed)

    def better(own: int) -> Solution | None:
        now = inc.snapshot()
        return now.solution if now is not None and now.key[0] < own else None

    def run() -> None:
        tabu.run(until, lambda: stopper.stopped, lambda s: inc.offer(s, "tabu"), better)

    return run
