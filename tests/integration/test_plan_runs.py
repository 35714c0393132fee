"""Plan runs on both databases: replacing proposals, keeping what planners approved, the
frozen fence, refusing inconsistent data whole, cancelling, one run per site at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from plantops.access.caller import SYSTEM, Caller
from plantops.access.roles import Role
from plantops.access.scope import Scope
from plantops.cli.main import app
from plantops.demo.loader import load_demo
from plantops.errors import Conflict, InvalidTransition, NotFound
from plantops.integration.service import import_plant
from plantops.masterdata.models import Calendar, DowntimeWindow, Item, WorkCenter
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.orders import set_status
from plantops.planning.policy import set_policy
from plantops.planning.run_requests import cancel_run, request_run
from plantops.planning.runs import execute_run
from plantops.planning.schemas import PlanningPolicyIn, PlanRunIn, ScenarioIn
from plantops.planning.whatif import create_scenario
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import OrderStatus, PlanRunStatus
from tests.scenarios.plant import bicycle_plant

MON = date(2026, 3, 2)
runner = CliRunner()


@pytest.fixture
def plant(engine: Engine) -> sessionmaker[Session]:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        import_plant(session, SYSTEM, bicycle_plant())
        calendar = session.scalars(select(Calendar)).one()
        set_policy(session, SYSTEM, _site(session), PlanningPolicyIn(calendar_id=calendar.id))
    return factory


def _site(session: Session) -> int:
    return session.scalars(select(Site.id)).one()


def _run(factory: sessionmaker[Session], caller: Caller = SYSTEM) -> m.PlanRun:
    with unit_of_work(factory) as session:
        run_id = request_run(
            session, caller, PlanRunIn(site_id=_site(session), today=MON, horizon_days=42)
        ).id
    execute_run(factory, run_id)
    with factory() as session:
        return session.get_one(m.PlanRun, run_id)


def _scenario_run(
    factory: sessionmaker[Session], code: str, name: str, changes: list[dict[str, str]]
) -> m.PlanRun:
    """A scenario of these changes made and run on MON, as its run ended."""
    with unit_of_work(factory) as session:
        body = ScenarioIn(site_id=_site(session), code=code, name=name, changes=changes)
        scenario = create_scenario(session, SYSTEM, body).id
        request = PlanRunIn(site_id=_site(session), scenario_id=scenario, today=MON)
        run_id = request_run(session, SYSTEM, request).id
    execute_run(factory, run_id)
    with factory() as session:
        return session.get_one(m.PlanRun, run_id)


def _codes(factory: sessionmaker[Session]) -> dict[str, tuple[OrderStatus, Decimal, date]]:
    with factory() as session:
        made = session.scalars(select(m.ProductionOrder)).all()
        bought = session.scalars(select(m.PurchaseOrder)).all()
    orders: list[m.ProductionOrder | m.PurchaseOrder] = [*made, *bought]
    return {o.code: (o.status, o.quantity, o.due_date) for o in orders}


def test_a_run_replaces_proposals_and_keeps_what_planners_approved(
    plant: sessionmaker[Session],
) -> None:
    first = _run(plant)
    assert first.status is PlanRunStatus.succeeded
    assert first.summary is not None and first.summary["production_orders"] == 4
    with unit_of_work(plant) as session:
        frame = session.scalars(
            select(m.ProductionOrder).where(m.ProductionOrder.code == "MO-1-00003")
        ).one()
        set_status(session, SYSTEM, "production_order", frame.id, OrderStatus.approved, "agreed")
    second = _run(plant)
    assert second.status is PlanRunStatus.succeeded
    orders = _codes(plant)
    # the approved FRAME order stays and is open supply: the new run plans one FRAME order
    # fewer, and the TUBE its components need is planned again from its release date
    assert orders["MO-1-00003"] == (OrderStatus.approved, Decimal(40), date(2026, 3, 9))
    assert sorted(c for c in orders if c.startswith("MO-2")) == [
        "MO-2-00001",
        "MO-2-00002",
        "MO-2-00003",
    ]
    assert not any(c.startswith(("MO-1-00001", "PR-1")) for c in orders)  # proposals replaced
    assert sum(q for c, (_, q, _) in orders.items() if c.startswith("PR-2")) == Decimal(300)
    with plant() as session:
        runs = session.scalars(select(m.PlanLink.plan_run_id).distinct()).all()
    assert runs == [second.id]  # the pegging of earlier runs went with their proposals


def test_a_released_order_cannot_go_back_and_the_refusal_names_the_moves(
    plant: sessionmaker[Session],
) -> None:
    _run(plant)
    with unit_of_work(plant) as session:
        order = session.scalars(select(m.PurchaseOrder).order_by(m.PurchaseOrder.code)).first()
        assert order is not None
        set_status(session, SYSTEM, "purchase_order", order.id, OrderStatus.released)
        with pytest.raises(
            InvalidTransition, match=r"is released: it cannot become approved \(allowed: none\)"
        ):
            set_status(session, SYSTEM, "purchase_order", order.id, OrderStatus.approved)


def test_nothing_new_is_released_inside_the_frozen_fence(plant: sessionmaker[Session]) -> None:
    with unit_of_work(plant) as session:
        calendar = session.scalars(select(Calendar.id)).one()
        policy = PlanningPolicyIn(calendar_id=calendar, frozen_fence_days=3)
        set_policy(session, SYSTEM, _site(session), policy)
    _run(plant)
    with plant() as session:
        bought = session.scalars(select(m.PurchaseOrder)).all()
        expedite = session.scalars(
            select(m.PlanException.order_code).where(m.PlanException.kind == "expedite")
        ).all()
    # the fence ends Thu 5 March: no purchase is ordered before it
    assert min(o.order_date for o in bought) == date(2026, 3, 5)
    assert "PR-1-00001" in expedite


def test_inconsistent_data_is_reported_whole_and_changes_nothing(
    plant: sessionmaker[Session], configured: Engine
) -> None:
    _run(plant)
    before = _codes(plant)
    with unit_of_work(plant) as session:
        site = session.scalars(select(Site).where(Site.code == "B1")).one()
        saddle = Item(
            site_id=site.id,
            code="SADDLE",
            name="Saddle",
            item_type="manufactured_part",
            make_or_buy="make",
            uom="pcs",
            lot_size_rule="lot_for_lot",
        )
        session.add(saddle)  # made, but nobody wrote down how
        # a BOM line naming an item of another site, as a careless ERP interface might write
        other = Site(
            code="B2",
            name="Other",
            region_id=session.scalars(select(Site.region_id)).one(),
            time_zone="UTC",
            currency="EUR",
        )
        session.add(other)
        session.flush()
        stray = Item(
            site_id=other.id,
            code="BELL",
            name="Bell",
            item_type="purchased_part",
            make_or_buy="buy",
            uom="pcs",
            lot_size_rule="lot_for_lot",
        )
        session.add(stray)
        session.flush()
        line = session.scalars(select(m.SalesOrderLine)).first()
        assert line is not None
        line.item_id = stray.id
    result = runner.invoke(app, ["plan", "run", "--site", "B1", "--today", "2026-03-02"])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "site B1 was not planned (2 problem(s))" in output
    assert "items.SADDLE.routing: made but has no routing" in output
    assert "sales_orders.SO-1.lines.1.item_id: names an item of another site" in output
    assert _codes(plant) == before
    with plant() as session:
        failed = session.scalars(select(m.PlanRun).order_by(m.PlanRun.id.desc())).first()
    assert failed is not None and failed.status is PlanRunStatus.failed
    assert failed.problems is not None and len(failed.problems) == 2


def test_a_cancelled_run_stores_nothing(plant: sessionmaker[Session]) -> None:
    with unit_of_work(plant) as session:
        queued = request_run(
            session, SYSTEM, PlanRunIn(site_id=_site(session), today=MON, horizon_days=42)
        ).id
    with unit_of_work(plant) as session:
        assert cancel_run(session, SYSTEM, queued).status is PlanRunStatus.cancelled
    execute_run(plant, queued)  # a worker picking it up late does nothing
    with unit_of_work(plant) as session:
        running = request_run(
            session, SYSTEM, PlanRunIn(site_id=_site(session), today=MON, horizon_days=42)
        ).id

    def cancel_during_mrp(phase: str, share: float) -> None:
        if phase == "MRP":
            with unit_of_work(plant) as session:
                cancel_run(session, SYSTEM, running)

    execute_run(plant, running, cancel_during_mrp)
    with plant() as session:
        statuses = session.scalars(select(m.PlanRun.status).order_by(m.PlanRun.id)).all()
    assert statuses == [PlanRunStatus.cancelled, PlanRunStatus.cancelled]
    assert _codes(plant) == {}


def test_one_run_per_site_at_a_time_and_only_in_the_callers_sites(
    plant: sessionmaker[Session],
) -> None:
    with unit_of_work(plant) as session:
        site = _site(session)
        first = request_run(session, SYSTEM, PlanRunIn(site_id=site, today=MON, horizon_days=42)).id
    with (
        unit_of_work(plant) as session,
        pytest.raises(Conflict, match=f"plan run {first} of site B1 is queued"),
    ):
        request_run(session, SYSTEM, PlanRunIn(site_id=site, today=MON, horizon_days=42))
    elsewhere = Caller(7, "pat", Role.production_manager, Scope(frozenset({site + 1})))
    with unit_of_work(plant) as session, pytest.raises(NotFound):
        request_run(session, elsewhere, PlanRunIn(site_id=site, today=MON, horizon_days=42))


def test_bad_command_line_input_names_the_option(
    plant: sessionmaker[Session], configured: Engine
) -> None:
    for args, said in (
        (["--horizon", "six weeks"], "horizon: 'six weeks': give days (42 or 42d) or weeks (6w)"),
        (["--horizon", "0"], "horizon_days: Input should be greater than or equal to 1"),
        (["--today", "2026-02-30"], "today: '2026-02-30' is not a date (YYYY-MM-DD)"),
        (["--site", "XX"], "site: no site XX"),
    ):
        result = runner.invoke(app, ["plan", "run", *args])
        assert result.exit_code == 1
        assert said in " ".join(result.output.split()), result.output
    assert _codes(plant) == {}


def test_the_demo_plant_is_planned_and_scheduled_within_the_time_given(engine: Engine) -> None:
    """Three sites, crews on shifts, alternatives, long operations pausing over nights and
    weekends: every production order gets a place, and the schedule keeps to its time."""
    load_demo(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        sites = session.scalars(select(Site.id).order_by(Site.code)).all()
    for site in sites:
        with unit_of_work(factory) as session:
            run_id = request_run(session, SYSTEM, PlanRunIn(site_id=site, schedule_seconds=3)).id
        execute_run(factory, run_id)
        with factory() as session:
            run = session.get_one(m.PlanRun, run_id)
            unplaced = session.scalar(
                select(func.count())
                .select_from(m.ProductionOrder)
                .where(m.ProductionOrder.site_id == site, m.ProductionOrder.scheduled_end.is_(None))
            )
        assert run.status is PlanRunStatus.succeeded, run.problems
        assert run.summary is not None and run.summary["schedule"]["status"] == "feasible"
        assert run.summary["production_orders"] > 100 and unplaced == 0
        assert run.summary["seconds"]["schedule"] < 15  # asked for 3 s; once it took 50


def test_a_scenario_run_leaves_the_plans_own_orders_where_they_are(
    plant: sessionmaker[Session],
) -> None:
    _run(plant)
    with unit_of_work(plant) as session:
        frame = session.scalars(
            select(m.ProductionOrder).where(m.ProductionOrder.code == "MO-1-00003")
        ).one()
        set_status(session, SYSTEM, "production_order", frame.id, OrderStatus.approved)
        before = (frame.scheduled_start, frame.scheduled_end, frame.version)
        down = {
            "kind": "down", "work_center": "WELD",
            "starts_at": "2026-03-02T00:00:00Z", "ends_at": "2026-03-21T00:00:00Z",
        }  # fmt: skip
        body = ScenarioIn(
            site_id=_site(session), code="WELD-DOWN", name="welder down", changes=[down]
        )
        scenario = create_scenario(session, SYSTEM, body).id
    with unit_of_work(plant) as session:
        request = PlanRunIn(site_id=_site(session), scenario_id=scenario, today=MON)
        run_id = request_run(session, SYSTEM, request).id
    execute_run(plant, run_id)
    with plant() as session:
        run = session.get_one(m.PlanRun, run_id)
        frame = session.scalars(
            select(m.ProductionOrder).where(m.ProductionOrder.code == "MO-1-00003")
        ).one()
        operations = session.scalars(
            select(m.ScheduledOperation.plan_run_id).where(
                m.ScheduledOperation.production_order_id == frame.id
            )
        ).all()
    assert run.status is PlanRunStatus.succeeded, run.problems
    # the scenario moved it in its own schedule (welding is down until the 21st): the plan's
    # order keeps its times and its scheduled operation from the plan's run
    assert run.summary is not None and run.summary["schedule"]["late_orders"] > 0
    assert (frame.scheduled_start, frame.scheduled_end, frame.version) == before
    assert operations == [1]


def test_a_run_whose_worker_died_does_not_block_the_site_for_ever(
    plant: sessionmaker[Session],
) -> None:
    with unit_of_work(plant) as session:
        dead = request_run(session, SYSTEM, PlanRunIn(site_id=_site(session), today=MON)).id
        run = session.get_one(m.PlanRun, dead)
        run.status = PlanRunStatus.running  # a worker took it, then was killed
    # a moment later it may still be working
    with unit_of_work(plant) as session, pytest.raises(Conflict):
        request_run(session, SYSTEM, PlanRunIn(site_id=_site(session), today=MON))
    with unit_of_work(plant) as session:
        run = session.get_one(m.PlanRun, dead)
        run.requested_at = run.requested_at - timedelta(hours=1)
    with unit_of_work(plant) as session:
        fresh = request_run(session, SYSTEM, PlanRunIn(site_id=_site(session), today=MON)).id
    with plant() as session:
        old = session.get_one(m.PlanRun, dead)
        assert old.status is PlanRunStatus.failed
        assert old.problems == [{"field": "", "message": "its worker stopped before the run ended"}]
        assert session.get_one(m.PlanRun, fresh).status is PlanRunStatus.queued


def test_a_run_whose_orders_cannot_be_scheduled_says_why(plant: sessionmaker[Session]) -> None:
    """The orders are still planned and stored; the summary carries the engine's reason."""
    down = {
        "kind": "down", "work_center": "WELD",
        "starts_at": "2025-01-01T00:00:00Z", "ends_at": "2028-01-01T00:00:00Z",
    }  # fmt: skip
    run = _scenario_run(plant, "NO-WELD", "no welder", [down])
    assert run.status is PlanRunStatus.succeeded, run.problems
    assert run.summary is not None and run.summary["production_orders"] > 0
    schedule = run.summary["schedule"]
    assert schedule["status"] == "infeasible" and "WELD" in schedule["reason"]


def test_the_command_fails_when_a_site_gets_no_schedule(
    plant: sessionmaker[Session], configured: Engine
) -> None:
    """A cron job or script running the plan learns that the floor has nothing to follow:
    the orders are planned and stored, the reason is said, and the exit code is 1."""
    with unit_of_work(plant) as session:
        weld = session.scalars(select(WorkCenter).where(WorkCenter.code == "WELD")).one()
        session.add(
            DowntimeWindow(
                work_center_id=weld.id, starts_at=datetime(2025, 1, 1, tzinfo=UTC),
                ends_at=datetime(2028, 1, 1, tzinfo=UTC), reason="rebuilt",
            )
        )  # fmt: skip
    args = ["plan", "run", "--site", "B1", "--today", "2026-03-02", "--schedule-seconds", "1"]
    result = runner.invoke(app, args)
    said = " ".join(result.output.split())
    assert result.exit_code == 1, said
    assert "site B1: no schedule: operation" in said and "WELD" in said
    with plant() as session:
        run = session.scalars(select(m.PlanRun).order_by(m.PlanRun.id.desc())).one()
    assert run.status is PlanRunStatus.succeeded and run.summary is not None
    assert run.summary["production_orders"] > 0


def test_an_extra_shift_already_past_or_under_way_adds_only_what_is_left(
    plant: sessionmaker[Session],
) -> None:
    """A scenario made last week keeps its extra shifts: run today, a shift that is over adds
    nothing and one under way adds the rest of it (the engine refused the run before)."""
    shifts = [
        {
            "kind": "extra_shift",
            "work_center": "WELD",
            "starts_at": f"{day}T06:00:00Z",
            "ends_at": f"{day}T14:00:00Z",
        }
        for day in ("2026-02-28", "2026-03-01")
    ]
    shifts[1]["ends_at"] = "2026-03-02T14:00:00Z"  # under way when the plan starts, on the 2nd
    run = _scenario_run(plant, "PAST", "last week", shifts)
    assert run.status is PlanRunStatus.succeeded, run.problems
    assert run.summary is not None and run.summary["schedule"]["status"] in ("optimal", "feasible")


def test_a_reschedule_from_the_command_line_shows_what_moved(
    plant: sessionmaker[Session], configured: Engine
) -> None:
    planned = runner.invoke(app, ["plan", "run", "--site", "B1", "--schedule-seconds", "1"])
    assert planned.exit_code == 0, planned.output
    back = (datetime.now(ZoneInfo("Europe/Berlin")) + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    args = ["plan", "reschedule", "--site", "B1", "--down", f"WELD={back}", "--rush",
            "BIKE:2:2030-01-31", "--reason", "welder broke", "--schedule-seconds", "1"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "reschedule" in said and " moved, " in said and "down" in said
    with plant() as session:
        run = session.scalars(select(m.PlanRun).order_by(m.PlanRun.id.desc())).first()
        assert run is not None and run.status is PlanRunStatus.succeeded
        rush = session.scalars(
            select(m.ProductionOrder).where(m.ProductionOrder.code == f"RUSH-{run.id}-001")
        ).one()
        assert rush.status is OrderStatus.approved and rush.scheduled_end is not None
    for bad, message in (
        (["--down", "WELD=soon"], "down: 'WELD=soon': give CODE=2026-12-03T14:00"),
        (["--down", "NOPE=2030-01-01T06:00"], "down: no NOPE at site B1"),
        (["--rush", "BIKE:2"], "rush: 'BIKE:2': give ITEM:QUANTITY:YYYY-MM-DD"),
        (["--rush", "BIKE:-1:2030-01-31"], "rush.0.quantity: Input should be greater than 0"),
    ):
        refused = runner.invoke(app, ["plan", "reschedule", "--site", "B1", *bad])
        assert refused.exit_code == 1
        assert message in " ".join(refused.output.split()), refused.output
