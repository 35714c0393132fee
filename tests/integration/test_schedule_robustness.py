"""`plantops simulate`: a plan's schedule replayed on a floor that misbehaves, on both
databases: the floor is the plan's (its orders, work centers and sequences), the figures
a distribution, worse on a rougher floor, the same for the same seed."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from plantops.access.caller import SYSTEM
from plantops.cli.main import app
from plantops.demo.loader import load_demo
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.run_requests import request_run
from plantops.planning.runs import execute_run
from plantops.planning.schemas import PlanRunIn
from plantops.simulation.model import Rates
from plantops.simulation.rates_file import load
from plantops.simulation.replay import plan_floor
from plantops.simulation.robustness import replay
from plantops.storage.engine import make_session_factory, unit_of_work

PERFECT = Rates(mtbf_hours=1e9, minor_stops_per_hour=0, speed_loss=0, scrap_rate=0,
                rework_rate=0, shortage_chance=0, absence_chance=0)  # fmt: skip


def test_a_plan_replayed_keeps_its_sequences_and_does_worse_on_a_rougher_floor(
    configured: Engine,
) -> None:
    runner = CliRunner()
    none_yet = runner.invoke(app, ["simulate", "--runs", "2"])
    assert none_yet.exit_code == 1 and "no plan has been run" in none_yet.output
    load_demo(configured)
    factory = make_session_factory(configured)
    with unit_of_work(factory) as session:
        site = session.scalars(select(Site.id).where(Site.code == "DE-STR")).one()
        run_id = request_run(session, SYSTEM, PlanRunIn(site_id=site, schedule_seconds=2)).id
    execute_run(factory, run_id)
    book = load()
    with unit_of_work(factory) as session:
        planned = plan_floor(session, SYSTEM, "DE-STR", None, book, days=7)
        scheduled = select(m.ScheduledOperation).where(m.ScheduledOperation.plan_run_id == run_id)
        slots = {s.id: s for s in session.scalars(scheduled)}
    floor = planned.floor
    assert planned.run_id == run_id and len(floor.jobs) > 20
    for station, sequence in floor.sequence.items():  # the plan's order on each work center
        starts = [slots[i].starts_at for i in sequence]
        assert starts == sorted(starts) and all(
            slots[i].work_center_id == station for i in sequence
        )
    assert 0 <= planned.on_paper_on_time <= 1

    usual = replay(floor, runs=8, seed=3)
    assert usual == replay(floor, runs=8, seed=3)
    assert usual.runs == 8 and usual.jobs == len(floor.jobs)
    calm = replace(floor, stations=tuple(replace(s, rates=PERFECT) for s in floor.stations))
    often_down = [replace(s.rates, mtbf_hours=4, mttr_minutes=240) for s in floor.stations]
    rough = replace(floor, stations=tuple(
        replace(s, rates=r) for s, r in zip(floor.stations, often_down, strict=True)))  # fmt: skip
    perfect, worse = replay(calm, runs=3), replay(rough, runs=8)
    assert perfect.on_time.median >= usual.on_time.median >= worse.on_time.median
    assert perfect.makespan_hours.median <= worse.makespan_hours.median
    assert worse.mean_lateness_hours.median > perfect.mean_lateness_hours.median

    shown = runner.invoke(app, ["simulate", "--site", "DE-STR", "--runs", "4", "--json"])
    assert shown.exit_code == 0, shown.output
    figures = json.loads(shown.stdout)
    assert figures["plan_run"] == run_id and figures["runs"] == 4
    assert figures["on_time"]["p10"] <= figures["on_time"]["median"] <= figures["on_time"]["p90"]
    table = runner.invoke(app, ["simulate", "--plan", str(run_id), "--runs", "2"])
    assert table.exit_code == 0 and "makespan (h)" in table.stdout
    missing = runner.invoke(app, ["simulate", "--plan", "999", "--runs", "2"])
    assert missing.exit_code == 1 and "plan run 999 not found" in missing.output
    assert "Traceback" not in missing.output
