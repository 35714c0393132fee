"""The pre-aggregated KPI elements: one row per work center and booking period (a shift
instance, or the off-shift time of a local day), with its reasons and products beside it.
Derived from the event ledger (kpi.refresh) and rebuilt from it at will: never a source of
truth, so dropping these tables loses nothing. KPI queries sum these rows, so their cost
grows with work centers x shifts, not with events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantops.storage.base import QUANTITY, Base, site_fk

SECONDS = (
    "pot", "pdot", "apt", "asut", "breakdown", "minor_stop", "idle", "maintenance", "aoet",
    "failures", "repair",
)  # fmt: skip
QUANTITIES = ("good", "scrap", "rework")
PLANNED = ("planned_good", "planned_scrap", "planned_rework")


def _int() -> Mapped[int]:
    return mapped_column(Integer, default=0, nullable=False)


def _qty() -> Mapped[Decimal]:
    return mapped_column(QUANTITY, default=Decimal(0), nullable=False)


def _float() -> Mapped[float]:
    return mapped_column(Float, default=0.0, nullable=False)


class _Booked(Base):
    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = site_fk()
    work_center_id: Mapped[int] = mapped_column(ForeignKey("work_center.id"))
    day: Mapped[date] = mapped_column(Date)  # the production day, local
    shift: Mapped[str] = mapped_column(String(200))  # "" off shift
    starts_at: Mapped[datetime]


class KpiPeriod(_Booked):
    __tablename__ = "kpi_period"
    __table_args__ = (
        UniqueConstraint("work_center_id", "starts_at"),
        Index("ix_kpi_period_site_day", "site_id", "day"),
    )

    ends_at: Mapped[datetime]
    pot: Mapped[int] = _int()
    pdot: Mapped[int] = _int()
    apt: Mapped[int] = _int()
    asut: Mapped[int] = _int()
    breakdown: Mapped[int] = _int()
    minor_stop: Mapped[int] = _int()
    idle: Mapped[int] = _int()
    maintenance: Mapped[int] = _int()
    aoet: Mapped[int] = _int()
    failures: Mapped[int] = _int()
    repair: Mapped[int] = _int()
    good: Mapped[Decimal] = _qty()
    scrap: Mapped[Decimal] = _qty()
    rework: Mapped[Decimal] = _qty()
    planned_good: Mapped[float] = _float()
    planned_scrap: Mapped[float] = _float()
    planned_rework: Mapped[float] = _float()


class KpiReason(_Booked):
    """Time lost to a reason in a period (downtime) or quantity (scrap, rework)."""

    __tablename__ = "kpi_reason"
    __table_args__ = (Index("ix_kpi_reason_site_day", "site_id", "day"),)

    reason_code_id: Mapped[int] = mapped_column(ForeignKey("reason_code.id"))
    seconds: Mapped[int] = _int()
    occurrences: Mapped[int] = _int()
    quantity: Mapped[Decimal] = _qty()


class KpiProduct(_Booked):
    __tablename__ = "kpi_product"
    __table_args__ = (Index("ix_kpi_product_site_day", "site_id", "day"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    apt: Mapped[int] = _int()
    good: Mapped[Decimal] = _qty()
    scrap: Mapped[Decimal] = _qty()
    rework: Mapped[Decimal] = _qty()
    planned_run: Mapped[float] = _float()


class KpiWatermark(Base):
    """How far a site's rows are built: every local day before `complete_before` is, as
    the ledger stood at `refreshed_at` (later days are rebuilt on each refresh)."""

    __tablename__ = "kpi_watermark"

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    complete_before: Mapped[date | None] = mapped_column(Date)
    last_event_id: Mapped[int] = _int()  # the highest event id seen
    refreshed_at: Mapped[datetime | None]


class KpiTarget(Base):
    """A site's target for one KPI (kpi.catalog key): the value the reports compare with,
    met when at or beyond it in the KPI's better direction. Changed through kpi.targets
    (audited)."""

    __tablename__ = "kpi_target"
    __table_args__ = (UniqueConstraint("site_id", "kpi"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = site_fk()
    kpi: Mapped[str] = mapped_column(String(64))
    target: Mapped[float] = mapped_column(Float)
