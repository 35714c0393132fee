"""The plant simulation engine on small floors worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from plantops.simulation.engine import simulate
from plantops.simulation.model import Floor, Job, Rates, Station, Step
from plantops.simulation.robustness import replay

H = 3600
PERFECT = Rates(mtbf_hours=1e9, minor_stops_per_hour=0, speed_loss=0, scrap_rate=0,
                rework_rate=0, shortage_chance=0, absence_chance=0)  # fmt: skip
DAYS = tuple((d * 24 * H + 6 * H, d * 24 * H + 22 * H) for d in range(10))  # 06:00-22:00


def _floor(rates: Rates = PERFECT, quantity: int = 10, due: int = 24 * H) -> Floor:
    saw = Station(1, DAYS, rates, changeovers={("", "steel"): 600, ("steel", "alu"): 1200})
    weld = Station(2, DAYS, rates)
    jobs = (
        Job(1, (Step(11, 1, quantity, 60, setup_family="steel"), Step(12, 2, quantity, 120)),
            due=due),
        Job(2, (Step(21, 1, quantity, 60, setup_family="alu"), Step(22, 2, quantity, 120)),
            due=due),
    )  # fmt: skip
    return Floor((saw, weld), jobs, {1: (11, 21), 2: (12, 22)}, start=0, end=10 * 24 * H)


def test_a_perfect_floor_runs_the_sequence_within_shifts_with_its_changeovers() -> None:
    run = simulate(_floor())
    starts = {h.step: h.at for h in run.happenings if h.kind == "operation_start"}
    # the saw opens at 06:00, changes over to steel (600 s) and cuts 10 x 60 s: done 06:20
    assert starts[11] == 6 * H
    assert starts[12] == 6 * H + 1200  # welding waits for the cut
    # then steel to alu: 1,200 s, and 600 s of cutting: job 2's cut done at 06:50
    assert starts[21] == 6 * H + 1200
    # job 1's weld: 10 x 120 s = 06:20-06:40; job 2's begins when its cut is done, 06:50
    assert starts[22] == 6 * H + 3000
    finished = {job.job: job.finished for job in run.jobs}
    assert finished == {1: 6 * H + 1200 + 1200, 2: 6 * H + 3000 + 1200}
    completes = [h for h in run.happenings if h.kind == "operation_complete"]
    assert sum(h.good for h in completes) == 40 and all(h.scrap == 0 for h in completes)
    states = [(h.at, h.state) for h in run.happenings if h.station == 1 and h.state]
    assert states[:3] == [(0, "planned_stop"), (6 * H, "setup"), (6 * H + 600, "running")]


def test_work_stops_at_the_shift_end_and_goes_on_at_the_next_shift() -> None:
    run = simulate(_floor(quantity=1000))  # job 1's cut alone: 600 + 60,000 s
    ends = [h for h in run.happenings if h.step == 11 and h.kind == "operation_complete"]
    # 16 h open a day = 57,600 s; 60,600 s of work end 3,000 s into the second day's shift
    assert ends[0].at == 24 * H + 6 * H + 3000
    saw = [(h.at, h.state) for h in run.happenings if h.station == 1 and h.state]
    assert (22 * H, "planned_stop") in saw and (30 * H, "running") in saw


def test_breakdowns_scrap_and_rework_come_at_about_their_rates() -> None:
    rates = replace(PERFECT, mtbf_hours=2, mttr_minutes=30, scrap_rate=0.1, rework_rate=0.05)
    run = simulate(_floor(rates, quantity=2000), seed=7)
    reports = [h for h in run.happenings if h.kind in ("operation_report", "operation_complete")]
    made = sum(h.good + h.scrap + h.rework for h in reports if h.step == 11)
    assert made == 2000  # every unit started is reported once: good, scrap or rework
    scrap = sum(h.scrap for h in reports) / sum(h.good + h.scrap + h.rework for h in reports)
    assert 0.08 < scrap < 0.12
    saw = [h for h in run.happenings if h.loss == "breakdown" and h.station == 1]
    # the saw cuts 2 x 2,000 x 60 s = 66.7 h: a breakdown every 2 running hours is ~33
    assert 20 < len(saw) < 50


def test_the_same_seed_gives_the_same_run_and_another_seed_another() -> None:
    rates = Rates()
    assert simulate(_floor(rates, 300), seed=3) == simulate(_floor(rates, 300), seed=3)
    assert simulate(_floor(rates, 300), seed=3) != simulate(_floor(rates, 300), seed=4)


def test_a_job_not_done_by_the_end_is_unfinished() -> None:
    floor = replace(_floor(quantity=1000), end=12 * H)
    run = simulate(floor)
    assert all(job.finished is None for job in run.jobs)
    assert replay(floor, runs=3).unfinished.median == 1.0


def test_robustness_shows_a_disrupted_floor_delivers_later_than_a_perfect_one() -> None:
    # job 2's weld ends on the second day (cuts of 5 h each, welds of 10 h): due on the third
    perfect = replay(_floor(quantity=300, due=72 * H), runs=5)
    assert perfect.on_time.median == 1.0 and perfect.mean_lateness_hours.high == 0
    rough = replace(PERFECT, mtbf_hours=1, mttr_minutes=120, speed_loss=0.3)
    disrupted = replay(_floor(rough, quantity=300, due=72 * H), runs=20)
    assert disrupted.makespan_hours.median > perfect.makespan_hours.median
    assert disrupted.on_time.median < 1.0
    assert disrupted.makespan_hours.low <= disrupted.makespan_hours.median
    assert disrupted.makespan_hours.median <= disrupted.makespan_hours.high


def test_rates_refuse_what_cannot_be() -> None:
    with pytest.raises(ValueError, match="scrap_rate"):
        Rates(scrap_rate=1.5)
    with pytest.raises(ValueError, match="mttr_minutes"):
        Rates(mttr_minutes=-1)


def test_an_operation_under_way_goes_on_without_a_new_start_and_each_happening_is_told() -> None:
    floor = _floor()
    cut = replace(floor.jobs[0].steps[0], quantity=4, started=True)  # 4 left to cut
    jobs = (replace(floor.jobs[0], steps=(cut, floor.jobs[0].steps[1])), floor.jobs[1])
    told: list[str] = []
    run = simulate(replace(floor, jobs=jobs), sink=lambda h: told.append(h.kind))
    assert told == [h.kind for h in sorted(run.happenings, key=lambda h: h.at)]
    cuts = [h for h in run.happenings if h.step == 11]
    assert [h.kind for h in cuts] == ["operation_complete"]  # no second start, no setup
    assert cuts[0].at == 6 * H + 4 * 60 and cuts[0].good == 4


def test_a_state_the_floor_reported_already_is_not_reported_again() -> None:
    floor = _floor()
    closed = replace(
        floor, stations=tuple(replace(s, state="planned_stop") for s in floor.stations)
    )
    first = [h for h in simulate(closed).happenings if h.kind == "work_center_state"]
    assert (0, "planned_stop") not in [(h.at, h.state) for h in first]
    assert first[0].state == "setup" and first[0].at == 6 * H
