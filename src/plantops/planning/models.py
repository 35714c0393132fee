"""Demand (customers, sales orders), how each site plans, and what plan runs make: production
and purchase orders, exception messages and pegging."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plantops.storage.base import QUANTITY, Base, Child, Entity, code_column, site_fk, stored_enum
from plantops.types import OrderStatus, PlanRunKind, PlanRunStatus


class Customer(Entity):
    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))


class SalesOrder(Entity):
    __tablename__ = "sales_order"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    lines: Mapped[list[SalesOrderLine]] = relationship(
        cascade="all, delete-orphan", order_by="SalesOrderLine.line_no"
    )


class SalesOrderLine(Child):
    __tablename__ = "sales_order_line"
    __table_args__ = (UniqueConstraint("sales_order_id", "line_no"),)

    sales_order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    due_date: Mapped[date] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 1 = most urgent


def in_scenario(column: Any, scenario_id: int | None) -> Any:
    """Rows of the plan itself (no scenario), or of one scenario: where a what-if's orders
    and runs are kept apart from the plan's."""
    return column.is_(None) if scenario_id is None else column == scenario_id


class PlanningPolicy(Entity):
    """How a site plans: the calendar whose working days count lead times, the frozen fence
    (working days from today in which a plan run releases nothing new), the horizon."""

    __tablename__ = "planning_policy"
    __table_args__ = (UniqueConstraint("site_id"),)

    site_id: Mapped[int] = site_fk()
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("calendar.id"), index=True)
    frozen_fence_days: Mapped[int] = mapped_column(Integer, default=0)
    horizon_days: Mapped[int] = mapped_column(Integer, default=42)
    defer_tolerance_days: Mapped[int] = mapped_column(Integer, default=5)


class Scenario(Entity):
    """A what-if: the site's plan with changes (demand, capacity, priorities) applied to
    what its runs read, never to the master data; compared with the plan itself."""

    __tablename__ = "scenario"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class PlanRun(Base):
    """One run of the plan for a site (or one of its scenarios): its progress while it
    runs, then what it found."""

    __tablename__ = "plan_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = site_fk()
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenario.id"), index=True)
    kind: Mapped[PlanRunKind] = mapped_column(stored_enum(PlanRunKind), default=PlanRunKind.plan)
    # a reschedule's cause: work centers down until when, rush orders to fit in, the reason
    disruption: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[PlanRunStatus] = mapped_column(stored_enum(PlanRunStatus), index=True)
    phase: Mapped[str] = mapped_column(String(64), default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # 0 to 1
    today: Mapped[date] = mapped_column(Date)
    horizon_days: Mapped[int] = mapped_column(Integer)
    schedule_seconds: Mapped[float] = mapped_column(Float, default=10.0)
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # why it failed
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # counts, figures


class ProductionOrder(Entity):
    """Make `quantity` of an item: proposed by a plan run, then approved, firm, released."""

    __tablename__ = "production_order"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    status: Mapped[OrderStatus] = mapped_column(stored_enum(OrderStatus), index=True)
    release_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 1 = most urgent
    scheduled_start: Mapped[datetime | None]
    scheduled_end: Mapped[datetime | None]
    late_seconds: Mapped[int | None] = mapped_column(Integer)  # scheduled end after due
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # why it is late
    plan_run_id: Mapped[int | None] = mapped_column(ForeignKey("plan_run.id"), index=True)
    # proposed in a scenario's run: part of that what-if, not of the plan
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenario.id"), index=True)


class PurchaseOrder(Entity):
    """Buy `quantity` of an item: a proposed one is a purchase suggestion of a plan run."""

    __tablename__ = "purchase_order"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    status: Mapped[OrderStatus] = mapped_column(stored_enum(OrderStatus), index=True)
    order_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    plan_run_id: Mapped[int | None] = mapped_column(ForeignKey("plan_run.id"), index=True)
    scenario_id: Mapped[int | None] = mapped_column(ForeignKey("scenario.id"), index=True)


class PlanException(Base):
    """An exception message of a plan run: what the planner should act on."""

    __tablename__ = "plan_exception"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_run_id: Mapped[int] = mapped_column(ForeignKey("plan_run.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    order_code: Mapped[str | None] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    to_day: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(300))


class PlanLink(Base):
    """Pegging, one level: `quantity` of an item from `supply` (an order's code, or "on hand")
    meets part of what `demand` requires: a sales order line ("SO-1/2"), an order needing the
    item as a component, or the item's own reserve (safety stock)."""

    __tablename__ = "plan_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_run_id: Mapped[int] = mapped_column(ForeignKey("plan_run.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    supply: Mapped[str] = mapped_column(String(64), index=True)
    demand_kind: Mapped[str] = mapped_column(String(16))  # sales_order_line, order, reserve
    demand: Mapped[str] = mapped_column(String(64), index=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)


class ScheduledOperation(Base):
    """Where and when the schedule of a plan run puts one operation of a production order."""

    __tablename__ = "scheduled_operation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_run_id: Mapped[int] = mapped_column(ForeignKey("plan_run.id"), index=True)
    production_order_id: Mapped[int] = mapped_column(ForeignKey("production_order.id"), index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    work_center_id: Mapped[int] = mapped_column(ForeignKey("work_center.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    setup_seconds: Mapped[int] = mapped_column(Integer, default=0)


class ScheduleMove(Base):
    """One operation a reschedule moved (or added): where and when it was, where and when it
    is now, and why; what the planner reads to see what a disruption changed."""

    __tablename__ = "schedule_move"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_run_id: Mapped[int] = mapped_column(ForeignKey("plan_run.id"), index=True)
    production_order_id: Mapped[int] = mapped_column(ForeignKey("production_order.id"), index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    from_work_center_id: Mapped[int | None] = mapped_column(ForeignKey("work_center.id"))
    to_work_center_id: Mapped[int] = mapped_column(ForeignKey("work_center.id"))
    from_start: Mapped[datetime | None]  # None: it was not scheduled before (added)
    to_start: Mapped[datetime]
    to_end: Mapped[datetime]
    shift_seconds: Mapped[int | None] = mapped_column(Integer)  # to_start - from_start
    why: Mapped[str] = mapped_column(
        String(32)
    )  # down, overdue, knock_on, added, firm_moved, pin_released
    detail: Mapped[str] = mapped_column(String(300), default="")


class OperationPin(Base):
    """A planner's word that one operation of a production order runs on this work center
    from this instant; the next plan run or reschedule of the site keeps it there."""

    __tablename__ = "operation_pin"
    __table_args__ = (UniqueConstraint("production_order_id", "operation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = site_fk()
    # a pin goes with its order: a plan run replacing an order takes its pins along
    production_order_id: Mapped[int] = mapped_column(
        ForeignKey("production_order.id", ondelete="CASCADE"), index=True
    )
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"))
    work_center_id: Mapped[int] = mapped_column(ForeignKey("work_center.id"))
    starts_at: Mapped[datetime]
    pinned_by: Mapped[str] = mapped_column(String(64))
    pinned_at: Mapped[datetime]
