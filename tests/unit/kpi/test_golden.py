"""Golden shifts worked out by hand: the arithmetic sits beside each number."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from plantops.kpi import catalog
from plantops.kpi.elements import CenterInput, Elements, OpenOperation, Output, StateChange, compute
from plantops.kpi.shifts import OFF_SHIFT, NamedShift, periods, shift_instances
from plantops.kpi.totals import loss_tree, of, total
from plantops.masterdata.calendar import Interval
from plantops.types import LossCategory, Weekday

L = LossCategory
BREAKDOWN, MEETING, JAM, SCRAP_DIM, RW = 1, 2, 3, 4, 5


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)  # Monday 2 November 2026


def state(hour: int, minute: int, name: str, loss: L | None = None, reason: int | None = None,
          day: int = 2) -> StateChange:  # fmt: skip
    return StateChange(at(hour, minute, day), name, loss, reason)


def out(hour: int, minute: int, good: int, scrap: int = 0, rework: int = 0) -> Output:
    return Output(at(hour, minute), Decimal(good), Decimal(scrap), Decimal(rework), 60.0, 7,
                  SCRAP_DIM if scrap else None, RW if rework else None)  # fmt: skip


EARLY = NamedShift("Early", Weekday.mon, time(6), time(14))
LATE = NamedShift("Late", Weekday.mon, time(14), time(22))


def run(center: CenterInput, shifts: tuple[NamedShift, ...], zone: str = "UTC",
        first: date = date(2026, 11, 2), last: date | None = None) -> list[Elements]:  # fmt: skip
    booked = periods(shifts, zone, first, last or first)
    return compute(center, booked, until=datetime(2030, 1, 1, tzinfo=UTC))


def shift(result: list[Elements], name: str) -> Elements:
    (found,) = [e for e in result if e.period.shift == name]
    return found


def test_a_day_shift_with_setup_breakdown_meeting_scrap_and_rework() -> None:
    center = CenterInput(
        1,
        working=(Interval(at(6), at(14)),),
        planned_downtime=(),
        changes=(
            state(6, 0, "setup"),
            state(6, 30, "running"),
            state(9, 0, "down", L.breakdown, BREAKDOWN),
            state(9, 45, "running"),
            state(12, 0, "planned_stop", L.planned_downtime, MEETING),
            state(12, 30, "running"),
            state(13, 50, "idle"),
        ),
        outputs=(out(9, 0, 80, scrap=5), out(13, 50, 100, scrap=3, rework=2)),
        operations=(OpenOperation(at(6), at(13, 50), 7),),
    )
    e = shift(run(center, (EARLY,)), "Early")
    assert e.pot == 8 * 3600  # 06:00-14:00
    assert e.pdot == 30 * 60  # the meeting 12:00-12:30
    assert e.pbt == 27_000  # 28,800 - 1,800
    assert e.asut == 30 * 60  # 06:00-06:30
    assert e.apt == 9_000 + 8_100 + 4_800  # 06:30-09:00, 09:45-12:00, 12:30-13:50
    assert e.breakdown == 45 * 60 and e.minor_stop == 0  # 09:00-09:45
    assert e.idle == 10 * 60  # 13:50-14:00
    assert e.pot == e.pdot + e.apt + e.asut + e.adet + e.idle
    assert (e.good, e.scrap, e.rework) == (180, 8, 2)  # 80 + 100, 5 + 3, 2
    assert e.aoet == 7 * 3600 + 50 * 60  # 06:00-13:50
    assert (e.failures, e.repair) == (1, 2_700)
    t = of(e)
    k = catalog.values(t)
    assert k["availability"] == pytest.approx(21_900 / 27_000)
    assert k["effectiveness"] == pytest.approx(60 * 190 / 21_900)  # PRU x PQ / APT
    assert k["quality_ratio"] == pytest.approx(180 / 190)
    assert k["oee"] == pytest.approx(60 * 180 / 27_000)  # = PRU x GQ / PBT = 0.4
    assert k["oee"] == pytest.approx(0.4)
    assert k["nee"] == pytest.approx((21_900 + 1_800) / 27_000 * 11_400 / 21_900 * 180 / 190)
    assert k["technical_efficiency"] == pytest.approx(21_900 / (21_900 + 2_700))
    assert k["setup_rate"] == pytest.approx(1_800 / 23_700)  # ASUT / (APT + ASUT)
    assert k["scrap_ratio"] == pytest.approx(8 / 190)
    assert k["rework_ratio"] == pytest.approx(2 / 190)
    assert k["mttr"] == pytest.approx(45.0)  # 2,700 s / 1 failure, in minutes
    assert k["mtbf"] == pytest.approx(21_900 / 2 / 3600)  # APT cut into FE + 1 = 2 stretches
    assert k["throughput_rate"] == pytest.approx(190 / (28_200 / 3600))  # PQ per hour of AOET
    tree = loss_tree(t)
    by = {loss.key: loss.seconds for loss in tree.losses}
    assert by == {
        "breakdown": 2_700,
        "setup": 1_800,
        "minor_stop": 600,  # idle 13:50-14:00
        "speed_loss": 21_900 - 11_400,  # APT - PRU x PQ (190 x 60)
        "scrap": 480,  # 8 x 60
        "rework": 120,  # 2 x 60
    }
    assert tree.productive == 10_800  # 180 x 60
    assert sum(by.values()) == tree.planned_busy - tree.productive == 16_200
    reasons = e.reasons
    assert reasons[BREAKDOWN].seconds == 2_700 and reasons[BREAKDOWN].occurrences == 1
    assert reasons[MEETING].seconds == 1_800
    assert reasons[SCRAP_DIM].quantity == 8 and reasons[SCRAP_DIM].occurrences == 2
    assert reasons[RW].quantity == 2
    assert e.products[7].apt == 21_900 and e.products[7].good == 180


def test_a_breakdown_spanning_two_shifts_splits_its_time_and_counts_once() -> None:
    center = CenterInput(
        1,
        working=(Interval(at(6), at(22)),),
        planned_downtime=(),
        changes=(
            state(6, 0, "running"),
            state(13, 0, "down", L.breakdown, BREAKDOWN),
            state(15, 0, "running"),
            state(22, 0, "planned_stop"),
        ),
    )
    result = run(center, (EARLY, LATE))
    early, late = shift(result, "Early"), shift(result, "Late")
    assert early.breakdown == late.breakdown == 3600  # 13:00-14:00 and 14:00-15:00
    assert (early.failures, early.repair) == (1, 7200)  # counted where it began, whole
    assert (late.failures, late.repair) == (0, 0)
    assert early.apt == 7 * 3600 and late.apt == 7 * 3600  # 06-13, 15-22
    day = total(of(e) for e in result)
    assert catalog.mttr_minutes(day) == pytest.approx(120.0)  # one repair of 2 h, not two of 1
    assert day.pot == 16 * 3600 and day.pbt == 16 * 3600  # off shift adds nothing: stopped


def test_a_night_shift_belongs_to_the_day_it_starts_across_midnight() -> None:
    night = NamedShift("Night", Weekday.mon, time(22), time(6))
    center = CenterInput(
        1,
        working=(Interval(at(22), at(6, day=3)),),
        planned_downtime=(),
        changes=(
            state(22, 0, "running"),
            state(2, 0, "down", L.minor_stop, JAM, day=3),
            state(2, 10, "running", day=3),
            state(6, 0, "planned_stop", day=3),
        ),
    )
    result = run(center, (night,), first=date(2026, 11, 2), last=date(2026, 11, 3))
    e = shift(result, "Night")
    assert e.period.day == date(2026, 11, 2)  # Monday's night shift, to Tuesday 06:00
    assert e.pot == 8 * 3600  # 22:00-06:00
    assert e.minor_stop == 600 and e.apt == 8 * 3600 - 600  # the jam 02:00-02:10
    assert e.reasons[JAM].occurrences == 1
    # Tuesday's off-shift time starts where Monday's night shift ends
    tuesday = [p for p in result if p.period.day == date(2026, 11, 3)]
    assert tuesday[0].period.start == at(6, day=3) and tuesday[0].period.shift == OFF_SHIFT


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 10, 24), 9),  # Saturday night: the clocks go back at 03:00 on Sunday
        (date(2026, 3, 28), 7),  # Saturday night: they go forward at 02:00 on Sunday
        (date(2026, 11, 7), 8),  # an ordinary Saturday night
    ],
)
def test_a_night_shift_over_a_dst_change_lasts_what_the_clock_says(day: date, hours: int) -> None:
    night = NamedShift("Night", Weekday.sat, time(22), time(6))
    (instance,) = shift_instances((night,), "Europe/Berlin", day, day)
    center = CenterInput(
        1,
        working=(instance.interval,),
        planned_downtime=(),
        changes=(StateChange(instance.start, "running"),),
        outputs=(
            Output(
                instance.end - timedelta(minutes=1),
                Decimal(hours * 60),
                Decimal(0),
                Decimal(0),
                60.0,
            ),
        ),
    )
    (e,) = [x for x in compute(center, [instance], until=datetime(2030, 1, 1, tzinfo=UTC))]
    assert e.pot == e.apt == hours * 3600  # 22:00 to 06:00 local is 9, 7 or 8 real hours
    # the last report, a minute before the shift ends, brings 60 good an hour at 60 s each
    assert catalog.oee(of(e)) == pytest.approx(1.0)


def test_a_dst_day_is_covered_once_by_its_shifts_and_off_shift_time() -> None:
    sunday = date(2026, 10, 25)  # 25 hours in Berlin
    shifts = (NamedShift("Early", Weekday.sun, time(6), time(14)),)
    booked = periods(shifts, "Europe/Berlin", sunday, sunday)
    assert sum((p.end - p.start).total_seconds() for p in booked) == 25 * 3600
    assert all(a.end == b.start for a, b in itertools.pairwise(booked))


def test_rework_counts_as_produced_not_good() -> None:
    center = CenterInput(
        1,
        working=(Interval(at(6), at(14)),),
        planned_downtime=(),
        changes=(state(6, 0, "running"),),
        outputs=(out(14, 0, 0), out(13, 0, 450, rework=30)),
    )
    e = shift(run(center, (EARLY,)), "Early")
    t = of(e)
    assert t.produced == 480 and t.good == 450  # 450 good + 30 to be reworked
    assert catalog.quality_ratio(t) == pytest.approx(450 / 480)
    assert catalog.effectiveness(t) == pytest.approx(480 * 60 / 28_800)  # = 1: at the rate
    assert catalog.oee(t) == pytest.approx(450 * 60 / 28_800)
    assert loss_tree(t).losses[-1].seconds == 30 * 60  # rework: 30 units x 60 s


def test_work_beyond_the_shift_extends_planned_time_but_a_stop_there_costs_nothing() -> None:
    center = CenterInput(
        1,
        working=(Interval(at(6), at(14)),),
        planned_downtime=(Interval(at(7), at(8)),),  # maintenance window
        changes=(
            state(6, 0, "running"),
            state(7, 0, "idle"),
            state(8, 0, "running"),
            state(14, 30, "down", L.breakdown, BREAKDOWN),
            state(15, 0, "idle"),
        ),
    )
    result = run(center, (EARLY,))
    early = shift(result, "Early")
    after = next(e for e in result if e.period.shift == OFF_SHIFT and e.period.start == at(14))
    assert early.pdot == 3600 and early.maintenance == 3600  # idle inside the window
    assert early.apt == 7 * 3600 and early.pot == 8 * 3600
    assert after.apt == 1800 and after.pot == 1800  # 14:00-14:30 worked beyond the shift
    assert after.breakdown == 0 and after.failures == 1  # the stop after it: no planned time
    assert catalog.values(of(early))["corrective_maintenance_ratio"] == 0.0


def test_a_station_of_lanes_runs_while_its_operations_are_open() -> None:
    center = CenterInput(
        1,
        working=(Interval(at(6), at(14)),),
        planned_downtime=(),
        changes=(),
        operations=(OpenOperation(at(6), at(10), 7), OpenOperation(at(8), at(14), 8)),
        reports_states=False,
        lanes=2,
    )
    e = shift(run(center, (EARLY,)), "Early")
    assert e.pot == 2 * 8 * 3600  # two lanes
    assert e.apt == 4 * 3600 + 6 * 3600  # each operation on a lane of its own
    assert e.idle == e.pot - e.apt
    assert e.products[7].apt == 4 * 3600 and e.products[8].apt == 6 * 3600


def test_nothing_reported_is_idle_and_kpis_without_a_denominator_are_none() -> None:
    center = CenterInput(1, working=(Interval(at(6), at(14)),), planned_downtime=(), changes=())
    e = shift(run(center, (EARLY,)), "Early")
    assert e.idle == e.pot == 8 * 3600
    k = catalog.values(of(e))
    assert k["availability"] == 0.0
    assert k["effectiveness"] is None and k["quality_ratio"] is None and k["oee"] is None
    assert k["mttr"] is None
