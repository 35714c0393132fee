"""The demo company: two regions, three plants in three time zones, each with its own country
(holidays, names), currency and cost level."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shifts:
    """Start times (HH:MM) of the three 8-hour shifts and of the day shift, site local."""

    early: str
    late: str
    night: str
    day: str
    day_end: str


@dataclass(frozen=True)
class SiteProfile:
    code: str
    name: str
    region: str
    time_zone: str
    currency: str
    country: str  # ISO 3166 alpha-2: holidays, people's and customers' names
    prices: float  # purchase prices in local currency per EUR of the reference price list
    rates: float  # machine hour rates in local currency per EUR of the reference rate
    labour: float  # fully loaded hourly cost of an operator, local currency
    shifts: Shifts
    lines: tuple[str, ...]  # product lines the plant makes (see parts.FINISHED)
    colours: tuple[str, ...]  # paint colours of its products, most used first


REGIONS: tuple[tuple[str, str], ...] = (
    ("EMEA", "Europe, Middle East & Africa"),
    ("AMER-APAC", "Americas & Asia-Pacific"),
)

SITES: tuple[SiteProfile, ...] = (
    SiteProfile(
        code="DE-STR",
        name="Stuttgart plant",
        region="EMEA",
        time_zone="Europe/Berlin",
        currency="EUR",
        country="DE",
        prices=1.0,
        rates=1.0,
        labour=46.0,
        shifts=Shifts("06:00", "14:00", "22:00", "07:00", "15:30"),
        lines=("hydraulics", "drives"),
        colours=("RAL 7035", "RAL 5010", "RAL 9005"),
    ),
    SiteProfile(
        code="US-MKE",
        name="Milwaukee plant",
        region="AMER-APAC",
        time_zone="America/Chicago",
        currency="USD",
        country="US",
        prices=1.1,
        rates=1.15,
        labour=39.0,
        shifts=Shifts("07:00", "15:00", "23:00", "07:00", "15:30"),
        lines=("conveying", "hydraulics"),
        colours=("RAL 1023", "RAL 7035", "RAL 9005"),
    ),
    SiteProfile(
        code="CN-SUZ",
        name="Suzhou plant",
        region="AMER-APAC",
        time_zone="Asia/Shanghai",
        currency="CNY",
        country="CN",
        prices=5.9,
        rates=4.2,
        labour=78.0,
        shifts=Shifts("07:30", "15:30", "23:30", "08:00", "16:30"),
        lines=("drives", "conveying"),
        colours=("RAL 7035", "RAL 3020", "RAL 9010"),
    ),
)
