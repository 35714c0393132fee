"""What the floor says of released orders, as the schedule needs it: which operations are
done (nothing left to place), which have started (they stay where they run, for what is left
to make), and how much each still has to make. Planning reads it through `FloorReader`, which
the shop floor (plantops.execution, a layer above) provides: planning never reads its tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class OnFloor:
    """One operation of a released order."""

    work_center: str  # where it runs, or is dispatched to
    remaining: Decimal  # still to make (planned less good reported)
    started_at: datetime | None = None  # in progress or paused since: it stays on its center
    done: bool = False  # completed (or cancelled): nothing of it is scheduled


@dataclass(frozen=True)
class FloorState:
    now: datetime
    operations: dict[tuple[str, int], OnFloor] = field(default_factory=dict)
    # (order code, routing operation id) -> what the floor reports of it

    def of(self, order: str, operation_id: int) -> OnFloor | None:
        return self.operations.get((order, operation_id))


FloorReader = Callable[[Session, int, datetime], FloorState]  # (session, site id, now)
