"""The records an event names must exist, be the caller's to see and fit the event: a 422
naming the field otherwise (an unknown record and one at a site the caller is not granted
answer alike)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import ValidationFailed
from plantops.execution.lifecycle import EventKind
from plantops.execution.schemas import EventIn
from plantops.masterdata.models import OperationAlternative, ReasonCode, WorkCenter
from plantops.types import ReasonKind
from plantops.workforce.models import Employee

E = EventKind
# which kind of reason each event's reason_code_id must be
REASON_KIND = {
    E.operation_pause: ReasonKind.downtime,
    E.work_center_state: ReasonKind.downtime,
    E.operation_report: ReasonKind.rework,
    E.operation_complete: ReasonKind.rework,
}


def missing(name: str, what: str) -> ValidationFailed:
    return ValidationFailed.field(name, f"no {what} with this id")


def check_people_and_reasons(
    session: Session, caller: Caller, site_id: int, event: EventIn
) -> None:
    """The event's employee and reason codes."""
    if event.employee_id is not None:
        employee = session.get(Employee, event.employee_id)
        if employee is None or not caller.scope.allows(employee.site_id):
            raise missing("employee_id", "employee")
    if event.reason_code_id is not None:
        _reason(session, site_id, event.reason_code_id, "reason_code_id", REASON_KIND[event.kind])
    if event.scrap_reason_code_id is not None:
        _reason(
            session, site_id, event.scrap_reason_code_id, "scrap_reason_code_id", ReasonKind.scrap
        )


def _reason(session: Session, site_id: int, ident: int, name: str, kind: ReasonKind) -> None:
    reason = session.get(ReasonCode, ident)
    if reason is None or reason.site_id != site_id:
        raise missing(name, "reason code at this site")
    if reason.kind is not kind:
        raise ValidationFailed.field(name, f"{reason.code} is a {reason.kind} reason, not {kind}")


def work_center(session: Session, caller: Caller, ident: int, *, lock: bool = False) -> WorkCenter:
    found = session.get(WorkCenter, ident, with_for_update=lock or None, populate_existing=lock)
    if found is None or not caller.scope.allows(found.site_id):
        raise missing("work_center_id", "work center")
    return found


def check_alternative(session: Session, operation_id: int, work_center_id: int) -> None:
    """A start on another work center than planned: it must be one that can run it."""
    eligible = session.scalar(
        select(OperationAlternative.id).where(
            OperationAlternative.operation_id == operation_id,
            OperationAlternative.work_center_id == work_center_id,
        )
    )
    if eligible is None:
        raise ValidationFailed.field("work_center_id", "cannot run this operation")
