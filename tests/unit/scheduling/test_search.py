"""The improving searches on their own: tabu search, iterated greedy, LNS sub-models."""

from __future__ import annotations

import time

from plantops.scheduling.checker import check
from plantops.scheduling.construct import Rule, construct
from plantops.scheduling.cpsat import Goal, Model, Scope
from plantops.scheduling.cpsat_search import OPTIMAL, search
from plantops.scheduling.evaluate import Solution, sequences, to_assignments
from plantops.scheduling.greedy import IteratedGreedy
from plantops.scheduling.index import Index, compile_problem
from plantops.scheduling.permutation import flow_shop
from plantops.scheduling.problem import Job, Mode, Operation, Problem, Resource
from plantops.scheduling.schedule import Schedule, Status
from plantops.scheduling.shopgraph import Graph, Shop
from plantops.scheduling.tabu import STALL, Tabu, shop_graph

from .support import FT06, benchmark, job_shop_text
from .test_parts import flow_problem


def feasible(problem: Problem, sol: Solution) -> bool:
    idx = compile_problem(problem)
    return check(problem, Schedule(Status.feasible, to_assignments(idx, sol))) == []


def tabu_search_on_ft06() -> tuple[Problem, Index, Graph, Solution, list[Solution]]:
    """ft06, its constructed start, and what a tabu search from it hands out until it
    reaches the optimum (55) or 10 s have passed."""
    p = job_shop_text(FT06)
    idx = compile_problem(p)
    start, _ = construct(idx, Rule())
    assert start is not None
    graph = shop_graph(idx, start)
    assert graph is not None
    found: list[Solution] = []
    Tabu(idx, graph, start, seed=1).run(
        time.monotonic() + 10, lambda: bool(found) and max(found[-1].end) == 55, found.append
    )
    return p, idx, graph, start, found


def test_tabu_search_finds_the_ft06_optimum() -> None:
    p, _, _, start, found = tabu_search_on_ft06()
    assert max(start.end) > 55
    assert found and max(found[-1].end) == 55
    assert all(feasible(p, s) for s in found)


def test_tabu_search_moves_operations_between_machines() -> None:
    # two jobs of one operation each, both on M1 to start with: the search moves one to M2
    ops = tuple(Operation(f"{j}.1", j, (Mode("M1", 5), Mode("M2", 6))) for j in "AB")
    p = Problem(
        jobs=(Job("A"), Job("B")), operations=ops, resources=(Resource("M1"), Resource("M2"))
    )
    idx = compile_problem(p)
    start = Solution([0, 0], [0, 5], [5, 10])
    graph = shop_graph(idx, start)
    assert graph is not None
    found: list[Solution] = []
    Tabu(idx, graph, start, seed=0).run(time.monotonic() + 5, lambda: bool(found), found.append)
    assert found and max(found[-1].end) == 6 and sorted(found[-1].mode) == [0, 1]
    assert feasible(p, found[-1])


def test_the_tabu_search_keeps_an_elite_of_different_schedules_to_restart_from() -> None:
    # each stretch between restarts adds its own best to the elite, not the schedule it
    # restarted from: even from an optimal start, which no stretch beats, restarts and
    # children of two parents get more than one schedule to work from
    _, idx, graph, _, found = tabu_search_on_ft06()
    assert found and max(found[-1].end) == 55
    tabu = Tabu(idx, graph, found[-1], seed=2)
    asked = [0]

    def enough() -> bool:  # asked every 32 steps: about ten stalls' worth
        asked[0] += 32
        return asked[0] > 10 * max(STALL, 10 * idx.n)

    tabu.run(time.monotonic() + 60, enough, lambda s: None)
    assert tabu.best == 55
    links = [e[1] for e in tabu.elite]
    assert len(links) >= 3
    assert all(a != b for i, a in enumerate(links) for b in links[i + 1 :])
    assert [e[0] for e in tabu.elite] == sorted(e[0] for e in tabu.elite)


def test_a_move_to_another_machine_takes_the_best_place_there() -> None:
    # the place the tabu search rates for an operation on another machine is the best of
    # every acyclic place there, by the same estimate computed place by place
    p = benchmark("fjsp", "mk01")
    idx = compile_problem(p)
    start, _ = construct(idx, Rule())
    assert start is not None
    graph = shop_graph(idx, start)
    assert graph is not None
    tabu = Tabu(idx, graph, start, seed=4)
    shop = tabu.shop
    path = shop.critical_path(tabu.rng)
    rated = tabu._reassignments(path)
    assert rated
    for (v, m, _, _, (place,)), estimate in rated:
        k, d = graph.modes[v][m]
        seq = shop.sequence(k)
        head, tail = shop.job_head(v), shop.job_tail(v)
        places = []
        for i in range(len(seq) + 1):
            a, b = (seq[i - 1] if i else -1), (seq[i] if i < len(seq) else -1)
            after_successor = a >= 0 and any(
                shop.r[a] >= shop.r[s] + shop.p[s] for s, _ in graph.js[v]
            )
            before_predecessor = b >= 0 and any(
                shop.q[b] >= shop.q[x] + shop.p[x] for x, _ in graph.jp[v]
            )
            if after_successor:
                break
            if not before_predecessor:
                h = max(head, shop.r[a] + shop.p[a] if a >= 0 else 0)
                t = max(tail, shop.p[b] + shop.q[b] if b >= 0 else 0)
                places.append((h + d + t, a))
        assert estimate == min(places)[0]
        assert (estimate, place) in places


def test_a_blend_of_two_flexible_schedules_is_a_schedule_between_them() -> None:
    # the tabu search restarts from children of elite schedules: machines ordered by a blend
    # of the parents' start times, modes from either parent; never a cycle
    p = benchmark("fjsp", "mk01")
    idx = compile_problem(p)
    a, _ = construct(idx, Rule())
    b, _ = construct(idx, Rule(noise=0.5, seed=3))
    assert a is not None and b is not None and a.mode != b.mode
    graph = shop_graph(idx, a)
    assert graph is not None
    shop = Shop(idx, graph, a)
    parent_a, parent_b = Shop(idx, graph, a).cmax, Shop(idx, graph, b).cmax
    for w in (0.0, 0.25, 0.5, 0.75, 1.0):
        mode = [
            y if (o * 7919) % 100 < 100 * w else x
            for o, (x, y) in enumerate(zip(a.mode, b.mode, strict=True))
        ]
        shop.arrange(mode, [(1 - w) * x + w * y for x, y in zip(a.start, b.start, strict=True)])
        assert feasible(p, shop.solution())
        assert shop.mode == mode
    shop.arrange(a.mode, [float(x) for x in a.start])
    assert shop.cmax == parent_a
    shop.arrange(b.mode, [float(x) for x in b.start])
    assert shop.cmax == parent_b


def test_iterated_greedy_improves_on_neh_and_stays_feasible() -> None:
    times = [[(j * 7 + k * 5) % 11 + 1 for k in range(4)] for j in range(9)]
    p = flow_problem(times, [10 + 4 * j for j in range(9)], 4)
    idx = compile_problem(p)
    fs = flow_shop(idx)
    assert fs is not None
    search_ = IteratedGreedy(fs, idx, seed=0)
    neh_cost = search_.best_cost if search_.start() else 0
    found: list[Solution] = []
    search_.run(time.monotonic() + 1.5, lambda: False, found.append)
    assert search_.best_cost <= neh_cost
    assert all(feasible(p, s) for s in found)


def test_lns_sub_model_keeps_what_it_does_not_free() -> None:
    p = job_shop_text(FT06)
    idx = compile_problem(p)
    inc, _ = construct(idx, Rule(window=1 << 40))
    assert inc is not None
    free = {o for o in range(idx.n) if idx.modes[o][0][0] == 0}  # everything on machine 0
    frozen = {o for o in range(idx.n) if inc.end[o] <= 10} - free
    md = Model(idx, Goal(dict(idx.terms)), incumbent=inc, scope=Scope(free=free, frozen=frozen))
    out = search(md, time_limit=10, workers=1, seed=0)
    assert out.status == OPTIMAL and out.solution is not None
    sol = out.solution
    assert max(sol.end) <= max(inc.end)
    assert all((sol.start[o], sol.end[o]) == (inc.start[o], inc.end[o]) for o in frozen)
    before, after = sequences(idx, inc), sequences(idx, sol)
    for r in range(1, len(idx.res_ids)):  # machines with nothing freed keep their order
        kept = [o for o in before[r] if o not in free]
        assert [o for o in after[r] if o not in free] == kept
    assert feasible(p, sol)
