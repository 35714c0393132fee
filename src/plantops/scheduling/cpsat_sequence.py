"""Sequencing parts of the CP-SAT model: kept orders, flow lines and changeovers."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, pairwise
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from plantops.scheduling.evaluate import sequences

if TYPE_CHECKING:
    from plantops.scheduling.cpsat import Model, Slot

FREE, FLOAT, FROZEN = 0, 1, 2


def add_chains(md: Model) -> None:
    """Floating operations keep the incumbent's order on their resource (LNS: the schedule
    may stretch and shrink, but only freed operations change places)."""
    inc = md.inc
    if inc is None or md.scope.free is None:
        return
    for r, seq in enumerate(sequences(md.idx, inc)):
        prev = -1
        for o in seq:
            if md.kind[o] == FREE:
                continue
            if prev >= 0 and FLOAT in (md.kind[prev], md.kind[o]):
                done = md.end[prev] if md.idx.capacity[r] == 1 else md.start[prev]
                require(md.m, md.start[o] >= done)
            prev = o


def add_lines(md: Model) -> None:
    """One literal per pair of jobs on a flow line: which goes first, on every resource."""
    idx, inc = md.idx, md.inc
    for line in idx.lines:
        visits: dict[int, dict[int, list[Slot]]] = {}  # job -> resource -> slots
        for r in line:
            for slot in md.by_res[r] + [md.slots[o][0] for o in md.frozen_by_res[r]]:
                visits.setdefault(idx.op_job[slot.op], {}).setdefault(r, []).append(slot)
        moving = {
            j for j, per in visits.items() if any(_moves(md, s) for ss in per.values() for s in ss)
        }
        for a, b in combinations(sorted(visits), 2):
            if a not in moving and b not in moving:
                continue  # both keep their order through the chains
            md.in_time()
            common = visits[a].keys() & visits[b].keys()
            if not common:
                continue
            first = md.m.new_bool_var("")
            if inc is not None:
                sa = min(inc.start[s.op] for r in common for s in visits[a][r])
                sb = min(inc.start[s.op] for r in common for s in visits[b][r])
                md.m.add_hint(first, sa <= sb)
            for r in common:
                for x in visits[a][r]:
                    for y in visits[b][r]:
                        _order(md, x, y, first, idx.capacity[r] == 1)


def _moves(md: Model, slot: Slot) -> bool:
    """Free, or pinned (pins are checked, incumbent operations already agree)."""
    return bool(md.kind[slot.op] == FREE or md.idx.fixed[slot.op] is not None)


def _order(md: Model, x: Slot, y: Slot, first: cp_model.IntVar, disjoint: bool) -> None:
    both = [lit for lit in (x.lit, y.lit) if lit is not True]
    x_done = md.end[x.op] if disjoint else md.start[x.op]
    y_done = md.end[y.op] if disjoint else md.start[y.op]
    require(md.m, x_done <= md.start[y.op], [first, *both])
    require(md.m, y_done <= md.start[x.op], [first.Not(), *both])


def require(m: cp_model.CpModel, constraint: object, when: list[cp_model.LiteralT] = ()) -> None:  # type: ignore[assignment]
    """Add `constraint` (enforced by `when`), also when frozen ends made it a plain truth."""
    if isinstance(constraint, bool | int):
        if not constraint:  # false: at least one enforcement literal must fail
            m.add_bool_or([lit.Not() for lit in when])  # type: ignore[union-attr]
        return
    m.add(constraint).only_enforce_if(when)  # type: ignore[arg-type]


def add_changeovers(md: Model) -> cp_model.LinearExpr | int:
    """A circuit per resource with changeovers: arc i -> j (j right after i) makes j wait for
    the changeover; the sum of the chosen arcs' times is the setup-time term."""
    idx, inc = md.idx, md.inc
    costs: list[cp_model.LinearExprT] = []
    for r, table in enumerate(idx.setup):
        pinned = any(idx.fixed[o] is not None for o in md.frozen_by_res[r])
        if table is None or not (md.by_res[r] or pinned):
            continue
        frozen = [md.slots[o][0] for o in md.frozen_near(r)]
        nodes = md.by_res[r] + frozen
        order = _kept_order(md, nodes)
        fam = [idx.modes[s.op][s.mode][2] for s in nodes]
        arcs: list[tuple[int, int, cp_model.LiteralT]] = []
        hinted = _hinted_arcs(md, nodes)
        for i, s in enumerate(nodes, start=1):
            arcs.append((0, i, _arc(md, (0, i) in hinted)))
            arcs.append((i, 0, _arc(md, (i, 0) in hinted)))
            if s.lit is not True:
                arcs.append((i, i, s.lit.Not()))  # type: ignore[union-attr]
        for k, ((i, x), (j, y)) in enumerate(_pairs(nodes, order)):
            if not k % 256:
                md.in_time()
            lit = _arc(md, (i, j) in hinted)
            arcs.append((i, j, lit))
            gap = table.get((fam[i - 1], fam[j - 1]), 0) if fam[i - 1] != fam[j - 1] else 0
            require(md.m, md.start[y.op] >= md.end[x.op] + gap, [lit])
            if gap:
                costs.append(gap * lit)
        if all(s.lit is not True for s in nodes):
            arcs.append((0, 0, _arc(md, inc is not None and not hinted)))
        md.m.add_circuit(arcs)
    return cp_model.LinearExpr.sum(costs) if costs else 0


def _arc(md: Model, hint: bool) -> cp_model.IntVar:
    lit = md.m.new_bool_var("")
    if md.inc is not None:
        md.m.add_hint(lit, hint)
    return lit


def _kept_order(md: Model, nodes: list[Slot]) -> dict[int, int]:
    """Position of each non-free node in the incumbent's order (free ones are absent)."""
    inc = md.inc
    if inc is None:
        return {}
    kept = [i for i, s in enumerate(nodes, start=1) if md.kind[s.op] != FREE]
    kept.sort(key=lambda i: (inc.start[nodes[i - 1].op], inc.end[nodes[i - 1].op]))
    return {i: k for k, i in enumerate(kept)}


def _pairs(
    nodes: list[Slot], order: dict[int, int]
) -> Iterator[tuple[tuple[int, Slot], tuple[int, Slot]]]:
    """Arcs worth a literal: two kept nodes only when consecutive in the kept order."""
    for i, x in enumerate(nodes, start=1):
        for j, y in enumerate(nodes, start=1):
            if i == j or x.op == y.op:
                continue
            if i in order and j in order and order[j] != order[i] + 1:
                continue
            yield (i, x), (j, y)


def _hinted_arcs(md: Model, nodes: list[Slot]) -> set[tuple[int, int]]:
    inc = md.inc
    if inc is None:
        return set()
    present = [i for i, s in enumerate(nodes, start=1) if inc.mode[s.op] == s.mode]
    present.sort(key=lambda i: (inc.start[nodes[i - 1].op], inc.end[nodes[i - 1].op]))
    if not present:
        return set()
    path = [0, *present, 0]
    return set(pairwise(path))
