"""The audit trail: every change of master data, plans, orders and users, written in the
same transaction as the change itself, chained by SHA-256.

Each record's hash covers its own content and its predecessor's hash, and the head row holds
the last id and hash: changing, removing or inserting a record anywhere, or cutting the tail
off, breaks the chain, and `verify` says where. The database refuses UPDATE and DELETE on the
records themselves (triggers from the migration)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.models import AuditHead, AuditRecord

GENESIS = "0" * 64
RECORDS: Table = AuditRecord.__table__  # type: ignore[assignment]
HEAD_ID = 1
CSV_COLUMNS = (
    "id", "at", "username", "action", "entity", "record_id", "site_id", "reason", "old", "new",
    "previous_hash", "hash",
)  # fmt: skip


def _plain(value: Any) -> Any:
    """Values JSON has no type for, as the API shows them."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in an audit record")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    )


# The hashed content, in this order: the columns of a record but its own hash.
HASHED = (
    "id", "at", "user_id", "username", "action", "entity", "record_id", "site_id", "old", "new",
    "reason", "previous_hash",
)  # fmt: skip


def _digest(values: dict[str, Any]) -> str:
    """SHA-256 of the fields, each length-prefixed (unambiguous, and the JSON of old and new
    goes in as it is, not escaped once more); None is "~"."""
    parts = []
    for name in HASHED:
        value = values[name]
        if value is None:
            parts.append("~")
            continue
        text = value.astimezone(UTC).isoformat() if name == "at" else str(value)
        parts.append(f"{len(text)}:{text}")
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def chain_hash(record: AuditRecord) -> str:
    return _digest({name: getattr(record, name) for name in HASHED})


@dataclass(frozen=True)
class Entry:
    action: str
    entity: str
    record_id: int
    site_id: int | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None


def append_many(
    session: Session,
    caller: Caller,
    batches: Iterable[list[Entry]],
    reason: str | None = None,
) -> int:
    """Chain records onto the trail: one lock of the head row (held until the transaction
    ends, so concurrent writers take their turn and each links to the one before), a bulk
    insert of plain rows per batch (an import of a large plant writes 100,000s). How many."""
    head = session.scalars(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()).one()
    now, previous, number = datetime.now(UTC), head.last_hash, head.last_id
    who = {"at": now, "user_id": caller.user_id, "username": caller.username, "reason": reason}
    for batch in batches:
        rows = []
        for e in batch:
            number += 1
            row = who | {
                "id": number, "action": e.action, "entity": e.entity, "record_id": e.record_id,
                "site_id": e.site_id, "old": _json(e.old), "new": _json(e.new),
                "previous_hash": previous,
            }  # fmt: skip
            row["hash"] = previous = _digest(row)
            rows.append(row)
        if rows:
            session.execute(insert(RECORDS), rows)  # Core: no ORM bookkeeping
    count = number - head.last_id
    head.last_id, head.last_hash = number, previous
    session.flush()
    return count


def append(
    session: Session,
    caller: Caller,
    action: str,
    entity: str,
    record_id: int,
    site_id: int | None,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    """Chain one record onto the trail (the head row stays locked until the transaction
    ends, so concurrent writers take their turn and each links to the one before)."""
    append_many(session, caller, [[Entry(action, entity, record_id, site_id, old, new)]], reason)


@dataclass
class Verdict:
    records: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(session: Session, batch: int = 5000) -> Verdict:
    """Walk the whole chain in id order; every break is reported (the first ones matter)."""
    verdict = Verdict()
    expected_id, previous = 1, GENESIS
    for record in session.scalars(
        select(AuditRecord).order_by(AuditRecord.id).execution_options(yield_per=batch)
    ):
        verdict.records += 1
        if record.id != expected_id:
            verdict.problems.append(
                f"records {expected_id} to {record.id - 1} are missing"
                if record.id > expected_id
                else f"record {record.id} is out of order"
            )
        if record.previous_hash != previous:
            verdict.problems.append(f"record {record.id} does not link to the record before it")
        if chain_hash(record) != record.hash:
            verdict.problems.append(f"record {record.id} was altered after it was written")
        expected_id, previous = record.id + 1, record.hash
    head = session.get(AuditHead, HEAD_ID)
    if head is None:
        verdict.problems.append("the chain's head row is missing")
    elif (head.last_id, head.last_hash) != (expected_id - 1, previous):
        verdict.problems.append(
            f"the trail ends at record {expected_id - 1} but its head says {head.last_id}: "
            "records were removed from the end"
        )
    return verdict


def history(session: Session, entity: str, record_id: int) -> list[AuditRecord]:
    statement = (
        select(AuditRecord)
        .where(AuditRecord.entity == entity, AuditRecord.record_id == record_id)
        .order_by(AuditRecord.id)
    )
    return list(session.scalars(statement))


@dataclass(frozen=True)
class TrailQuery:
    entity: str | None = None
    record_id: int | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0


def _conditions(caller: Caller, query: TrailQuery) -> list[Any]:
    conditions: list[Any] = []
    sites = caller.scope.site_ids
    if sites is not None:  # records of no site (regions, users) are for unrestricted callers
        conditions.append(AuditRecord.site_id.in_(sites))
    if query.entity is not None:
        conditions.append(AuditRecord.entity == query.entity)
    if query.record_id is not None:
        conditions.append(AuditRecord.record_id == query.record_id)
    if query.username is not None:
        conditions.append(AuditRecord.username == query.username)
    if query.since is not None:
        conditions.append(AuditRecord.at >= query.since)
    if query.until is not None:
        conditions.append(AuditRecord.at < query.until)
    return conditions


def trail(session: Session, caller: Caller, query: TrailQuery) -> tuple[list[AuditRecord], int]:
    """A page of the trail within the caller's sites, newest first, and the total."""
    conditions = _conditions(caller, query)
    total = session.scalar(select(func.count()).select_from(AuditRecord).where(*conditions))
    statement = (
        select(AuditRecord)
        .where(*conditions)
        .order_by(AuditRecord.id.desc())
        .limit(query.limit)
        .offset(query.offset)
    )
    return list(session.scalars(statement)), total or 0


def export_rows(session: Session, caller: Caller, query: TrailQuery) -> Iterator[AuditRecord]:
    statement = (
        select(AuditRecord)
        .where(*_conditions(caller, query))
        .order_by(AuditRecord.id)
        .execution_options(yield_per=2000)
    )
    yield from session.scalars(statement)


def to_csv(records: Iterable[AuditRecord]) -> Iterator[str]:
    """CSV lines; cells a spreadsheet would run as a formula are quoted with a leading '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        row = [getattr(record, c) for c in CSV_COLUMNS]
        row[1] = record.at.astimezone(UTC).isoformat()
        writer.writerow([_cell(v) for v in row])
        yield buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
