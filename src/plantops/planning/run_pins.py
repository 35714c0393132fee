"""The planners' pins a plan run let go: those its schedule did not keep where they were
pinned, named in the run's summary ("MO-12 op 20")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from plantops.planning.floor_state import FloorState
from plantops.planning.schedule_result import Placed, PlacedOperation
from plantops.planning.shop import Shop


def pins_let_go(
    shop: Shop,
    pins: Mapping[tuple[str, int], tuple[datetime, str]],
    placed: Placed | None,
    floor: FloorState | None,
) -> list[str]:
    """The planners' pins the schedule did not keep ("MO-12 op 20"): their time had passed,
    their work center was down then, or together they made the schedule impossible. An
    operation under way runs where it runs: its pin is moot, not let go."""
    out = []
    for p in placed.operations if placed else ():
        pin = pins.get((p.order, p.step.operation_id))
        on = floor.of(p.order, p.step.operation_id) if floor else None
        if pin is None or (on is not None and on.started_at is not None):
            continue
        if not stands_pinned(shop, p, pin):
            out.append(f"{p.order} op {p.step.sequence}")
    return sorted(out)


def stands_pinned(shop: Shop, p: PlacedOperation, pin: tuple[datetime, str]) -> bool:
    """Whether the operation was placed where it was pinned (to the second)."""
    return (p.work_center, shop.seconds(p.start)) == (pin[1], shop.seconds(pin[0]))
