"""Master data tables. Durations are integer seconds except run time per unit (float seconds)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plantops.storage.base import MONEY, QUANTITY, Child, Entity, code_column, site_fk, stored_enum
from plantops.types import (
    CalendarExceptionKind,
    ItemType,
    LossCategory,
    LotSizeRule,
    MakeOrBuy,
    ReasonKind,
    Weekday,
    WorkCenterKind,
)


class Calendar(Entity):
    """A weekly working pattern in site local time: a work center's shifts, or an employee's."""

    __tablename__ = "calendar"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))
    shifts: Mapped[list[CalendarShift]] = relationship(
        cascade="all, delete-orphan", order_by="CalendarShift.id"
    )
    exceptions: Mapped[list[CalendarException]] = relationship(
        cascade="all, delete-orphan", order_by="CalendarException.id"
    )


class CalendarShift(Child):
    """A shift on one weekday; `end_time` <= `start_time` means it ends the next day."""

    __tablename__ = "calendar_shift"

    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendar.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    weekday: Mapped[Weekday] = mapped_column(stored_enum(Weekday))
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class CalendarException(Child):
    """A holiday or shutdown (closed) or an extra shift (open), in site local time."""

    __tablename__ = "calendar_exception"

    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendar.id"), index=True)
    kind: Mapped[CalendarExceptionKind] = mapped_column(stored_enum(CalendarExceptionKind))
    # naive on purpose: wall-clock time of the site, whatever its UTC offset that day
    starts_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    ends_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    name: Mapped[str] = mapped_column(String(200), default="")


class WorkCenter(Entity):
    __tablename__ = "work_center"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[WorkCenterKind] = mapped_column(stored_enum(WorkCenterKind))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendar.id"), index=True)
    parallel_capacity: Mapped[int] = mapped_column(Integer, default=1)
    cost_rate_per_hour: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    setup_matrix: Mapped[list[SetupTransition]] = relationship(
        cascade="all, delete-orphan", order_by="SetupTransition.id"
    )
    downtime_windows: Mapped[list[DowntimeWindow]] = relationship(
        cascade="all, delete-orphan", order_by="DowntimeWindow.id"
    )


class SetupTransition(Child):
    """Changeover time on a work center when `to_family` follows `from_family`."""

    __tablename__ = "setup_transition"
    __table_args__ = (UniqueConstraint("work_center_id", "from_family", "to_family"),)

    work_center_id: Mapped[int] = mapped_column(ForeignKey("work_center.id"), index=True)
    from_family: Mapped[str] = mapped_column(String(64))
    to_family: Mapped[str] = mapped_column(String(64))
    changeover_seconds: Mapped[int] = mapped_column(Integer)


class DowntimeWindow(Child):
    """Planned downtime (maintenance, calibration): UTC instants."""

    __tablename__ = "downtime_window"

    work_center_id: Mapped[int] = mapped_column(ForeignKey("work_center.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")


class Item(Entity):
    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))
    item_type: Mapped[ItemType] = mapped_column(stored_enum(ItemType))
    make_or_buy: Mapped[MakeOrBuy] = mapped_column(stored_enum(MakeOrBuy))
    uom: Mapped[str] = mapped_column(String(16))
    standard_cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)
    safety_stock: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))
    lot_size_rule: Mapped[LotSizeRule] = mapped_column(stored_enum(LotSizeRule))
    lot_size_fixed: Mapped[Decimal | None] = mapped_column(QUANTITY)
    lot_size_min: Mapped[Decimal | None] = mapped_column(QUANTITY)
    lot_size_max: Mapped[Decimal | None] = mapped_column(QUANTITY)
    lot_size_multiple: Mapped[Decimal | None] = mapped_column(QUANTITY)
    lot_size_periods: Mapped[int | None] = mapped_column(Integer)  # working days, rule "period"


class Bom(Entity):
    """The bill of materials of an item, valid between two dates."""

    __tablename__ = "bom"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(1))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    lines: Mapped[list[BomLine]] = relationship(cascade="all, delete-orphan", order_by="BomLine.id")


class BomLine(Child):
    __tablename__ = "bom_line"

    bom_id: Mapped[int] = mapped_column(ForeignKey("bom.id"), index=True)
    component_item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity_per: Mapped[Decimal] = mapped_column(QUANTITY)
    scrap_factor: Mapped[Decimal] = mapped_column(Numeric(8, 6), default=Decimal(0))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class Routing(Entity):
    __tablename__ = "routing"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    operations: Mapped[list[Operation]] = relationship(
        cascade="all, delete-orphan", order_by="Operation.sequence"
    )


class Operation(Child):
    """One step of a routing; `overlap` is the share that must finish before the next may start
    (0 = the next starts with this one, 1 = finish-to-start)."""

    __tablename__ = "operation"
    __table_args__ = (UniqueConstraint("routing_id", "sequence"),)

    routing_id: Mapped[int] = mapped_column(ForeignKey("routing.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    setup_family: Mapped[str | None] = mapped_column(String(64))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skill.id"), index=True)
    crew_size: Mapped[int] = mapped_column(Integer, default=1)
    overlap: Mapped[float] = mapped_column(Float, default=1.0)
    alternatives: Mapped[list[OperationAlternative]] = relationship(
        cascade="all, delete-orphan", order_by="OperationAlternative.id"
    )


class OperationAlternative(Child):
    """An eligible work center for an operation, with its own setup and run time."""

    __tablename__ = "operation_alternative"
    __table_args__ = (UniqueConstraint("operation_id", "work_center_id"),)

    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    work_center_id: Mapped[int] = mapped_column(ForeignKey("work_center.id"), index=True)
    setup_seconds: Mapped[int] = mapped_column(Integer, default=0)
    run_seconds_per_unit: Mapped[float] = mapped_column(Float)
    preference: Mapped[int] = mapped_column(Integer, default=1)  # 1 = primary


class ReasonCode(Entity):
    __tablename__ = "reason_code"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ReasonKind] = mapped_column(stored_enum(ReasonKind))
    loss_category: Mapped[LossCategory] = mapped_column(stored_enum(LossCategory))
