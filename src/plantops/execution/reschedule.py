"""Rescheduling after a disruption (a work center down, a rush order): the site's schedule
repaired from the floor's state, as a plan run of its own kind.

What has started stays on its work center, from now, for what is left to make; completed
operations are out; pinned operations keep their pins and firm orders their slots (unless
the disruption makes that impossible: then the pins give way first, then the firm slots, and
what moved says so); everything else is placed again by the engine with lateness first and,
next, the deviation from the previous schedule, so that the floor's dispatch lists change as
little as they can. Every operation that moved is stored with where it was, where it is, and
why: what the planner reads.

Here a reschedule is asked for and done; the parts live beside it: `reschedule_before` (the
site as the reschedule found it), `reschedule_repair`, `reschedule_store` and
`reschedule_moves` (what moved, and why)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import FieldError, ValidationFailed
from plantops.execution.reschedule_before import read_before
from plantops.execution.reschedule_repair import repair
from plantops.execution.reschedule_store import store
from plantops.execution.schemas import RescheduleIn
from plantops.execution.views import work_centers_now
from plantops.masterdata import models as md
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.run_outcome import Refused, outcome, storing, succeed
from plantops.planning.run_phases import Clock, Progress, advance, claim
from plantops.planning.run_requests import queue, site_today
from plantops.planning.shop import read_shop
from plantops.planning.sites import visible_site
from plantops.planning.snapshot import policy_of
from plantops.storage.engine import consistent_read
from plantops.types import MakeOrBuy, PlanRunKind
from plantops.types import WorkCenterState as State


def request_reschedule(session: Session, caller: Caller, data: RescheduleIn) -> m.PlanRun:
    """Queue a reschedule of the site (one run at a time per site, as plan runs)."""
    caller.require(Domain.planning, Action.create, "plan runs")
    site = visible_site(session, caller, data.site_id)
    now = datetime.now(UTC)
    problems: list[FieldError] = []
    down = _down(session, caller, site, data, now, problems)
    rush = _rush(session, site, data, problems)
    if problems:
        first = problems[0]
        raise ValidationFailed(f"reschedule: {first.pointer()}: {first.message}", problems)
    disruption = {"reason": data.reason, "at": now.isoformat(), "down": down, "rush": rush}
    return queue(
        session,
        caller,
        site,
        kind=PlanRunKind.reschedule,
        disruption=disruption,
        today=site_today(site),
        horizon_days=policy_of(session, site.id).horizon_days,
        schedule_seconds=data.schedule_seconds,
    )


def _down(
    session: Session,
    caller: Caller,
    site: Site,
    data: RescheduleIn,
    now: datetime,
    problems: list[FieldError],
) -> list[dict[str, Any]]:
    """The work centers down and until when; one the floor reports down must be among them
    (the reschedule cannot guess when it is back)."""
    centers = {c.work_center.id: c for c in work_centers_now(session, caller, site.id)}
    out = []
    for n, entry in enumerate(data.down):
        if entry.work_center_id not in centers:
            problems.append(FieldError(("down", n, "work_center_id"), "no such work center here"))
        elif entry.until <= now:
            problems.append(FieldError(("down", n, "until"), "must be later than now"))
        else:
            code = centers[entry.work_center_id].work_center.code
            out.append({"work_center": code, "until": entry.until.astimezone(UTC).isoformat()})
    listed = {entry.work_center_id for entry in data.down}
    for center in centers.values():
        if center.state is State.down and center.work_center.id not in listed:
            message = (
                f"work center {center.work_center.code} is down (since {center.since:%H:%M} "
                f"UTC): say until when (down[].until)"
            )
            problems.append(FieldError(("down",), message))
    return out


def _rush(
    session: Session, site: Site, data: RescheduleIn, problems: list[FieldError]
) -> list[dict[str, Any]]:
    out = []
    routed = set(session.scalars(select(md.Routing.item_id).where(md.Routing.site_id == site.id)))
    codes = [r.code for r in data.rush if r.code]
    taken = set(
        session.scalars(
            select(m.ProductionOrder.code).where(
                m.ProductionOrder.site_id == site.id, m.ProductionOrder.code.in_(codes)
            )
        )
    )
    for n, entry in enumerate(data.rush):
        item = session.get(md.Item, entry.item_id)
        if item is None or item.site_id != site.id:
            problems.append(FieldError(("rush", n, "item_id"), "no such item here"))
        elif item.make_or_buy is not MakeOrBuy.make or item.id not in routed:
            problems.append(FieldError(("rush", n, "item_id"), f"{item.code} is not made here"))
        elif entry.code in taken or (entry.code and codes.count(entry.code) > 1):
            problems.append(FieldError(("rush", n, "code"), f"{entry.code} is taken"))
        else:
            out.append(
                {
                    "item": item.code,
                    "quantity": str(entry.quantity),
                    "due_date": entry.due_date.isoformat(),
                    "priority": entry.priority,
                    "code": entry.code,
                }
            )
    return out


def execute_reschedule(
    factory: sessionmaker[Session], run_id: int, progress: Progress | None = None
) -> None:
    """Do a queued reschedule: read the floor, repair, store the schedule and what moved."""
    if not claim(factory, run_id):
        return
    clock = Clock()
    with outcome(factory, run_id, "reschedule"):
        advance(factory, run_id, "reading the floor", 0.05, progress)
        with clock("snapshot"), consistent_read(factory) as session:
            run = session.get_one(m.PlanRun, run_id)
            site = session.get_one(Site, run.site_id)
            shop = read_shop(session, site.id, site.time_zone, run.today, run.horizon_days)
            before = read_before(session, site, run)
            site_id, seconds = site.id, run.schedule_seconds
        if shop.problems:
            raise Refused(shop.problems)
        advance(factory, run_id, "scheduling", 0.3, progress)
        with clock("schedule"):
            repaired = repair(shop, before, seconds, factory, run_id, progress)
        advance(factory, run_id, "storing", 0.9, progress)
        with clock("store"), storing(factory, run_id, site_id) as (session, run):
            summary = store(session, run, shop, before, repaired)
            summary["seconds"] = clock.seconds
            succeed(session, run, summary)
        if progress:
            progress("done", 1.0)
