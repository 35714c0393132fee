"""Declarative base and the columns every PlantOps table shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Column types matching the API's declared precision (resources/fields.py): what the API
# accepts, the database stores exactly.
QUANTITY = Numeric(18, 6)
MONEY = Numeric(14, 4)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware (DESIGN.md rule 6)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: PlantOps stores instants in UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {datetime: UtcDateTime()}


class Entity(Base):
    """An editable record: integer id, a natural `code`, an optimistic version."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-10)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Child(Base):
    """A row owned by an aggregate root (a BOM line, a routing operation...)."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-10)


def stored_enum(cls: type) -> Enum:
    """An enumeration stored as VARCHAR on both databases: adding a value needs no ALTER."""
    return Enum(cls, native_enum=False, length=32, validate_strings=True)


def site_fk() -> Mapped[int]:
    """Every operational row belongs to a site (DESIGN.md rule 7)."""
    return mapped_column(ForeignKey("site.id"), index=True, nullable=False)


def code_column() -> Mapped[str]:
    return mapped_column(String(64), nullable=False)
