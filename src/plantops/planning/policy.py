"""A site's planning policy: read it (defaults when never set) and change it, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import ValidationFailed
from plantops.masterdata.models import Calendar
from plantops.planning import models as m
from plantops.planning.schemas import PlanningPolicyIn, PlanningPolicyOut
from plantops.planning.sites import visible_site


def get_policy(session: Session, caller: Caller, site_id: int) -> PlanningPolicyOut:
    caller.require(Domain.planning, Action.read, "planning policies")
    site = visible_site(session, caller, site_id)
    row = session.scalar(select(m.PlanningPolicy).where(m.PlanningPolicy.site_id == site.id))
    if row is None:
        return PlanningPolicyOut(site_id=site.id)
    return PlanningPolicyOut.model_validate(row, from_attributes=True)


def set_policy(
    session: Session, caller: Caller, site_id: int, data: PlanningPolicyIn
) -> PlanningPolicyOut:
    caller.require(Domain.planning, Action.update, "planning policies")
    site = visible_site(session, caller, site_id)
    if data.calendar_id is not None:
        calendar = session.get(Calendar, data.calendar_id)
        if calendar is None or calendar.site_id != site.id:
            raise ValidationFailed.one(
                ("calendar_id",), f"no calendar {data.calendar_id} at the site"
            )
    old = get_policy(session, caller, site.id)
    row = session.scalar(select(m.PlanningPolicy).where(m.PlanningPolicy.site_id == site.id))
    if row is None:
        row = m.PlanningPolicy(site_id=site.id)
        session.add(row)
    for name, value in data.model_dump().items():
        setattr(row, name, value)
    session.flush()
    new = PlanningPolicyOut(site_id=site.id, **data.model_dump())
    audit.append(
        session, caller, "update", "planning_policy", row.id, site.id,
        old.model_dump(mode="json"), new.model_dump(mode="json"),
    )  # fmt: skip
    return new
