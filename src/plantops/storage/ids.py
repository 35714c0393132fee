"""Primary keys taken ahead of a bulk insert: rows written by one executemany (no RETURNING
per row) still answer with their ids."""

from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

_FROM_SEQUENCE = text(
    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
)


def reserve(session: Session, table: Table, count: int) -> list[int]:
    """`count` new ids for `table`'s integer primary key `id`, in increasing order.

    PostgreSQL draws them from the column's sequence, as its own inserts would. SQLite
    gives a new row the largest id plus one; the caller holds the write lock
    (storage.engine.serialized_write), so no other writer takes them meanwhile, and the
    primary key refuses the insert if one ever did."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        drawn = session.scalars(_FROM_SEQUENCE, {"table": table.name, "n": count})
        return sorted(drawn)
    largest = session.scalar(select(func.max(table.c.id))) or 0
    return list(range(largest + 1, largest + 1 + count))
