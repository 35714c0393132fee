"""The shop-event ledger's rows, written by SQLAlchemy Core rather than as ORM objects: a
ledger row is never updated, so it needs no unit of work, and building one ORM object of
29 attributes cost more than the rest of recording its event. A batch's rows wait here and
go to the database together at its end (storage.bulk: COPY on PostgreSQL); a row alone
takes its id from its INSERT.

Who appends must `write` before anything reads the ledger in the same transaction, and
before a savepoint that could be rolled back: execution.recording does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from plantops.execution.models import ShopEvent
from plantops.storage import bulk, txcache

TABLE: Table = ShopEvent.__table__  # type: ignore[assignment]  # declared: a Table


@dataclass(slots=True)
class Entry:
    """A ledger row as recording needs it: what a re-sending is checked and answered from.
    `id` is the database's once the row is written."""

    idempotency_key: str
    body_sha256: str
    site_id: int
    answer: dict[str, Any]
    id: int = 0


_RETURNING = insert(TABLE).returning(TABLE.c.id)
_BY_KEYS = select(
    TABLE.c.idempotency_key, TABLE.c.body_sha256, TABLE.c.site_id, TABLE.c.answer, TABLE.c.id
).where(TABLE.c.idempotency_key.in_(bindparam("keys", expanding=True)))


def append(session: Session, values: dict[str, Any]) -> Entry:
    """Keep the row (a ShopEvent's columns but its id) to write with the others."""
    entry = Entry(values["idempotency_key"], values["body_sha256"], values["site_id"],
                  values["answer"])  # fmt: skip
    _pending(session).append((entry, values))
    return entry


def write(session: Session) -> None:
    """Write the rows appended so far in this transaction, in one statement."""
    pending = _pending(session)
    if not pending:
        return
    taken = list(pending)
    pending.clear()  # a failed write spoils the transaction: nothing is kept to write again
    rows = [values for _, values in taken]
    if len(rows) == 1:  # an event sent alone: its id from its insert
        idents = [session.connection().execute(_RETURNING, rows[0]).scalar_one()]
    else:
        idents = bulk.insert_rows(session, TABLE, rows)
    for (entry, _), ident in zip(taken, idents, strict=True):
        entry.id = ident


def recorded(session: Session, keys: list[str]) -> dict[str, Entry]:
    """The ledger's entries under `keys` (those recorded), by key."""
    rows = session.execute(_BY_KEYS, {"keys": keys})
    return {row.idempotency_key: Entry(*row) for row in rows}


def _pending(session: Session) -> list[tuple[Entry, dict[str, Any]]]:
    rows: list[tuple[Entry, dict[str, Any]]] = txcache.of(session, "journal").setdefault("rows", [])
    return rows
