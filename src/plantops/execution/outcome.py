"""What recording one event did: the columns its ledger row gets, and the answer it keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from plantops.execution.schemas import EventOut, OperationTallyOut
from plantops.types import OrderStatus, WorkCenterState

if TYPE_CHECKING:
    from datetime import datetime

    from plantops.execution.schemas import EventIn

ZERO = Decimal(0)


@dataclass
class Outcome:
    site_id: int
    late: bool = False
    flags: list[str] = field(default_factory=list)
    production_order_id: int | None = None
    order_operation_id: int | None = None
    work_center_id: int | None = None
    started: Decimal = ZERO
    good: Decimal = ZERO
    scrap: Decimal = ZERO
    rework: Decimal = ZERO
    operation: OperationTallyOut | None = None
    order_status: OrderStatus | None = None
    work_center_state: WorkCenterState | None = None
    clocked_in: bool | None = None

    def columns(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "late": self.late,
            "flags": list(self.flags),
            "production_order_id": self.production_order_id,
            "order_operation_id": self.order_operation_id,
            "work_center_id": self.work_center_id,
            "started": self.started,
            "good": self.good,
            "scrap": self.scrap,
            "rework": self.rework,
        }

    def answer(self, event: EventIn, recorded_at: datetime) -> dict[str, Any]:
        """The answer to keep for re-sendings (without the row's id, not known yet)."""
        out = EventOut(
            id=0,
            idempotency_key=event.idempotency_key,
            kind=event.kind,
            site_id=self.site_id,
            occurred_at=event.occurred_at,
            recorded_at=recorded_at,
            late=self.late,
            flags=self.flags,
            order_operation_id=self.order_operation_id,
            production_order_id=self.production_order_id,
            work_center_id=self.work_center_id,
            employee_id=event.employee_id,
            operation=self.operation,
            order_status=self.order_status,
            work_center_state=self.work_center_state,
            clocked_in=self.clocked_in,
        )
        return out.model_dump(mode="json", exclude={"id", "idempotency_key"})
