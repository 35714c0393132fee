"""Recording shop-floor events exactly once: a re-sent event (same idempotency key, same
body) is answered as it was the first time; the same key with another body is refused;
a new event is checked whole and recorded with what it did, or refused with nothing kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import DomainError, ValidationFailed
from plantops.execution import floor, floor_locks, journal, stations
from plantops.execution.checks import field_problems
from plantops.execution.journal import Entry
from plantops.execution.lifecycle import CLOCK_EVENTS, OPERATION_EVENTS, ORDER_EVENTS, EventKind
from plantops.execution.models import OrderOperation
from plantops.execution.outcome import Outcome
from plantops.execution.schemas import EventIn
from plantops.inventory.balances import policy_of
from plantops.storage import txcache

KEY = ("idempotency_key",)


@dataclass(frozen=True)
class Recorded:
    row: Entry
    replayed: bool

    @property
    def answer(self) -> dict[str, Any]:
        """EventOut's fields (once the row is written: its id is the database's)."""
        return answer_of(self.row)


def record(
    session: Session,
    caller: Caller,
    event: EventIn,
    now: datetime,
    *,
    fast: bool = False,
    alone: bool = False,
) -> Recorded:
    """Record one event in the caller's transaction, or answer a re-sending of one already
    recorded. A refusal keeps nothing of it: the event runs in a savepoint, flushed at once so
    a key another connection just recorded is found here; `fast` (a batch) spares both where
    nothing can refuse the event once it began to change rows (see `guarded`). `alone`: the
    transaction is the event's own, so a refusal rolls it back whole (no savepoint), and the
    key is not looked up first: a new event is the rule, a re-sending the exception. One
    that is refused is answered from the key; one that is not fails the commit on the key's
    unique index (IntegrityError), and the caller tries again without `alone`."""
    caller.require(Domain.execution, Action.create, "shop-floor events")
    if event.kind in ORDER_EVENTS:
        caller.require(Domain.execution, Action.update, "production orders on the floor")
    body = event.digest()
    known = txcache.of(session, "event_keys")
    key = event.idempotency_key
    earlier = None
    if not alone:
        earlier = known[key] if key in known else _recorded(session, key)
    if earlier is not None:
        return _replay(caller, earlier, body)
    problems = field_problems(event)
    if problems:
        raise ValidationFailed(f"{problems[0].pointer()[1:]}: {problems[0].message}", problems)
    if alone:
        floor_locks.hold(session, [event])
    try:
        if alone or (fast and not guarded(session, event)):
            row = _append(session, caller, event, body, now)
            if alone:
                journal.write(session)
        else:
            journal.write(session)  # the batch's rows so far: not in the savepoint
            with session.begin_nested():
                row = _append(session, caller, event, body, now)
                journal.write(session)  # a key recorded meanwhile fails here, in the savepoint
    except (IntegrityError, DomainError) as refused:
        # another connection may have recorded the same key between our look and our
        # insert (PostgreSQL: we waited for its lock, and now it is there)
        if alone and isinstance(refused, IntegrityError):
            raise  # the transaction is spoilt: the caller tries again in a new one
        earlier = _recorded(session, key)
        if earlier is None:
            raise
        return _replay(caller, earlier, body)
    known[key] = row
    if event.kind is EventKind.work_center_state:
        stations.remember(session, event)
    return Recorded(row, replayed=False)


def guarded(session: Session, event: EventIn) -> bool:
    """Whether recording the event may be refused after it began to change rows: a report at
    a site that keeps stock (its backflush may find a component short), or an order's event.
    Those run in a savepoint; the others (a work center's state and clocking change no row
    but their ledger row) decide everything before they change anything, and a batch of
    them is written in one flush when it commits."""
    if event.kind in ORDER_EVENTS:
        return True
    if event.kind not in OPERATION_EVENTS:
        return False
    if event.kind not in (EventKind.operation_report, EventKind.operation_complete):
        return False
    if not (event.good or event.scrap):
        return False
    op = session.get(OrderOperation, event.order_operation_id)
    return op is None or policy_of(session, op.site_id) is not None


def record_all(
    session: Session, caller: Caller, events: list[EventIn], now: datetime, *, fast: bool = True
) -> list[Recorded | DomainError]:
    """Each event of a batch as if sent alone, in order: what it was answered, or what
    refused it (nothing of a refused event is kept; the others are). Fast, unless told: a key
    another connection recorded meanwhile then fails the commit (IntegrityError), and the
    caller runs the batch again with `fast=False`, where each event finds it."""
    caller.require(Domain.execution, Action.create, "shop-floor events")
    return record_each(session, [Sent(caller, event, now) for event in events], fast=fast)


@dataclass(frozen=True, slots=True)
class Sent:
    """An event, who sent it and when it arrived."""

    caller: Caller
    event: EventIn
    now: datetime


def record_each(
    session: Session, sent: Sequence[Sent], *, fast: bool = True
) -> list[Recorded | DomainError]:
    """record_all for events sent by several callers (single events written together)."""
    keys = [s.event.idempotency_key for s in sent]
    known = txcache.of(session, "event_keys")
    known.update(dict.fromkeys(keys))  # looked up at once: absent unless found below
    known.update(journal.recorded(session, keys))
    floor_locks.hold(session, [s.event for s in sent if known[s.event.idempotency_key] is None])
    results: list[Recorded | DomainError] = []
    for one in sent:
        try:
            results.append(record(session, one.caller, one.event, one.now, fast=fast))
        except DomainError as refused:
            results.append(refused)
    journal.write(session)
    return results


class Answered(Protocol):
    id: int
    idempotency_key: str
    answer: dict[str, Any]


def answer_of(row: Answered) -> dict[str, Any]:
    """EventOut's fields, from a ledger row (a ShopEvent, or an Entry once written)."""
    return {"id": row.id, "idempotency_key": row.idempotency_key, **row.answer}


def _recorded(session: Session, key: str) -> Entry | None:
    return journal.recorded(session, [key]).get(key)


def _replay(caller: Caller, earlier: Entry, body: str) -> Recorded:
    if earlier.body_sha256 != body or not caller.scope.allows(earlier.site_id):
        raise ValidationFailed.one(
            KEY, "idempotency_key: already used for a different event; a new event needs a new key"
        )
    return Recorded(earlier, replayed=True)


def _append(session: Session, caller: Caller, event: EventIn, body: str, now: datetime) -> Entry:
    outcome = _apply(session, caller, event, now)
    return journal.append(session, {
        "idempotency_key": event.idempotency_key,
        "body_sha256": body,
        "kind": event.kind,
        "occurred_at": event.occurred_at,
        "recorded_at": now,
        "recorded_by": caller.username,
        "recorded_by_id": caller.user_id,
        "employee_id": event.employee_id,
        "state": event.state,
        "reason_code_id": event.reason_code_id,
        "scrap_reason_code_id": event.scrap_reason_code_id,
        "note": event.note or "",
        **outcome.columns(),
        "answer": outcome.answer(event, now),
    })  # fmt: skip


def _apply(session: Session, caller: Caller, event: EventIn, now: datetime) -> Outcome:
    if event.kind in OPERATION_EVENTS:
        return floor.operation_event(session, caller, event, now)
    if event.kind in ORDER_EVENTS:
        return floor.order_event(session, caller, event, now)
    if event.kind in CLOCK_EVENTS:
        return stations.clock_event(session, caller, event, now)
    assert event.kind is EventKind.work_center_state
    return stations.state_event(session, caller, event, now)
