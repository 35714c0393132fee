"""Input and output shapes of regions, sites and areas."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from pydantic import Field, field_validator

from plantops.resources.fields import Code, Id, Name, Record, Schema

_ZONES = frozenset(available_timezones())


class RegionIn(Schema):
    code: Code
    name: Name


class SiteIn(Schema):
    code: Code
    name: Name
    region_id: Id
    time_zone: str = Field(description="IANA time zone, e.g. Europe/Berlin")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # Look the name up before opening it: ZoneInfo("America") opens a directory.
        if value not in _ZONES:
            raise ValueError(f"unknown IANA time zone {value!r}")
        ZoneInfo(value)
        return value


class AreaIn(Schema):
    site_id: Id
    code: Code
    name: Name


class RegionOut(RegionIn, Record):
    pass


class SiteOut(SiteIn, Record):
    pass


class AreaOut(AreaIn, Record):
    pass
