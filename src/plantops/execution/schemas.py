"""What terminals send and what they are told: shop-floor events, one or a batch."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from plantops.execution.lifecycle import EventKind
from plantops.resources.fields import Code, Id, IdempotentSchema, PositiveQuantity, Quantity, Schema
from plantops.types import OperationStatus, OrderStatus, WorkCenterState

MAX_BATCH = 1000


class EventIn(IdempotentSchema):
    """One shop-floor event. Which fields a kind needs and takes is listed at each kind
    (docs/execution.md); a field a kind does not use is refused, not ignored."""

    kind: EventKind
    occurred_at: AwareDatetime = Field(description="When it happened, by the terminal's clock")
    order_operation_id: Id | None = None
    production_order_id: Id | None = None
    work_center_id: Id | None = None
    employee_id: Id | None = None
    state: WorkCenterState | None = None
    reason_code_id: Id | None = None
    scrap_reason_code_id: Id | None = None
    quantity: Quantity | None = Field(default=None, description="operation_start: how many")
    good: Quantity | None = None
    scrap: Quantity | None = None
    rework: Quantity | None = None
    note: str | None = Field(default=None, max_length=500)


class BatchIn(Schema):
    events: list[EventIn] = Field(min_length=1, max_length=MAX_BATCH)


class OperationTallyOut(BaseModel):
    id: int
    status: OperationStatus
    started: Decimal
    good: Decimal
    scrap: Decimal
    rework: Decimal


class EventOut(BaseModel):
    """What the server recorded, and what the event made of its subject."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    idempotency_key: str
    kind: EventKind
    site_id: int
    occurred_at: datetime
    recorded_at: datetime
    late: bool
    flags: list[str]
    order_operation_id: int | None = None
    production_order_id: int | None = None
    work_center_id: int | None = None
    employee_id: int | None = None
    operation: OperationTallyOut | None = None
    order_status: OrderStatus | None = None
    work_center_state: WorkCenterState | None = None
    clocked_in: bool | None = None


class BatchItemOut(BaseModel):
    index: int
    status: int  # the HTTP status this event would have had alone
    replayed: bool = False
    event: EventOut | None = None
    problem: dict[str, Any] | None = None


class BatchOut(BaseModel):
    recorded: int
    replayed: int
    refused: int
    results: list[BatchItemOut]


class OrderOperationOut(BaseModel):
    """An operation of a released order: where it was planned, where it stands."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    production_order_id: int
    operation_id: int
    sequence: int
    name: str
    work_center_id: int
    status: OperationStatus
    planned_quantity: Decimal
    started: Decimal
    good: Decimal
    scrap: Decimal
    rework: Decimal
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None


class DispatchLineOut(BaseModel):
    operation: OrderOperationOut
    order_code: str
    order_status: OrderStatus
    item_code: str
    uom: str = Field(description="the item's unit: pieces (pcs, ea, ...) are counted whole")
    due_date: date
    priority: int
    waits_for: str | None = Field(description="what it waits for; null: it may start")


class WorkCenterNowOut(BaseModel):
    work_center_id: int
    site_id: int
    code: str
    name: str
    state: WorkCenterState | None = Field(description="null: never reported")
    since: datetime | None
    reason_code_id: int | None
    wip_operations: int
    wip_quantity: Decimal
    clocked_in: list[int] = Field(description="employee ids")


class PresentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    employee_id: int
    code: str
    name: str
    work_center_id: int | None
    since: datetime


class EventPage(BaseModel):
    items: list[EventOut]
    total: int
    limit: int
    offset: int


class ReleaseIn(Schema):
    reason: str | None = Field(default=None, max_length=500)


class AdherenceOut(BaseModel):
    """How the floor keeps to the schedule: operations scheduled to start in the period,
    how many started (and ended) within 15 minutes of their scheduled moment."""

    scheduled: int
    started: int
    started_on_time: int
    start_adherence: float | None = Field(description="share started on time, 0 to 1")
    median_start_delay_seconds: float | None = Field(description="positive: late")
    ended: int
    ended_on_time: int
    end_adherence: float | None
    median_end_delay_seconds: float | None
    furthest: list[OrderOperationOut] = Field(description="the latest to start, first")


class DownIn(Schema):
    work_center_id: Id
    until: AwareDatetime = Field(description="when it is expected back (maintenance's estimate)")


class RushIn(Schema):
    item_id: Id
    quantity: PositiveQuantity
    due_date: date
    priority: int = Field(default=1, ge=1, le=9, description="1 most urgent")
    code: Code | None = Field(default=None, description="default RUSH-<run>-<n>")


class RescheduleIn(Schema):
    """Repair the site's schedule from the floor's state: what has started stays, firm
    orders stay, the rest moves as little as it can around what changed."""

    site_id: Id
    reason: str = Field(default="", max_length=300, description="what happened, for the record")
    down: list[DownIn] = Field(default_factory=list, max_length=200)
    rush: list[RushIn] = Field(default_factory=list, max_length=200)
    schedule_seconds: float = Field(default=10.0, ge=0.5, le=600)


class ScheduleMoveOut(BaseModel):
    production_order_id: int
    order: str
    sequence: int
    operation_id: int
    from_work_center: str | None
    to_work_center: str
    from_start: datetime | None
    to_start: datetime
    to_end: datetime
    shift_minutes: int | None
    why: str
    detail: str
