"""Work center states and operators' clock in / clock out. Both are read from the ledger
itself (the latest event of the work center, of the employee); the work center's or the
employee's row is locked while one is recorded, so two terminals cannot both clock the
same person in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import InvalidTransition
from plantops.execution import references
from plantops.execution.checks import timing
from plantops.execution.lifecycle import CLOCK_EVENTS, EventKind
from plantops.execution.models import ShopEvent
from plantops.execution.outcome import Outcome
from plantops.execution.schemas import EventIn
from plantops.masterdata.models import WorkCenter
from plantops.storage import txcache
from plantops.types import WorkCenterState
from plantops.workforce.models import Employee

E = EventKind


@dataclass(frozen=True)
class Latest:
    """A work center's latest state event: all that deciding on the next one needs."""

    occurred_at: datetime
    state: WorkCenterState | None


def latest_state(session: Session, work_center_id: int) -> Latest | None:
    """Read once per transaction: the work center is locked while a state is recorded, so
    what this transaction recorded since (`remember`) is all that can have changed it. A
    batch of a shift's states then reads the ledger once per work center, not per event."""
    held: dict[int, Latest | None] = txcache.of(session, "work_center_states")
    if work_center_id not in held:
        row = session.scalar(
            select(ShopEvent)
            .where(
                ShopEvent.work_center_id == work_center_id,
                ShopEvent.kind == E.work_center_state,
            )
            .order_by(ShopEvent.occurred_at.desc(), ShopEvent.id.desc())
            .limit(1)
        )
        held[work_center_id] = None if row is None else Latest(row.occurred_at, row.state)
    return held[work_center_id]


def remember(session: Session, event: EventIn) -> None:
    """A state event was recorded: if it is the newest, it is the work center's latest."""
    held: dict[int, Latest | None] = txcache.of(session, "work_center_states")
    center = event.work_center_id
    if center in held and _is_newest(event, held[center]):
        held[center] = Latest(event.occurred_at, event.state)


def latest_clock(session: Session, employee_id: int) -> ShopEvent | None:
    return session.scalar(
        select(ShopEvent)
        .where(ShopEvent.employee_id == employee_id, ShopEvent.kind.in_(CLOCK_EVENTS))
        .order_by(ShopEvent.occurred_at.desc(), ShopEvent.id.desc())
        .limit(1)
    )


def state_event(session: Session, caller: Caller, event: EventIn, now: datetime) -> Outcome:
    assert event.work_center_id is not None and event.state is not None
    center = _locked_center(session, caller, event.work_center_id)
    references.check_people_and_reasons(session, caller, center.site_id, event)
    latest = latest_state(session, center.id)
    when = timing(event.occurred_at, now, latest.occurred_at if latest else None)
    late, flags = when.late, when.flags
    if latest is not None and latest.state is event.state and not when.buffered:
        raise InvalidTransition(
            f"work center {center.code} is already {event.state} (since {latest.occurred_at})"
        )
    current = event.state if _is_newest(event, latest) or latest is None else latest.state
    return Outcome(
        site_id=center.site_id,
        late=late,
        flags=flags,
        work_center_id=center.id,
        work_center_state=current,
    )


def _locked_center(session: Session, caller: Caller, ident: int) -> WorkCenter:
    """The work center, locked for the rest of the transaction (read once per transaction)."""
    held: dict[int, WorkCenter] = txcache.of(session, "locked_work_centers")
    center = held.get(ident)
    if center is None:
        center = held[ident] = references.work_center(session, caller, ident, lock=True)
    elif not caller.scope.allows(center.site_id):  # held for another sender of the group
        raise references.missing("work_center_id", "work center")
    return center


def clock_event(session: Session, caller: Caller, event: EventIn, now: datetime) -> Outcome:
    assert event.employee_id is not None
    employee = session.get(
        Employee, event.employee_id, with_for_update=True, populate_existing=True
    )
    if employee is None or not caller.scope.allows(employee.site_id):
        raise references.missing("employee_id", "employee")
    site_id = employee.site_id
    if event.work_center_id is not None:
        site_id = references.work_center(session, caller, event.work_center_id).site_id
    latest = latest_clock(session, employee.id)
    when = timing(event.occurred_at, now, latest.occurred_at if latest else None)
    late, flags = when.late, when.flags
    clocked_in = latest is not None and latest.kind is E.clock_in
    coming = event.kind is E.clock_in
    if clocked_in == coming and not when.buffered:
        where = "in" if coming else "out"
        raise InvalidTransition(f"employee {employee.code} is already clocked {where}")
    return Outcome(
        site_id=site_id,
        late=late,
        flags=flags,
        work_center_id=event.work_center_id,
        clocked_in=coming if _is_newest(event, latest) else clocked_in,
    )


def _is_newest(event: EventIn, latest: Latest | ShopEvent | None) -> bool:
    """Whether the event is now the subject's latest: its state is the current one."""
    return latest is None or event.occurred_at >= latest.occurred_at
