"""Figures of the floor over a period, read from the operations' tallies: schedule
adherence (execution.adherence) and the operations furthest from their schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.execution.adherence import Adherence, Timed, adherence
from plantops.execution.models import OrderOperation

WORST = 20  # operations listed with the figure


@dataclass(frozen=True)
class AdherenceReport:
    figures: Adherence
    furthest: list[OrderOperation]  # started, by how late they started, the latest first


def schedule_adherence(
    session: Session,
    caller: Caller,
    site_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> AdherenceReport:
    """The operations scheduled to start in [since, until) at the site (or every site the
    caller sees)."""
    caller.require(Domain.execution, Action.read, "the floor")
    query = select(OrderOperation).where(
        *caller.scope.conditions(OrderOperation.site_id, site_id),
        OrderOperation.scheduled_start.is_not(None),
    )
    if since is not None:
        query = query.where(OrderOperation.scheduled_start >= since)
    if until is not None:
        query = query.where(OrderOperation.scheduled_start < until)
    ops = list(session.scalars(query))
    timed = [Timed(o.scheduled_start, o.scheduled_end, o.actual_start, o.actual_end) for o in ops]
    started = [o for o in ops if o.actual_start is not None and o.scheduled_start is not None]
    started.sort(key=lambda o: o.actual_start - o.scheduled_start, reverse=True)  # type: ignore[operator]
    return AdherenceReport(adherence(timed), started[:WORST])
