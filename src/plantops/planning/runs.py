"""Plan runs: request one for a site, execute it phase by phase (its progress visible to
others, a cancel honoured between phases), read it back.

A run reads the site in one consistent snapshot, plans without holding the database, then
stores everything in one transaction: a run that fails or is cancelled changes nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access import audit
from plantops.access.caller import SYSTEM, Caller
from plantops.access.roles import Action, Domain
from plantops.errors import Conflict, FieldError, NotFound, ValidationFailed
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.feeds import feeds, orders_to_schedule
from plantops.planning.figures import plan_figures
from plantops.planning.floor_state import FloorReader, FloorState
from plantops.planning.mrp import MrpInputError, MrpResult, plan
from plantops.planning.pinned import held
from plantops.planning.results import order_codes, store
from plantops.planning.scenarios import apply_changes
from plantops.planning.schedule_input import build_problem
from plantops.planning.schedule_result import Placed, PlacedOperation, place
from plantops.planning.schemas import PlanRunIn
from plantops.planning.shop import Shop, read_shop
from plantops.planning.sites import visible_site
from plantops.planning.snapshot import Snapshot, policy_of, take_snapshot
from plantops.scheduling.schedule import Progress as SolverProgress
from plantops.scheduling.solver import solve
from plantops.storage.engine import consistent_read, unit_of_work
from plantops.types import PlanRunStatus

log = logging.getLogger(__name__)

ACTIVE = (PlanRunStatus.queued, PlanRunStatus.running)
ABANDONED_AFTER = timedelta(minutes=30)  # plus its schedule's time: reading and storing a plant
Progress = Callable[[str, float], None]


class Cancelled(Exception):
    """A planner asked the run to stop."""


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


def execute_run(
    factory: sessionmaker[Session],
    run_id: int,
    progress: Progress | None = None,
    floor: FloorReader | None = None,
) -> None:
    """Do a queued run: snapshot, MRP, schedule, store. Its status tells how it ended.
    It acts for whoever asked for it (the audit trail says who). `floor` reads what the
    floor reports of released orders (done, started, left to make); without it they are
    scheduled from their planned slots."""
    if not claim(factory, run_id):
        return
    clock = Clock()
    with outcome(factory, run_id, "plan run"):
        advance(factory, run_id, "reading the plant", 0.05, progress)
        with clock("snapshot"), consistent_read(factory) as session:
            run = session.get_one(m.PlanRun, run_id)
            site = session.get_one(Site, run.site_id)
            snapshot = take_snapshot(session, site, run.today, run.horizon_days)
            shop = read_shop(session, site.id, site.time_zone, run.today, run.horizon_days)
            pins = held(session, site.id)  # in shop.pinned too; these it may have to let go
            state = floor(session, site.id, datetime.now(UTC)) if floor else None
            # planning today, nothing is scheduled to start in the hours already gone
            not_before = (
                max(0, shop.seconds(state.now)) if state and run.today == site_today(site) else 0
            )
            schedule_seconds, scenario = run.schedule_seconds, run.scenario_id
            if scenario is not None:
                changes = session.get_one(m.Scenario, scenario).changes
                apply_changes(changes, snapshot, shop)
        if snapshot.problems or shop.problems:
            raise Refused(snapshot.problems + shop.problems)
        advance(factory, run_id, "MRP", 0.2, progress)
        with clock("mrp"):
            try:
                result = plan(snapshot.problem)
            except MrpInputError as error:
                raise Refused(error.problems) from None
            codes = order_codes(run_id, result)
        advance(factory, run_id, "scheduling", 0.3, progress)
        with clock("schedule"):
            placed, scheduled = _schedule(
                factory,
                run_id,
                shop,
                snapshot,
                result,
                codes,
                schedule_seconds,
                progress,
                state,
                not_before,
                pins.keys(),
            )
        advance(factory, run_id, "storing", 0.9, progress)
        with clock("store"), storing(factory, run_id, snapshot.site_id) as (session, run):
            summary = store(session, run, snapshot, result, codes, placed)
            summary["schedule"] = scheduled
            summary["pins_released"] = pins_let_go(shop, pins, placed, state)
            summary |= plan_figures(result, codes, snapshot, shop, placed)
            summary["seconds"] = clock.seconds
            succeed(session, run, summary)
        if progress:
            progress("done", 1.0)


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


class Clock:
    """Seconds per phase, for the run's summary."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = round(time.perf_counter() - started, 3)


def _schedule(
    factory: sessionmaker[Session],
    run_id: int,
    shop: Shop,
    snapshot: Snapshot,
    result: MrpResult,
    codes: dict[str, str],
    seconds: float,
    progress: Progress | None,
    floor: FloorState | None,
    not_before: int = 0,
    pins: Collection[tuple[str, int]] = (),
) -> tuple[Placed | None, dict[str, Any] | None]:
    """The finite-capacity schedule of every production order, and what the run's summary
    says of it: its figures; or, when the engine found none, its status and the reason;
    None when there was nothing to schedule. When the planners' `pins` make it impossible,
    it is made again without them (firm and floor slots still kept), as a reschedule does:
    orders without times would help nobody, and the summary names the pins let go."""
    orders = orders_to_schedule(result, codes, snapshot)
    links = feeds(result, codes, snapshot)
    unpinned = {key: slot for key, slot in shop.pinned.items() if key not in pins}
    tries = [shop] if len(unpinned) == len(shop.pinned) else [shop, replace(shop, pinned=unpinned)]
    for tried in tries:
        problem, steps = build_problem(tried, orders, links, floor, not_before)
        if not problem.operations:
            return None, None
        schedule = solve(
            problem,
            time_limit=seconds,
            workers=2,
            on_progress=reporter(factory, run_id, seconds, progress),
        )
        if schedule.assignments:
            placed = place(tried, problem, schedule, steps, {o.code: o.due for o in orders})
            return placed, placed.figures
        said = "again without the pins" if tried is not tries[-1] else "no schedule"
        log.warning("plan run %s: %s (%s): %s", run_id, said, schedule.status, schedule.reason)
    return None, {"status": str(schedule.status), "reason": schedule.reason}


def pins_let_go(
    shop: Shop,
    pins: Mapping[tuple[str, int], tuple[datetime, str]],
    placed: Placed | None,
    floor: FloorState | None,
) -> list[str]:
    """The planners' pins the schedule did not keep ("MO-12 op 20"): their time had passed,
    their work center was down then, or together they made the schedule impossible. An
    operation under way runs where it runs: its pin is moot, not let go."""
    out = []
    for p in placed.operations if placed else ():
        pin = pins.get((p.order, p.step.operation_id))
        on = floor.of(p.order, p.step.operation_id) if floor else None
        if pin is None or (on is not None and on.started_at is not None):
            continue
        if not stands_pinned(shop, p, pin):
            out.append(f"{p.order} op {p.step.sequence}")
    return sorted(out)


def stands_pinned(shop: Shop, p: PlacedOperation, pin: tuple[datetime, str]) -> bool:
    """Whether the operation was placed where it was pinned (to the second)."""
    return (p.work_center, shop.seconds(p.start)) == (pin[1], shop.seconds(pin[0]))


def reporter(
    factory: sessionmaker[Session], run_id: int, seconds: float, progress: Progress | None
) -> Callable[[SolverProgress], None]:
    """The solver's progress as the run's, from 0.3 to 0.9: at most one write a second."""
    reported = [0.0]

    def improved(event: SolverProgress) -> None:
        if event.seconds - reported[0] >= 1.0:
            reported[0] = event.seconds
            share = 0.3 + 0.6 * min(1.0, event.seconds / max(seconds, 0.001))
            advance(factory, run_id, "scheduling", round(share, 3), progress)

    return improved


def advance(
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


def claim(factory: sessionmaker[Session], run_id: int) -> bool:
    """Take a queued run; False if it is gone, cancelled, or another worker has it."""
    with unit_of_work(factory) as session:
        run = session.get(m.PlanRun, run_id, with_for_update=True)
        if run is None or run.status is not PlanRunStatus.queued:
            return False
        run.status = PlanRunStatus.running
        return True


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
