"""The order, delivery, labour and stock measures (kpi.orders) of small floors worked out by
hand, on both databases. Orders are released through execution.release and every event is
recorded through execution.recording; the arithmetic sits beside each number.

The site is Europe/Berlin: UTC+1 in these weeks. Frames are cut on SAW, then welded on WELD
(tests/floor.py). The release's instant is the audit trail's, whose clock is set here."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from plantops.access import audit
from plantops.access.caller import SYSTEM
from plantops.execution.recording import record
from plantops.execution.release import release
from plantops.execution.schemas import EventIn
from plantops.execution.stock import post_move
from plantops.execution.views import order_operations
from plantops.integration.service import import_plant
from plantops.inventory.models import Location
from plantops.inventory.schemas import StockMoveIn
from plantops.kpi.orders import Labour, OrderMeasures, inventory_turns, labour, order_measures
from plantops.masterdata import models as md
from plantops.org.models import Site
from plantops.planning.models import PlanRun, ProductionOrder, ScheduledOperation
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import OrderStatus, PlanRunStatus
from plantops.workforce.models import Employee
from tests.floor import floor_plant


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


START, END = at(1, 6), at(3, 6)  # Tuesday 1 December 06:00 UTC to Thursday 06:00
MINUTE = timedelta(minutes=1)


@contextmanager
def audit_clock(moment: datetime) -> Iterator[None]:
    """The audit trail's clock reads `moment` (a release is audited when it happens)."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Frozen:
            return moment  # type: ignore[return-value]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "datetime", Frozen)
        yield


class Shop:
    """The floor plant (tests/floor.py) in a fresh database, and how the tests act on it."""

    def __init__(self, engine: Engine, *, stock: bool = False) -> None:
        self.sessions = make_session_factory(engine)
        plant = floor_plant(stock=stock)
        for item in plant["items"]:
            item["standard_cost"] = {"FRAME": 10, "TUBE": 2}[item["code"]]
        with unit_of_work(self.sessions) as session:
            import_plant(session, SYSTEM, plant)
            self.site = session.scalars(select(Site.id)).one()
            self.center = self._ids(session, md.WorkCenter)
            self.item = self._ids(session, md.Item)
            self.employee = self._ids(session, Employee)
            self.steps = list(session.scalars(select(md.Operation).order_by(md.Operation.sequence)))
            self.location = self._ids(session, Location)  # LINE and STORE, with stock
        self.keys = itertools.count(1)

    @staticmethod
    def _ids(session: Any, model: Any) -> dict[str, int]:
        return {row.code: row.id for row in session.scalars(select(model))}

    def order(
        self, due: date, released: datetime, schedule: tuple[datetime, datetime] | None = None
    ) -> tuple[int, list[int]]:
        """A FRAME order of 10 due `due`, released at `released`; `schedule`: when its cut
        and its weld are to start (an hour each). Its id and its operations' (cut, weld)."""
        with unit_of_work(self.sessions) as session:
            order = ProductionOrder(
                site_id=self.site, code=f"MO-{next(self.keys)}", item_id=self.item["FRAME"],
                quantity=Decimal(10), status=OrderStatus.approved,
                release_date=released.date(), due_date=due, priority=3,
            )  # fmt: skip
            session.add(order)
            session.flush()
            if schedule is not None:
                order.plan_run_id = self._schedule(session, order.id, schedule)
            with audit_clock(released):
                release(session, SYSTEM, order.id, None)
            return order.id, [op.id for op in order_operations(session, SYSTEM, order.id)]

    def _schedule(self, session: Any, order_id: int, starts: tuple[datetime, datetime]) -> int:
        run = PlanRun(site_id=self.site, status=PlanRunStatus.succeeded, today=START.date(),
                      horizon_days=14, requested_by="test", requested_at=START)  # fmt: skip
        session.add(run)
        session.flush()
        for step, begins, center in zip(self.steps, starts, ("SAW", "WELD"), strict=True):
            session.add(
                ScheduledOperation(plan_run_id=run.id, production_order_id=order_id,
                                   operation_id=step.id, work_center_id=self.center[center],
                                   starts_at=begins, ends_at=begins + timedelta(hours=1))
            )  # fmt: skip
        session.flush()
        return int(run.id)

    def event(self, kind: str, when: datetime, now: datetime | None = None, **fields: Any) -> None:
        """Record an event that occurred `when`, sent live (a minute later) unless `now`."""
        body = {"idempotency_key": f"kpi-orders-{next(self.keys)}", "kind": kind,
                "occurred_at": when, **fields}  # fmt: skip
        with unit_of_work(self.sessions) as session:
            record(session, SYSTEM, EventIn.model_validate(body), now or when + MINUTE)

    def run(self, operation: int, begins: datetime, ends: datetime | None = None) -> None:
        """Start an operation (all 10) and, with `ends`, complete it with 10 good."""
        self.event("operation_start", begins, order_operation_id=operation)
        if ends is not None:
            self.event("operation_complete", ends, order_operation_id=operation, good=10)

    def move(self, kind: str, when: datetime, item: str, quantity: int, **fields: Any) -> None:
        body = {"idempotency_key": f"kpi-move-{next(self.keys)}", "kind": kind,
                "occurred_at": when, "item_id": self.item[item],
                "location_id": self.location["LINE"], "quantity": quantity, **fields}  # fmt: skip
        with unit_of_work(self.sessions) as session:
            post_move(session, SYSTEM, StockMoveIn.model_validate(body), when + MINUTE)

    def measures(self, start: datetime = START, end: datetime = END) -> OrderMeasures:
        with unit_of_work(self.sessions) as session:
            return order_measures(session, [self.site], start, end)

    def labour(self, start: datetime = START, end: datetime = END) -> Labour:
        with unit_of_work(self.sessions) as session:
            return labour(session, [self.site], start, end)


def test_completed_on_time_late_lead_time_and_schedule_adherence(engine: Engine) -> None:
    shop = Shop(engine)
    # A: released Mon 30 Nov 08:00, due Tue 1 Dec, cut scheduled 07:00 and weld 09:00
    _, (cut, weld) = shop.order(date(2026, 12, 1), at(30, 8, month=11), (at(1, 7), at(1, 9)))
    shop.run(cut, at(1, 7, 10), at(1, 8))  # 10 min after its scheduled start: on schedule
    shop.run(weld, at(1, 9, 40), at(1, 12))  # 40 min after: not; completed 13:00 local: on time
    # B: released Mon 10:00, due Tue, never scheduled; completed Tue 23:30 UTC, which is
    # Wednesday 00:30 in Berlin: late
    _, (cut, weld) = shop.order(date(2026, 12, 1), at(30, 10, month=11))
    shop.run(cut, at(1, 13), at(1, 14))
    shop.run(weld, at(1, 22), at(1, 23, 30))
    # E: all done on Monday, before the span
    _, (cut, weld) = shop.order(
        date(2026, 12, 1), at(29, 8, month=11), (at(30, 7, month=11), at(30, 9, month=11))
    )
    shop.run(cut, at(30, 7, 5, month=11), at(30, 8, month=11))
    shop.run(weld, at(30, 9, month=11), at(30, 20, month=11))
    # F: cut 15 min before its schedule (on schedule, at the limit); weld after the span
    _, (cut, weld) = shop.order(date(2026, 12, 4), at(1, 6, 30), (at(2, 10), at(2, 12)))
    shop.run(cut, at(2, 9, 45), at(2, 11))
    shop.run(weld, at(3, 7), at(3, 8))

    m = shop.measures()
    assert (m.completed, m.on_time) == (2, 1)  # A and B; A on time
    assert m.on_time_delivery == 0.5
    # A: Mon 08:00 -> Tue 12:00 = 28 h; B: Mon 10:00 -> Tue 23:30 = 37.5 h
    assert m.lead_time_hours == pytest.approx((28 + 37.5) / 2)
    # scheduled operations started in the span: A's cut (+10 min), A's weld (+40), F's cut
    # (-15); B's were never scheduled, E's started before the span, F's weld after it
    assert (m.operations_started, m.started_on_schedule) == (3, 2)
    assert m.schedule_adherence == pytest.approx(2 / 3)
    # at Thursday 06:00 F was still on the floor (completed at 08:00), due Friday: not late
    assert (m.wip, m.late_open) == (1, 0)
    # the day before: A alone completed (B completed at 23:30), on time, 28 h
    before = shop.measures(START, at(1, 23))
    assert (before.completed, before.on_time, before.lead_time_hours) == (1, 1, 28.0)


def test_on_time_across_the_change_of_the_clocks(engine: Engine) -> None:
    """Berlin leaves summer time on Sunday 25 October 2026 at 01:00 UTC (03:00 -> 02:00)."""
    shop = Shop(engine)
    # X: due Saturday, completed Saturday 22:30 UTC = Sunday 00:30 CEST: late
    _, (cut, weld) = shop.order(date(2026, 10, 24), at(23, 8, month=10))
    shop.run(cut, at(24, 20, month=10), at(24, 21, month=10))
    shop.run(weld, at(24, 21, month=10), at(24, 22, 30, month=10))
    # Y: due Sunday, completed Sunday 22:30 UTC = 23:30 CET: on time
    _, (cut, weld) = shop.order(date(2026, 10, 25), at(23, 8, month=10))
    shop.run(cut, at(25, 20, month=10), at(25, 21, month=10))
    shop.run(weld, at(25, 21, month=10), at(25, 22, 30, month=10))
    m = shop.measures(at(24, 0, month=10), at(27, 0, month=10))
    assert (m.completed, m.on_time) == (2, 1)
    # X: Fri 08:00 -> Sat 22:30 = 38.5 h; Y: Fri 08:00 -> Sun 22:30 = 62.5 h
    assert m.lead_time_hours == pytest.approx((38.5 + 62.5) / 2)


def test_work_in_progress_and_late_open_at_the_end(engine: Engine) -> None:
    shop = Shop(engine)
    monday = at(30, 12, month=11)
    _, (cut, _) = shop.order(date(2026, 12, 2), monday)  # C: under way, due Wednesday
    shop.run(cut, at(2, 8))
    shop.order(date(2026, 12, 10), at(2, 9))  # D: released Wednesday, due next week
    g, _ = shop.order(date(2026, 12, 1), monday)  # G: cancelled Wednesday noon
    shop.event("order_cancel", at(2, 12), production_order_id=g, note="customer withdrew")
    shop.order(date(2026, 12, 1), at(3, 8))  # H: released Thursday 08:00, after the end
    k, (cut, _) = shop.order(date(2026, 12, 1), monday)  # K: held and cancelled after the end
    shop.run(cut, at(2, 7))
    shop.event("order_hold", at(3, 7), production_order_id=k, note="quality")
    shop.event("order_cancel", at(3, 7, 30), production_order_id=k, note="scrapped")
    _, (cut, weld) = shop.order(date(2026, 12, 1), monday)  # M: completed Wednesday
    shop.run(cut, at(2, 8), at(2, 9))
    shop.run(weld, at(2, 10), at(2, 14))

    m = shop.measures()
    # on the floor at Thursday 06:00: C, D and K. Past due then (Berlin's Wednesday ended
    # at 23:00 UTC): C (due Wednesday) and K (due Tuesday); D is due next week
    assert (m.wip, m.late_open) == (3, 2)
    assert (m.completed, m.on_time) == (1, 0)  # M, a day late
    # on Tuesday 12:00 only C, G, K and M had been released, none yet completed nor
    # cancelled; all due by Tuesday but C, and Tuesday had not ended yet
    earlier = shop.measures(START, at(1, 12))
    assert (earlier.wip, earlier.late_open) == (4, 0)


def test_a_release_recorded_after_the_work_counts_from_the_first_start(engine: Engine) -> None:
    """An offline terminal (or a simulated history) dates the work before the release was
    recorded: the order went to the floor no later than its first start."""
    shop = Shop(engine)
    recorded = at(2, 20)
    _, (cut, weld) = shop.order(date(2026, 12, 2), recorded)
    for kind, when, op, good in (
        ("operation_start", at(2, 10), cut, None), ("operation_complete", at(2, 11), cut, 10),
        ("operation_start", at(2, 11), weld, None), ("operation_complete", at(2, 12), weld, 10),
    ):  # fmt: skip
        extra = {"good": good} if good else {}
        shop.event(kind, when, recorded + MINUTE, order_operation_id=op, **extra)
    m = shop.measures()
    assert (m.completed, m.on_time, m.lead_time_hours) == (1, 1, 2.0)  # 10:00 -> 12:00
    assert (m.wip, m.late_open) == (0, 0)


def test_labour_attendance_and_work_time(engine: Engine) -> None:
    shop = Shop(engine)
    _, (p_cut, p_weld) = shop.order(date(2026, 12, 4), at(30, 8, month=11))
    _, (q_cut, _) = shop.order(date(2026, 12, 4), at(30, 8, month=11))
    shop.run(p_cut, at(1, 7), at(1, 9))  # SAW: 07:00-09:00
    shop.run(q_cut, at(1, 8), at(1, 10))  # and 08:00-10:00: SAW busy 07:00-10:00
    shop.run(p_weld, at(1, 9, 30), at(1, 11))  # WELD: 09:30-11:00
    e1, e2 = shop.employee["E1"], shop.employee["E2"]
    saw, weld = shop.center["SAW"], shop.center["WELD"]
    # E1 at SAW from Monday 22:00 (before the span) to Tuesday 12:00
    shop.event("clock_in", at(30, 22, month=11), employee_id=e1, work_center_id=saw)
    shop.event("clock_out", at(1, 12), employee_id=e1)
    # E2 at WELD 09:00-10:00; then in without a work center from Thursday 04:00, still in
    shop.event("clock_in", at(1, 9), employee_id=e2, work_center_id=weld)
    shop.event("clock_out", at(1, 10), employee_id=e2)
    shop.event("clock_in", at(3, 4), employee_id=e2)
    shop.event("clock_out", at(3, 7), employee_id=e2)  # after the end
    shop.event("clock_in", at(3, 7), employee_id=e1, work_center_id=saw)  # after the end

    found = shop.labour()
    # attendance: E1 06:00-12:00 (6 h) + E2 09:00-10:00 (1 h) + E2 04:00-06:00 (2 h) = 9 h
    assert found.attendance_seconds == 9 * 3600
    # work: E1 while SAW was busy, 07:00-10:00 (3 h); E2 while WELD was, 09:30-10:00
    # (30 min); E2's Thursday stretch names no work center: none
    assert found.work_seconds == 3 * 3600 + 30 * 60
    assert found.people == 2
    assert found.utilisation == pytest.approx(3.5 / 9)
    # Tuesday 08:30 to 09:30: E1 the whole hour (SAW busy), E2 from 09:00 (WELD idle)
    part = shop.labour(at(1, 8, 30), at(1, 9, 30))
    assert (part.attendance_seconds, part.work_seconds, part.people) == (5400, 3600, 2)


def test_inventory_turns_of_a_tiny_stock(engine: Engine) -> None:
    shop = Shop(engine, stock=True)  # TUBE at 2 a metre, FRAME at 10 apiece
    shop.move("receipt", at(20, 8, month=11), "TUBE", 100)  # before: 100 m, 200
    order, (cut, weld) = shop.order(date(2026, 12, 4), at(30, 8, month=11))
    # 10 frames cut: 10 x 1.6 m / (1 - 0.2 scrap) = 20 m backflushed: 40 consumed
    shop.run(cut, at(1, 8), at(1, 9))
    shop.move("issue", at(1, 9, 30), "TUBE", 5, production_order_id=order)  # 10 consumed
    shop.run(weld, at(1, 10), at(1, 11))  # 10 frames received: +100, not consumed
    shop.move("receipt", at(5, 8), "TUBE", 50)  # +100
    shop.move("scrap", at(6, 8), "TUBE", 4, reason="dented")  # -8, not consumed
    shop.move("receipt", at(12, 8), "TUBE", 10)  # after the span: not in its closing stock
    start, end = at(1, 0), at(11, 0)  # ten days
    with unit_of_work(shop.sessions) as session:
        turns = inventory_turns(session, [shop.site], start, end)
        # at start 200; at end 200 - 40 + 100 - 10 + 100 - 8 = 342; average 271.
        # consumed 50 in 10 days: 50 x 36.5 = 1825 a year
        assert turns == pytest.approx(1825 / 271)
        # before the first receipt there was no stock to turn
        assert (
            inventory_turns(session, [shop.site], at(1, 0, month=11), at(10, 0, month=11)) is None
        )


def test_an_empty_span(engine: Engine) -> None:
    shop = Shop(engine, stock=True)
    assert shop.measures() == OrderMeasures(0, 0, None, 0, 0, 0, 0)
    assert shop.measures().on_time_delivery is None
    assert shop.measures().schedule_adherence is None
    assert shop.labour() == Labour(0, 0, 0)
    assert shop.labour().utilisation is None
    with unit_of_work(shop.sessions) as session:
        assert inventory_turns(session, [shop.site], START, END) is None
        assert order_measures(session, [], START, END) == OrderMeasures(0, 0, None, 0, 0, 0, 0)
        assert labour(session, [], START, END) == Labour(0, 0, 0)
        assert inventory_turns(session, [], START, END) is None
