"""The schedule's input from the floor's state: completed operations are out, a started one
stays on its work center from now for what is left to make, the rest is sized by what is left,
and nothing new starts before `not_before`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from plantops.planning.floor_state import FloorState, OnFloor
from plantops.planning.schedule_input import Order, build_problem, next_available
from plantops.planning.shop import Alternative, Shop, Step
from plantops.scheduling.problem import Fixed, Precedence, Resource

MIDNIGHT = datetime(2026, 12, 6, 23, tzinfo=UTC)  # Berlin's midnight starting Mon 7 Dec
STEPS = (
    Step(1, 10, None, None, 1, 1.0, (Alternative("SAW", 0, 60.0),)),
    Step(2, 20, None, None, 1, 1.0, (Alternative("WELD", 300, 120.0),
                                     Alternative("WELD2", 0, 150.0))),
    Step(3, 30, None, None, 1, 1.0, (Alternative("PACK", 0, 10.0),)),
)  # fmt: skip
SHIFT = ((21600, 79200), (108000, 165600))  # 06:00-22:00 on Monday and Tuesday


def shop() -> Shop:
    resources = tuple(Resource(r, available=SHIFT) for r in ("SAW", "WELD", "WELD2", "PACK"))
    return Shop(MIDNIGHT, ZoneInfo("Europe/Berlin"), {"FRAME": STEPS}, resources, (), {}, {})


ORDER = Order("MO-1", "FRAME", Decimal(10), date(2026, 12, 7), date(2026, 12, 10))


def test_without_the_floor_every_step_is_placed_for_the_whole_quantity() -> None:
    problem, _ = build_problem(shop(), [ORDER], [])
    assert [o.id for o in problem.operations] == ["MO-1/10", "MO-1/20", "MO-1/30"]
    assert [m.duration for m in problem.operations[1].modes] == [300 + 1200, 1500]


def test_done_is_out_started_stays_from_now_the_rest_is_what_is_left() -> None:
    now = MIDNIGHT + timedelta(hours=23)  # 22:00: the shift has just ended
    floor = FloorState(
        now,
        {
            ("MO-1", 1): OnFloor("SAW", Decimal(0), done=True),
            ("MO-1", 2): OnFloor("WELD2", Decimal(4), started_at=now - timedelta(hours=2)),
            ("MO-1", 3): OnFloor("PACK", Decimal(10)),
        },
    )
    problem, steps = build_problem(shop(), [ORDER], [], floor, not_before=3600)
    weld, pack = problem.operations
    assert (weld.id, pack.id) == ("MO-1/20", "MO-1/30") and "MO-1/10" not in steps
    # on WELD2, where it runs, for 4 left at 150 s (no setup again), from the next shift
    assert [(m.resource, m.duration) for m in weld.modes] == [("WELD2", 600)]
    assert weld.fixed == Fixed(108000, 0)
    assert problem.precedences == (Precedence("MO-1/20", "MO-1/30"),)
    assert problem.jobs[0].release == 3600 and pack.fixed is None


def test_a_started_step_has_no_precedence_from_the_steps_before_it() -> None:
    # the floor started packing before the weld was done (it happens): the schedule takes it
    now = MIDNIGHT + timedelta(hours=8)
    floor = FloorState(now, {("MO-1", 3): OnFloor("PACK", Decimal(10), started_at=now)})
    problem, _ = build_problem(shop(), [ORDER], [], floor)
    assert problem.precedences == (Precedence("MO-1/10", "MO-1/20"),)
    assert problem.operations[2].fixed == Fixed(8 * 3600, 0)


def test_the_next_instant_a_work_center_works() -> None:
    assert next_available(SHIFT, 0) == 21600
    assert next_available(SHIFT, 30000) == 30000
    assert next_available(SHIFT, 79200) == 108000
    assert next_available(None, 5) == 5
