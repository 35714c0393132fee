"""Input and output shapes of planning: customers and sales orders, plan runs, planning
policies, the orders runs propose and their exception messages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plantops.resources.fields import Code, Id, Name, PositiveQuantity, Record, Schema
from plantops.types import OrderStatus, PlanRunKind, PlanRunStatus


class CustomerIn(Schema):
    site_id: Id
    code: Code
    name: Name


class SalesOrderLineIn(Schema):
    line_no: int = Field(ge=1, le=100_000)
    item_id: Id
    quantity: PositiveQuantity
    due_date: date
    priority: int = Field(default=3, ge=1, le=9, description="1 most urgent")


class SalesOrderIn(Schema):
    site_id: Id
    code: Code
    customer_id: Id
    lines: list[SalesOrderLineIn] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _distinct_lines(self) -> Self:
        numbers = [line.line_no for line in self.lines]
        if len(numbers) != len(set(numbers)):
            raise ValueError("a line_no appears twice")
        return self


class CustomerOut(CustomerIn, Record):
    pass


class SalesOrderOut(SalesOrderIn, Record):
    pass


MAX_HORIZON_DAYS = 730


class PlanRunIn(Schema):
    site_id: Id
    scenario_id: Id | None = Field(default=None, description="run a what-if instead of the plan")
    today: date | None = Field(default=None, description="plan as of this day; default today")
    horizon_days: int | None = Field(
        default=None, ge=1, le=MAX_HORIZON_DAYS, description="default: the site's policy"
    )
    schedule_seconds: float = Field(
        default=10.0, ge=0.5, le=3600, description="time to improve the schedule"
    )


class PlanRunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    scenario_id: int | None
    kind: PlanRunKind
    disruption: dict[str, Any] | None
    status: PlanRunStatus
    phase: str
    progress: float
    today: date
    horizon_days: int
    schedule_seconds: float
    requested_by: str
    requested_at: datetime
    finished_at: datetime | None
    cancel_requested: bool
    problems: list[dict[str, Any]] | None
    summary: dict[str, Any] | None


class PlanningPolicyIn(Schema):
    calendar_id: Id | None = Field(
        default=None, description="whose working days count lead times; none: Monday to Friday"
    )
    frozen_fence_days: int = Field(
        default=0, ge=0, le=365, description="working days from today that nothing new enters"
    )
    horizon_days: int = Field(default=42, ge=1, le=MAX_HORIZON_DAYS)
    defer_tolerance_days: int = Field(
        default=5, ge=0, le=365, description="working days early an open order may stay"
    )


class PlanningPolicyOut(PlanningPolicyIn):
    site_id: int


class StatusIn(Schema):
    status: OrderStatus
    reason: str | None = Field(default=None, max_length=500)


class _OrderOut(BaseModel):
    """What production and purchase orders share."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    site_id: int
    code: str
    item_id: int
    quantity: Decimal
    status: OrderStatus
    due_date: date
    plan_run_id: int | None
    scenario_id: int | None


class ProductionOrderOut(_OrderOut):
    release_date: date
    priority: int
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    late_seconds: int | None
    explanation: dict[str, Any] | None


class PurchaseOrderOut(_OrderOut):
    order_date: date


class PlanExceptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_run_id: int
    kind: str
    item_id: int
    order_code: str | None
    day: date
    to_day: date | None
    text: str


class ScenarioIn(Schema):
    site_id: Id
    code: Code
    name: Name
    changes: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=500,
        description="each with a kind: demand, new_demand, priority, extra_shift or down",
    )


class ScenarioOut(ScenarioIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
