"""How a plan run ends: succeeded with its summary stored and audited, cancelled, refused with
the problems it read, or broken; and the one transaction that stores its result."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from plantops.access import audit
from plantops.access.caller import SYSTEM, Caller
from plantops.errors import FieldError
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.storage.engine import unit_of_work
from plantops.types import PlanRunStatus

log = logging.getLogger(__name__)

ACTIVE = (PlanRunStatus.queued, PlanRunStatus.running)


class Cancelled(Exception):
    """A planner asked the run to stop."""


class Refused(Exception):
    """What the run read cannot be planned: it fails with these problems, storing nothing."""

    def __init__(self, problems: list[FieldError]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@contextmanager
def outcome(factory: sessionmaker[Session], run_id: int, what: str) -> Iterator[None]:
    """How a run that does not succeed ends: cancelled, refused with its problems, or broken
    (logged, and raised again)."""
    try:
        yield
    except Cancelled:
        end(factory, run_id, PlanRunStatus.cancelled)
    except Refused as refused:
        fail(factory, run_id, refused.problems)
    except Exception:
        log.exception("%s %s broke", what, run_id)
        end(factory, run_id, PlanRunStatus.failed, [{"field": "", "message": "the run broke"}])
        raise


@contextmanager
def storing(
    factory: sessionmaker[Session], run_id: int, site_id: int
) -> Iterator[tuple[Session, m.PlanRun]]:
    """The transaction that stores a run's result: one store per site at a time (the site's
    row locked), and none once a cancel was asked for."""
    with unit_of_work(factory) as session:
        session.get_one(Site, site_id, with_for_update=True)
        run = session.get_one(m.PlanRun, run_id)
        if run.cancel_requested:
            raise Cancelled
        yield session, run


def fail(factory: sessionmaker[Session], run_id: int, problems: list[FieldError]) -> None:
    found = [{"field": p.pointer(), "message": p.message} for p in problems]
    end(factory, run_id, PlanRunStatus.failed, found)


def end(
    factory: sessionmaker[Session],
    run_id: int,
    status: PlanRunStatus,
    problems: list[dict[str, Any]] | None = None,
) -> None:
    with unit_of_work(factory) as session:
        run = session.get_one(m.PlanRun, run_id)
        if run.status in ACTIVE:
            run.problems = problems
            finish(run, status)


def requester(run: m.PlanRun) -> Caller:
    """Who a run acts for: whoever asked for it (the audit trail says so)."""
    return replace(SYSTEM, user_id=run.requested_by_id, username=run.requested_by)


def succeed(session: Session, run: m.PlanRun, summary: dict[str, Any]) -> None:
    """The run done: its summary kept, and the run audited for whoever asked for it."""
    run.summary = summary
    finish(run, PlanRunStatus.succeeded)
    audit.append(session, requester(run), "run", "plan_run", run.id, run.site_id, None, summary)


def finish(run: m.PlanRun, status: PlanRunStatus) -> None:
    run.status = status
    run.phase = status.value
    run.finished_at = datetime.now(UTC)
    if status is PlanRunStatus.succeeded:
        run.progress = 1.0
