"""Input and output shapes of master data. Rules that need no database live here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self

from pydantic import AwareDatetime, Field, model_validator

from plantops.resources.fields import (
    Code,
    Family,
    Fraction,
    Id,
    LocalDateTime,
    LocalTime,
    Money,
    Name,
    PositiveQuantity,
    Quantity,
    Record,
    Schema,
    Seconds,
    Text,
)
from plantops.types import (
    ALLOWED_LOSSES,
    CalendarExceptionKind,
    ItemType,
    LossCategory,
    LotSizeRule,
    MakeOrBuy,
    ReasonKind,
    Weekday,
    WorkCenterKind,
)


def _unique(values: list[object], what: str) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} appears twice")
        seen.add(value)


def _dates_in_order(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError("valid_to is before valid_from")


class CalendarShiftIn(Schema):
    name: Text
    weekday: Weekday
    start_time: LocalTime
    end_time: LocalTime = Field(description="at or before start_time: the shift ends the next day")


class CalendarExceptionIn(Schema):
    kind: CalendarExceptionKind
    starts_local: LocalDateTime
    ends_local: LocalDateTime
    name: Text = ""

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.starts_local.tzinfo or self.ends_local.tzinfo:
            raise ValueError("exceptions are in site local time: give no UTC offset")
        if self.ends_local <= self.starts_local:
            raise ValueError("ends_local must be after starts_local")
        return self


class CalendarIn(Schema):
    site_id: Id
    code: Code
    name: Name
    shifts: list[CalendarShiftIn] = Field(default_factory=list, max_length=200)
    exceptions: list[CalendarExceptionIn] = Field(default_factory=list, max_length=5000)


class SetupTransitionIn(Schema):
    from_family: Family
    to_family: Family
    changeover_seconds: Seconds


class DowntimeWindowIn(Schema):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: Text = ""

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class WorkCenterIn(Schema):
    site_id: Id
    code: Code
    name: Name
    kind: WorkCenterKind
    area_id: Id
    calendar_id: Id
    parallel_capacity: int = Field(default=1, ge=1, le=1000)
    cost_rate_per_hour: Money = Field(default=Decimal(0))
    setup_matrix: list[SetupTransitionIn] = Field(default_factory=list, max_length=10000)
    downtime_windows: list[DowntimeWindowIn] = Field(default_factory=list, max_length=5000)

    @model_validator(mode="after")
    def _one_time_per_pair(self) -> Self:
        _unique([(t.from_family, t.to_family) for t in self.setup_matrix], "setup transition")
        return self


class ItemIn(Schema):
    site_id: Id
    code: Code
    name: Name
    item_type: ItemType
    make_or_buy: MakeOrBuy
    uom: str = Field(min_length=1, max_length=16)
    standard_cost: Money = Field(default=Decimal(0))
    lead_time_days: int = Field(default=0, ge=0, le=3650)
    safety_stock: Quantity = Field(default=Decimal(0))
    lot_size_rule: LotSizeRule = LotSizeRule.lot_for_lot
    lot_size_fixed: PositiveQuantity | None = None
    lot_size_min: Quantity | None = None
    lot_size_max: PositiveQuantity | None = None
    lot_size_multiple: PositiveQuantity | None = None
    lot_size_periods: int | None = Field(
        default=None, ge=1, le=366, description="working days one order covers (rule 'period')"
    )

    @model_validator(mode="after")
    def _lot_sizing(self) -> Self:
        if self.lot_size_rule is LotSizeRule.fixed and self.lot_size_fixed is None:
            raise ValueError("lot_size_rule 'fixed' needs lot_size_fixed")
        if self.lot_size_rule is LotSizeRule.period and self.lot_size_periods is None:
            raise ValueError("lot_size_rule 'period' needs lot_size_periods")
        low, high = self.lot_size_min, self.lot_size_max
        if low is not None and high is not None and high < low:
            raise ValueError("lot_size_max is below lot_size_min")
        return self


class BomLineIn(Schema):
    component_item_id: Id
    quantity_per: PositiveQuantity
    scrap_factor: Fraction = Field(default=Decimal(0), description="share lost, 0 <= f < 1")
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _effectivity(self) -> Self:
        _dates_in_order(self.valid_from, self.valid_to)
        return self


class BomIn(Schema):
    site_id: Id
    code: Code
    item_id: Id
    quantity: PositiveQuantity = Field(
        default=Decimal(1), description="parent quantity the lines make"
    )
    valid_from: date | None = None
    valid_to: date | None = None
    lines: list[BomLineIn] = Field(min_length=1, max_length=5000)

    @model_validator(mode="after")
    def _effectivity(self) -> Self:
        _dates_in_order(self.valid_from, self.valid_to)
        return self


class OperationAlternativeIn(Schema):
    work_center_id: Id
    setup_seconds: Seconds = 0
    run_seconds_per_unit: float = Field(ge=0, le=10_000_000, allow_inf_nan=False)
    preference: int = Field(default=1, ge=1, le=100)


class OperationIn(Schema):
    sequence: int = Field(ge=1, le=100_000)
    name: Name
    setup_family: Family | None = None
    skill_id: Id | None = None
    crew_size: int = Field(default=1, ge=0, le=100)
    overlap: float = Field(
        default=1.0,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="share of this operation done before the next may start (1 = finish first)",
    )
    alternatives: list[OperationAlternativeIn] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _distinct_work_centers(self) -> Self:
        _unique([a.work_center_id for a in self.alternatives], "work_center_id")
        return self


class RoutingIn(Schema):
    site_id: Id
    code: Code
    item_id: Id
    operations: list[OperationIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _distinct_sequences(self) -> Self:
        _unique([o.sequence for o in self.operations], "sequence")
        return self


class ReasonCodeIn(Schema):
    site_id: Id
    code: Code
    name: Name
    kind: ReasonKind
    loss_category: LossCategory

    @model_validator(mode="after")
    def _category_fits_kind(self) -> Self:
        if self.loss_category not in ALLOWED_LOSSES[self.kind]:
            allowed = ", ".join(sorted(ALLOWED_LOSSES[self.kind]))
            raise ValueError(f"a {self.kind} reason takes loss_category {allowed}")
        return self


class CalendarOut(CalendarIn, Record):
    pass


class WorkCenterOut(WorkCenterIn, Record):
    pass


class ItemOut(ItemIn, Record):
    pass


class BomOut(BomIn, Record):
    pass


class RoutingOut(RoutingIn, Record):
    pass


class ReasonCodeOut(ReasonCodeIn, Record):
    pass
