"""Plan runs: execute a queued one phase by phase, for whoever asked for it
(plantops.planning.run_requests).

A run reads the site in one consistent snapshot, plans without holding the database, then
stores everything in one transaction: a run that fails or is cancelled changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.feeds import feeds, orders_to_schedule
from plantops.planning.figures import plan_figures
from plantops.planning.floor_state import FloorReader, FloorState
from plantops.planning.mrp import MrpInputError, MrpResult, plan
from plantops.planning.pinned import held
from plantops.planning.results import order_codes, store
from plantops.planning.run_outcome import Refused, outcome, storing, succeed
from plantops.planning.run_phases import Clock, Progress, advance, claim, solve_reporting
from plantops.planning.run_pins import pins_let_go
from plantops.planning.run_requests import site_today
from plantops.planning.scenarios import apply_changes
from plantops.planning.schedule_input import build_problem
from plantops.planning.schedule_result import Placed, place
from plantops.planning.shop import Shop, read_shop
from plantops.planning.snapshot import Snapshot, take_snapshot
from plantops.storage.engine import consistent_read

log = logging.getLogger(__name__)


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
        schedule = solve_reporting(problem, factory, run_id, seconds, progress)
        if schedule.assignments:
            placed = place(tried, problem, schedule, steps, {o.code: o.due for o in orders})
            return placed, placed.figures
        said = "again without the pins" if tried is not tries[-1] else "no schedule"
        log.warning("plan run %s: %s (%s): %s", run_id, said, schedule.status, schedule.reason)
    return None, {"status": str(schedule.status), "reason": schedule.reason}
