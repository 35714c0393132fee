"""The floor's tables: the operations of released orders, and the shop-floor event ledger
(append-only in the database itself: DESIGN.md rule 4)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantops.execution.lifecycle import EventKind
from plantops.storage.base import QUANTITY, Base, site_fk, stored_enum
from plantops.types import OperationStatus, WorkCenterState


def _quantity() -> Mapped[Decimal]:
    return mapped_column(QUANTITY, default=Decimal(0), nullable=False)


class OrderOperation(Base):
    """One operation of a released production order: where it was planned, and the tally of
    its events (status and quantities), kept in the same transaction as each event and
    checkable against the ledger at any time (execution.tally.verify)."""

    __tablename__ = "order_operation"
    __table_args__ = (
        UniqueConstraint("production_order_id", "sequence"),
        # KPIs of a span (kpi.orders): operations started, and orders completed, in it
        Index("ix_order_operation_site_started", "site_id", "actual_start"),
        Index("ix_order_operation_site_ended", "site_id", "actual_end"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = site_fk()
    production_order_id: Mapped[int] = mapped_column(ForeignKey("production_order.id"), index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    work_center_id: Mapped[int] = mapped_column(ForeignKey("work_center.id"), index=True)
    planned_quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    scheduled_start: Mapped[datetime | None]
    scheduled_end: Mapped[datetime | None]
    status: Mapped[OperationStatus] = mapped_column(stored_enum(OperationStatus), index=True)
    started: Mapped[Decimal] = _quantity()
    good: Mapped[Decimal] = _quantity()
    scrap: Mapped[Decimal] = _quantity()
    rework: Mapped[Decimal] = _quantity()
    actual_start: Mapped[datetime | None]  # the first start that occurred
    actual_end: Mapped[datetime | None]  # when it was completed
    last_occurred_at: Mapped[datetime | None]  # of its latest event: later ones are in order


class ShopEvent(Base):
    """One thing that happened on the floor, as a terminal reported it. Never updated nor
    deleted; `idempotency_key` is unique, so a re-sent event is recognised, not recorded
    twice, and `answer` is what its first sending was told."""

    __tablename__ = "shop_event"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_shop_event_operation_occurred", "order_operation_id", "occurred_at"),
        Index("ix_shop_event_work_center_occurred", "work_center_id", "occurred_at"),
        Index("ix_shop_event_employee_occurred", "employee_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    body_sha256: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[int] = site_fk()
    kind: Mapped[EventKind] = mapped_column(stored_enum(EventKind))
    production_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("production_order.id"), index=True
    )
    order_operation_id: Mapped[int | None] = mapped_column(ForeignKey("order_operation.id"))
    work_center_id: Mapped[int | None] = mapped_column(ForeignKey("work_center.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    state: Mapped[WorkCenterState | None] = mapped_column(stored_enum(WorkCenterState))
    reason_code_id: Mapped[int | None] = mapped_column(ForeignKey("reason_code.id"))
    scrap_reason_code_id: Mapped[int | None] = mapped_column(ForeignKey("reason_code.id"))
    started: Mapped[Decimal] = _quantity()
    good: Mapped[Decimal] = _quantity()
    scrap: Mapped[Decimal] = _quantity()
    rework: Mapped[Decimal] = _quantity()
    note: Mapped[str] = mapped_column(String(500), default="")
    occurred_at: Mapped[datetime]  # the terminal's clock
    recorded_at: Mapped[datetime] = mapped_column(index=True)  # the server's
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    late: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)  # why a supervisor should look
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
