"""Asking for plan runs: queue one for a site or one of its scenarios (one at a time per
site), read them back, cancel one; a run whose worker is gone does not block the site."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import Conflict, NotFound, ValidationFailed
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.run_outcome import ACTIVE, finish
from plantops.planning.schemas import PlanRunIn
from plantops.planning.sites import visible_site
from plantops.planning.snapshot import policy_of
from plantops.types import PlanRunStatus

ABANDONED_AFTER = timedelta(minutes=30)  # plus its schedule's time: reading and storing a plant


def site_today(site: Site) -> date:
    """The date at the site now: a plan made at 01:00 in Tokyo is for Tokyo's day."""
    return datetime.now(ZoneInfo(site.time_zone)).date()


def request_run(session: Session, caller: Caller, data: PlanRunIn) -> m.PlanRun:
    """Queue a run for the site, or for one of its scenarios (one at a time per site)."""
    caller.require(Domain.planning, Action.create, "plan runs")
    site = visible_site(session, caller, data.site_id)
    if data.scenario_id is not None:
        scenario = session.get(m.Scenario, data.scenario_id)
        if scenario is None or scenario.site_id != site.id:
            raise ValidationFailed.field(
                "scenario_id", f"no scenario {data.scenario_id} at the site"
            )
    horizon = data.horizon_days or policy_of(session, site.id).horizon_days
    return queue(
        session,
        caller,
        site,
        scenario_id=data.scenario_id,
        today=data.today or site_today(site),
        horizon_days=horizon,
        schedule_seconds=data.schedule_seconds,
    )


def queue(session: Session, caller: Caller, site: Site, **fields: Any) -> m.PlanRun:
    """A queued run of the site (`fields`: what it plans), if none is queued or running:
    two runs at once would store over each other."""
    busy = session.scalar(
        select(m.PlanRun).where(m.PlanRun.site_id == site.id, m.PlanRun.status.in_(ACTIVE))
    )
    if busy is not None and abandoned(busy):
        busy.problems = [{"field": "", "message": "its worker stopped before the run ended"}]
        finish(busy, PlanRunStatus.failed)
    elif busy is not None:
        raise Conflict(f"plan run {busy.id} of site {site.code} is {busy.status} already")
    run = m.PlanRun(
        site_id=site.id,
        status=PlanRunStatus.queued,
        phase="queued",
        progress=0.0,
        requested_by=caller.username,
        requested_by_id=caller.user_id,
        requested_at=datetime.now(UTC),
        cancel_requested=False,
        **fields,
    )
    session.add(run)
    session.flush()
    return run


def get_run(session: Session, caller: Caller, run_id: int) -> m.PlanRun:
    caller.require(Domain.planning, Action.read, "plan runs")
    run = session.get(m.PlanRun, run_id)
    if run is None or not caller.scope.allows(run.site_id):
        raise NotFound(f"plan run {run_id} not found")
    return run


def recent_runs(
    session: Session, caller: Caller, site_id: int | None, limit: int
) -> list[m.PlanRun]:
    caller.require(Domain.planning, Action.read, "plan runs")
    query = select(m.PlanRun).order_by(m.PlanRun.id.desc()).limit(limit)
    if site_id is not None:
        query = query.where(m.PlanRun.site_id == site_id)
    if caller.scope.site_ids is not None:
        query = query.where(m.PlanRun.site_id.in_(caller.scope.site_ids))
    return list(session.scalars(query))


def cancel_run(session: Session, caller: Caller, run_id: int) -> m.PlanRun:
    """Ask a queued or running run to stop; it stops at its next phase, storing nothing."""
    caller.require(Domain.planning, Action.update, "plan runs")
    run = get_run(session, caller, run_id)
    if run.status not in ACTIVE:
        raise Conflict(f"plan run {run.id} is {run.status}: there is nothing to cancel")
    run.cancel_requested = True
    if run.status is PlanRunStatus.queued or abandoned(run):  # no worker will see the flag
        finish(run, PlanRunStatus.cancelled)
    return run


def abandoned(run: m.PlanRun) -> bool:
    """A run still queued or running long after any run could have ended: its worker was
    killed, or never started. Without this, the site could never be planned again."""
    limit = ABANDONED_AFTER + timedelta(seconds=run.schedule_seconds)
    return datetime.now(UTC) - run.requested_at > limit
