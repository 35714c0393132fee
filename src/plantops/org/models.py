"""Regions group sites; a site is a plant with its own time zone and currency."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantops.storage.base import Entity, code_column, site_fk


class Region(Entity):
    __tablename__ = "region"
    __table_args__ = (UniqueConstraint("code"),)

    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))


class Site(Entity):
    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("code"),)

    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA, e.g. "Europe/Berlin"
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217


class Area(Entity):
    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))
