"""Elements summed over any grouping (work centers, shifts, days, sites), and the loss tree
they make. Sums only: every KPI is a ratio of sums, never an average of ratios, so a site's
OEE weighs each work center by its planned busy time. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from plantops.kpi.elements import Elements


@dataclass(frozen=True)
class Totals:
    """ISO 22400-2 elements of a group, seconds and quantities (see kpi.elements)."""

    pot: float = 0
    pdot: float = 0
    apt: float = 0
    asut: float = 0
    breakdown: float = 0
    minor_stop: float = 0
    idle: float = 0
    maintenance: float = 0
    aoet: float = 0
    failures: float = 0
    repair: float = 0
    good: float = 0
    scrap: float = 0
    rework: float = 0
    planned_good: float = 0
    planned_scrap: float = 0
    planned_rework: float = 0
    apwt: float = 0  # personnel work time: on an operation (needs clocking, see kpi.labour)
    apat: float = 0  # personnel attendance time: clocked in

    @property
    def pbt(self) -> float:
        return self.pot - self.pdot

    @property
    def adet(self) -> float:
        return self.breakdown + self.minor_stop

    @property
    def aupt(self) -> float:
        return self.apt + self.asut

    @property
    def aubt(self) -> float:
        return self.apt + self.asut + self.adet

    @property
    def produced(self) -> float:
        return self.good + self.scrap + self.rework

    @property
    def planned_produced(self) -> float:
        """PRU x PQ: the time the quantity made would take at the planned rate."""
        return self.planned_good + self.planned_scrap + self.planned_rework

    def __add__(self, other: Totals) -> Totals:
        return Totals(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in FIELDS})


FIELDS = fields(Totals)
NAMES = tuple(f.name for f in FIELDS)


def of(elements: Elements) -> Totals:
    return Totals(**{
        name: float(value) if isinstance(value, Decimal) else value
        for name in NAMES
        if (value := getattr(elements, name, 0)) is not None
    })  # fmt: skip


def total(items: Iterable[Totals]) -> Totals:
    result = Totals()
    for item in items:
        result = result + item
    return result


@dataclass(frozen=True)
class Loss:
    key: str
    name: str
    factor: str  # availability, effectiveness (performance) or quality
    seconds: float
    element: str  # the ISO 22400 element it is booked against


@dataclass(frozen=True)
class LossTree:
    """From planned busy time down to fully productive time: the six big losses, each in
    seconds, add up exactly to PBT - PRU x GQ (the gap OEE measures)."""

    planned_busy: float  # PBT
    losses: tuple[Loss, ...]
    productive: float  # PRU x GQ: the good output at the planned rate

    @property
    def gap(self) -> float:
        return self.planned_busy - self.productive


def loss_tree(t: Totals) -> LossTree:
    losses = (
        Loss("breakdown", "Breakdowns", "availability", t.breakdown, "ADET"),
        Loss("setup", "Setup and adjustments", "availability", t.asut, "ASUT"),
        Loss(
            "minor_stop",
            "Idling and minor stops",
            "availability",
            t.minor_stop + t.idle,
            "ADET + idle",
        ),
        Loss(
            "speed_loss",
            "Reduced speed",
            "effectiveness",
            t.apt - t.planned_produced,
            "APT - PRU x PQ",
        ),
        Loss("scrap", "Scrap", "quality", t.planned_scrap, "PRU x SQ"),
        Loss("rework", "Rework", "quality", t.planned_rework, "PRU x RQ"),
    )
    return LossTree(t.pbt, losses, t.planned_good)
