"""Plan runs: request one for a site, execute it phase by phase (its progress visible to
others, a cancel honoured between phases), read it back.

A run reads the site in one consistent snapshot, plans without holding the database, then
stores everything in one transaction: a run that fails or is cancelled changes nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import Conflict, FieldError, NotFound, ValidationFailed
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.mrp import MrpInputError, plan
from plantops.planning.results import store
from plantops.planning.snapshot import policy_of, take_snapshot
from plantops.storage.engine import consistent_read, unit_of_work
from plantops.types import PlanRunStatus

log = logging.getLogger(__name__)

ACTIVE = (PlanRunStatus.queued, PlanRunStatus.running)
MAX_HORIZON_DAYS = 730
Progress = Callable[[str, float], None]


class Cancelled(Exception):
    """A planner asked the run to stop."""


def site_today(site: Site) -> date:
    """The date at the site now: a plan made at 01:00 in Tokyo is for Tokyo's day."""
    return datetime.now(ZoneInfo(site.time_zone)).date()


def request_run(
    session: Session,
    caller: Caller,
    site_id: int,
    today: date | None = None,
    horizon_days: int | None = None,
) -> m.PlanRun:
    """Queue a run for the site (one at a time per site)."""
    caller.require(Domain.planning, Action.create, "plan runs")
    site = session.get(Site, site_id)
    if site is None or not caller.scope.allows(site.id):
        raise NotFound(f"site {site_id} not found")
    busy = session.scalar(
        select(m.PlanRun).where(m.PlanRun.site_id == site.id, m.PlanRun.status.in_(ACTIVE))
    )
    if busy is not None:
        raise Conflict(f"plan run {busy.id} of site {site.code} is {busy.status} already")
    horizon = policy_of(session, site.id).horizon_days if horizon_days is None else horizon_days
    if not 1 <= horizon <= MAX_HORIZON_DAYS:
        message = f"must be between 1 and {MAX_HORIZON_DAYS} days"
        raise ValidationFailed.one(("horizon_days",), message)
    run = m.PlanRun(
        site_id=site.id,
        status=PlanRunStatus.queued,
        phase="queued",
        progress=0.0,
        today=today or site_today(site),
        horizon_days=horizon,
        requested_by=caller.username,
        requested_at=datetime.now(UTC),
        cancel_requested=False,
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


def cancel_run(session: Session, caller: Caller, run_id: int) -> m.PlanRun:
    """Ask a queued or running run to stop; it stops at its next phase, storing nothing."""
    caller.require(Domain.planning, Action.update, "plan runs")
    run = get_run(session, caller, run_id)
    if run.status not in ACTIVE:
        raise Conflict(f"plan run {run.id} is {run.status}: there is nothing to cancel")
    run.cancel_requested = True
    if run.status is PlanRunStatus.queued:  # no worker has it yet
        _finish(run, PlanRunStatus.cancelled)
    return run


def execute_run(
    factory: sessionmaker[Session], caller: Caller, run_id: int, progress: Progress | None = None
) -> None:
    """Do a queued run: snapshot, MRP, store. Its status tells how it ended."""
    seconds: dict[str, float] = {}
    if not _claim(factory, run_id):
        return
    try:
        _advance(factory, run_id, "reading the plant", 0.05, progress)
        started = time.perf_counter()
        with consistent_read(factory) as session:
            run = session.get_one(m.PlanRun, run_id)
            site = session.get_one(Site, run.site_id)
            snapshot = take_snapshot(session, site, run.today, run.horizon_days)
        seconds["snapshot"] = time.perf_counter() - started
        if snapshot.problems:
            return _fail(factory, run_id, snapshot.problems)
        _advance(factory, run_id, "MRP", 0.3, progress)
        started = time.perf_counter()
        try:
            result = plan(snapshot.problem)
        except MrpInputError as error:
            return _fail(factory, run_id, error.problems)
        seconds["mrp"] = time.perf_counter() - started
        _advance(factory, run_id, "storing", 0.8, progress)
        started = time.perf_counter()
        with unit_of_work(factory) as session:
            session.get_one(Site, snapshot.site_id, with_for_update=True)  # one store at a time
            run = session.get_one(m.PlanRun, run_id)
            if run.cancel_requested:
                raise Cancelled
            summary = store(session, run, snapshot, result)
            seconds["store"] = time.perf_counter() - started
            summary["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
            run.summary = summary
            _finish(run, PlanRunStatus.succeeded)
            audit.append(session, caller, "run", "plan_run", run.id, run.site_id, None, summary)
        if progress:
            progress("done", 1.0)
    except Cancelled:
        _end(factory, run_id, PlanRunStatus.cancelled)
    except Exception:
        log.exception("plan run %s broke", run_id)
        _end(factory, run_id, PlanRunStatus.failed, [{"field": "", "message": "the run broke"}])
        raise


def _advance(
    factory: sessionmaker[Session],
    run_id: int,
    phase: str,
    share: float,
    progress: Progress | None,
) -> None:
    """Record the phase (others see it at once), or stop if a cancel was asked for."""
    with unit_of_work(factory) as session:
        run = session.get_one(m.PlanRun, run_id)
        if run.cancel_requested:
            raise Cancelled
        run.phase, run.progress = phase, share
    if progress:
        progress(phase, share)


def _claim(factory: sessionmaker[Session], run_id: int) -> bool:
    """Take a queued run; False if it is gone, cancelled, or another worker has it."""
    with unit_of_work(factory) as session:
        run = session.get(m.PlanRun, run_id, with_for_update=True)
        if run is None or run.status is not PlanRunStatus.queued:
            return False
        run.status = PlanRunStatus.running
        return True


def _fail(factory: sessionmaker[Session], run_id: int, problems: list[FieldError]) -> None:
    found = [{"field": p.pointer(), "message": p.message} for p in problems]
    _end(factory, run_id, PlanRunStatus.failed, found)


def _end(
    factory: sessionmaker[Session],
    run_id: int,
    status: PlanRunStatus,
    problems: list[dict[str, Any]] | None = None,
) -> None:
    with unit_of_work(factory) as session:
        run = session.get_one(m.PlanRun, run_id)
        if run.status in ACTIVE:
            run.problems = problems
            _finish(run, status)


def _finish(run: m.PlanRun, status: PlanRunStatus) -> None:
    run.status = status
    run.phase = status.value
    run.finished_at = datetime.now(UTC)
    if status is PlanRunStatus.succeeded:
        run.progress = 1.0
