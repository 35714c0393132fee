"""Values a column cannot store as given, found before any SQL runs.

The input schemas check what a value means; the columns decide what the database can hold.
Where the two disagree (a NUL byte, a string longer than the column, more digits or decimal
places than a NUMERIC keeps, an integer beyond the column's range, an instant that cannot be
expressed in UTC), PostgreSQL would fail in the middle of a flush (a 500) and SQLite would store
something else than was sent. Both are refused here as field errors, on both databases alike."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
)
from sqlalchemy.types import TypeEngine

from plantops.errors import FieldError
from plantops.resources.fields import Schema
from plantops.resources.spec import ChildSpec

Location = tuple[str | int, ...]

_INTEGER_BITS = ((BigInteger, 64), (SmallInteger, 16), (Integer, 32))


def column_errors(
    data: Schema, table: Table, children: tuple[ChildSpec, ...], at: Location = ()
) -> list[FieldError]:
    """A field error for every value of `data` (and its child rows) its column cannot store."""
    nested = {child.field: child for child in children}
    errors: list[FieldError] = []
    for name in type(data).model_fields:
        value = getattr(data, name)
        child = nested.get(name)
        if child is not None:
            for index, row in enumerate(value):
                child_table: Table = child.model.__table__  # type: ignore[assignment]
                errors += column_errors(row, child_table, child.children, (*at, name, index))
        elif name in table.c and value is not None:
            message = unstorable(table.c[name].type, value)
            if message is not None:
                errors.append(FieldError((*at, name), message))
    return errors


def unstorable(column_type: TypeEngine[Any], value: object) -> str | None:
    """Why `value` cannot be stored in a column of this type as it is, or None."""
    impl = getattr(column_type, "impl", column_type)  # a TypeDecorator stores as its impl
    if isinstance(value, str):
        return _text(impl, value)
    if isinstance(value, Decimal) and isinstance(impl, Numeric) and not isinstance(impl, Float):
        return _decimal(impl, value)
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(impl, Integer):
        return _integer(impl, value)
    if isinstance(value, datetime):
        return _instant(getattr(impl, "timezone", False), value)
    if isinstance(value, time) and value.tzinfo is not None and not getattr(impl, "timezone", 0):
        return "a local time of day: give no UTC offset"
    return None


def fits(column: ColumnElement[Any], value: object) -> bool:
    """Whether `value` can be compared with the column at all: PostgreSQL casts a parameter to
    the column's type, and an id beyond INTEGER is an error there, not a row that is missing."""
    return unstorable(column.type, value) is None


def stored(value: object) -> object:
    """The value as the database gives it back (instants in UTC), so a write answers with what
    a later read returns."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def _text(column_type: TypeEngine[Any], value: str) -> str | None:
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text (lone surrogate)"
    length = getattr(column_type, "length", None) if isinstance(column_type, String) else None
    if length is not None and len(value) > length:
        return f"must have at most {length} characters"
    return None


def _decimal(column_type: Numeric[Any], value: Decimal) -> str | None:
    if not value.is_finite():
        return "must be a finite number"
    precision, scale = column_type.precision, column_type.scale or 0
    if precision is None:
        return None
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > scale:
        return f"must have at most {scale} decimal places"
    if normal and normal.adjusted() >= precision - scale:
        return f"must be less than 10^{precision - scale} in magnitude"
    return None


def _integer(column_type: Integer, value: int) -> str | None:
    bits = next(b for kind, b in _INTEGER_BITS if isinstance(column_type, kind))
    limit = 2 ** (bits - 1)
    if not -limit <= value < limit:
        return f"must be between {-limit} and {limit - 1}"
    return None


def _instant(with_zone: bool, value: datetime) -> str | None:
    if value.tzinfo is None:
        return "needs a UTC offset (e.g. Z or +01:00)" if with_zone else None
    if not with_zone:
        return "a local wall-clock time: give no UTC offset"
    try:
        value.astimezone(UTC)
    except OverflowError:
        return "is out of range once converted to UTC"
    return None
