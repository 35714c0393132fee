"""Pinning an operation on both databases: where it may go (an alternative work center, a
time to come, a slot nothing kept holds), what pinning writes (the pin, the operation's new
slot in working time, the order approved, the audit trail), and nothing when it is refused.
Plan runs and reschedules keep pins; when they cannot (a work center down then, pins that
make the schedule impossible) they let them go, schedule the rest, and say which."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import SYSTEM, Caller
from plantops.access.models import AuditRecord
from plantops.access.roles import Role
from plantops.access.scope import Scope
from plantops.errors import Forbidden, NotFound, ValidationFailed
from plantops.execution.reschedule import execute_reschedule, request_reschedule
from plantops.execution.reschedule_moves import moves_of
from plantops.execution.schemas import DownIn, RescheduleIn
from plantops.integration.service import import_plant
from plantops.masterdata.models import Calendar, WorkCenter
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning import pins
from plantops.planning.models import OperationPin
from plantops.planning.orders import set_status
from plantops.planning.pinned import held
from plantops.planning.policy import set_policy
from plantops.planning.run_requests import request_run
from plantops.planning.runs import execute_run
from plantops.planning.schemas import PlanningPolicyIn, PlanRunIn
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import OrderStatus, PlanRunKind, PlanRunStatus
from tests.scenarios.plant import bicycle_plant

MON = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # the pins are made as the plan's Monday begins
BERLIN = timedelta(hours=1)  # the plant's offset from UTC in March (before summer time)
SHIFT_START, SHIFT_END = 6, 14  # its day shift, local hours
ZONE = ZoneInfo("Europe/Berlin")


def plant_with_a_second_welder() -> dict[str, Any]:
    """The bicycle plant, where a second welding cell WELD2 may also weld frames."""
    plant = bicycle_plant()
    plant["work_centers"].append(
        {"site": "B1", "code": "WELD2", "name": "Weld 2", "kind": "machine", "area": "SHOP",
         "calendar": "DAY"}
    )  # fmt: skip
    frame = next(r for r in plant["routings"] if r["item"] == "FRAME")
    frame["operations"][0]["alternatives"].append(
        {"work_center": "WELD2", "setup_seconds": 600, "run_seconds_per_unit": 300, "preference": 2}
    )
    return plant


def _plan(engine: Engine, day: date) -> sessionmaker[Session]:
    """The plant planned as of `day`."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        import_plant(session, SYSTEM, plant_with_a_second_welder())
        calendar = session.scalars(select(Calendar)).one()
        site = session.scalars(select(Site.id)).one()
        set_policy(session, SYSTEM, site, PlanningPolicyIn(calendar_id=calendar.id))
        wanted = PlanRunIn(site_id=site, today=day, schedule_seconds=2)
        run_id = request_run(session, SYSTEM, wanted).id
    execute_run(factory, run_id)
    with factory() as session:
        assert session.get_one(m.PlanRun, run_id).status is PlanRunStatus.succeeded
    return factory


@pytest.fixture
def planned(engine: Engine) -> sessionmaker[Session]:
    """The plant planned as of Monday 2 March 2026."""
    return _plan(engine, MON)


def next_monday() -> date:
    """The plant's next Monday: reschedules run on the real clock, so what they keep must
    still be to come when they run."""
    today = datetime.now(ZONE).date()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def ahead(engine: Engine) -> sessionmaker[Session]:
    """The plant planned as of its next Monday."""
    return _plan(engine, next_monday())


def _welding(session: Session) -> tuple[m.ScheduledOperation, m.ProductionOrder]:
    """The first frame order's welding operation, as the plan scheduled it."""
    row = session.execute(
        select(m.ScheduledOperation, m.ProductionOrder)
        .join(m.ProductionOrder, m.ProductionOrder.id == m.ScheduledOperation.production_order_id)
        .join(WorkCenter, WorkCenter.id == m.ScheduledOperation.work_center_id)
        .where(WorkCenter.code.in_(("WELD", "WELD2")))
        .order_by(m.ScheduledOperation.starts_at, m.ProductionOrder.code)
        .limit(1)
    ).one()
    return row[0], row[1]


def _center(session: Session, code: str) -> int:
    return session.scalars(select(WorkCenter.id).where(WorkCenter.code == code)).one()


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in March 2026 given on the plant's wall clock."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC) - BERLIN


def _refused(factory: sessionmaker[Session], caller: Caller, **change: Any) -> ValidationFailed:
    with factory() as session:
        placed, _ = _welding(session)
        before = (placed.work_center_id, placed.starts_at)
    with pytest.raises(ValidationFailed) as refused, unit_of_work(factory) as session:
        pins.pin_operation(
            session, caller, placed.id, change.get("center", before[0]),
            change.get("at", before[1] + timedelta(days=1)), now=NOW,
        )  # fmt: skip
    with factory() as session:  # nothing written
        again = session.get_one(m.ScheduledOperation, placed.id)
        assert (again.work_center_id, again.starts_at) == before
        assert session.scalar(select(func.count()).select_from(OperationPin)) == 0
    return refused.value


def test_a_pin_moves_the_operation_into_working_time_and_approves_its_order(
    planned: sessionmaker[Session],
) -> None:
    with unit_of_work(planned) as session:
        placed, order = _welding(session)
        assert order.status is OrderStatus.proposed
        quantity = float(order.quantity)
        # Saturday 7 March, 03:00: the plant does not work; the pin starts Monday at 06:00
        done = pins.pin_operation(
            session, SYSTEM, placed.id, _center(session, "WELD2"), _local(7, 3), now=NOW
        )
    work = 600 + 300 * quantity  # setup and run, in working seconds, 8 hours a day
    day = (SHIFT_END - SHIFT_START) * 3600
    days, rest = divmod(int(work), day)
    if rest == 0:
        days, rest = days - 1, day
    weekdays = [9, 10, 12, 13, 16, 17, 18, 19]  # Mon 9 on; Wed 11 is the plant's holiday
    expected_end = _local(weekdays[days], SHIFT_START) + timedelta(seconds=rest)
    assert done.pin.starts_at == _local(9, SHIFT_START)
    assert done.ends_at == expected_end
    assert done.approved
    with planned() as session:
        moved = session.get_one(m.ScheduledOperation, placed.id)
        assert moved.work_center_id == _center(session, "WELD2")
        assert (moved.starts_at, moved.ends_at) == (_local(9, SHIFT_START), expected_end)
        assert session.get_one(m.ProductionOrder, order.id).status is OrderStatus.approved
        assert held(session, order.site_id) == {
            (order.code, placed.operation_id): (_local(9, SHIFT_START), "WELD2")
        }
        trail = session.scalars(
            select(AuditRecord.action).where(AuditRecord.entity == "operation_pin")
        ).all()
        assert list(trail) == ["pin"]
    with unit_of_work(planned) as session:
        pins.unpin(session, SYSTEM, done.pin.id)
    with planned() as session:
        assert held(session, order.site_id) == {}


def test_undo_puts_back_the_slot_the_earlier_pin_and_the_proposal(
    planned: sessionmaker[Session],
) -> None:
    with planned() as session:
        placed, order = _welding(session)
        slot = (placed.work_center_id, placed.starts_at, placed.ends_at)
        weld2 = _center(session, "WELD2")
    with unit_of_work(planned) as session:
        first = pins.pin_operation(session, SYSTEM, placed.id, weld2, _local(9, 8), now=NOW)
    with unit_of_work(planned) as session:  # moved again: this pin replaces the first
        second = pins.pin_operation(session, SYSTEM, placed.id, weld2, _local(10, 8), now=NOW)
    assert second.pin.id == first.pin.id and not second.approved
    with unit_of_work(planned) as session:
        pins.undo_pin(session, SYSTEM, second.pin.id, second.before)
    with planned() as session:  # back to the first pin, as it was made
        pin = session.scalars(select(OperationPin)).one()
        assert (pin.work_center_id, pin.starts_at) == (weld2, _local(9, SHIFT_START + 2))
        moved = session.get_one(m.ScheduledOperation, placed.id)
        assert (moved.starts_at, moved.ends_at) == (first.pin.starts_at, first.ends_at)
        assert session.get_one(m.ProductionOrder, order.id).status is OrderStatus.approved
    with unit_of_work(planned) as session:
        pins.undo_pin(session, SYSTEM, first.pin.id, first.before)
    with planned() as session:  # back to the plan's slot, unpinned and proposed again
        assert session.scalar(select(func.count()).select_from(OperationPin)) == 0
        moved = session.get_one(m.ScheduledOperation, placed.id)
        assert (moved.work_center_id, moved.starts_at, moved.ends_at) == slot
        assert session.get_one(m.ProductionOrder, order.id).status is OrderStatus.proposed
        trail = session.scalars(
            select(AuditRecord.action)
            .where(AuditRecord.entity.in_(("operation_pin", "production_order")))
            .order_by(AuditRecord.id)
        ).all()
        assert list(trail) == ["update", "pin", "pin", "pin", "unpin", "update"]
    with pytest.raises(NotFound, match="let go already"), unit_of_work(planned) as session:
        pins.undo_pin(session, SYSTEM, first.pin.id, first.before)


def test_undo_after_a_plan_run_lets_the_pin_go_and_keeps_the_new_schedule(
    planned: sessionmaker[Session],
) -> None:
    with planned() as session:
        placed, order = _welding(session)
        weld2 = _center(session, "WELD2")
    with unit_of_work(planned) as session:
        done = pins.pin_operation(session, SYSTEM, placed.id, weld2, _local(9, 8), now=NOW)
    with unit_of_work(planned) as session:
        site = session.scalars(select(Site.id)).one()
        run_id = request_run(session, SYSTEM, PlanRunIn(site_id=site, today=MON)).id
    execute_run(planned, run_id)
    with unit_of_work(planned) as session:
        pins.undo_pin(session, SYSTEM, done.pin.id, done.before)
    with planned() as session:
        assert session.scalar(select(func.count()).select_from(OperationPin)) == 0
        # the run's schedule stands: nothing is put back into a slot it no longer has
        rows = session.scalars(
            select(m.ScheduledOperation).where(
                m.ScheduledOperation.production_order_id == order.id,
                m.ScheduledOperation.operation_id == placed.operation_id,
            )
        ).all()
        assert [(r.work_center_id, r.starts_at) for r in rows] == [(weld2, done.pin.starts_at)]


def test_a_pin_is_refused_naming_the_field_and_writes_nothing(
    planned: sessionmaker[Session],
) -> None:
    with planned() as session:
        assembly = _center(session, "ASSY")
    wrong = _refused(planned, SYSTEM, center=assembly)
    assert wrong.errors[0].location == ("work_center_id",)
    assert "ASSY cannot run this operation; its work centers: WELD, WELD2" in wrong.detail
    past = _refused(planned, SYSTEM, at=NOW - timedelta(hours=1))
    assert past.errors[0].location == ("starts_at",)
    assert "in the past" in past.detail


def test_a_pin_may_not_take_a_slot_a_firm_order_keeps(planned: sessionmaker[Session]) -> None:
    with unit_of_work(planned) as session:
        placed, _ = _welding(session)
        others = session.execute(
            select(m.ScheduledOperation, m.ProductionOrder)
            .join(
                m.ProductionOrder,
                m.ProductionOrder.id == m.ScheduledOperation.production_order_id,
            )
            .where(
                m.ScheduledOperation.work_center_id == placed.work_center_id,
                m.ScheduledOperation.id != placed.id,
            )
            .order_by(m.ScheduledOperation.starts_at)
        ).first()
        assert others is not None, "the plan welds more than one frame order"
        kept, firm = others
        set_status(session, SYSTEM, "production_order", firm.id, OrderStatus.firm)
        slot = (kept.starts_at, placed.work_center_id)
    refused = _refused(planned, SYSTEM, at=slot[0], center=slot[1])
    assert refused.errors[0].location == ("starts_at",)
    assert f"is kept for {firm.code} op 10" in refused.detail


def test_who_may_pin(planned: sessionmaker[Session]) -> None:
    with planned() as session:
        placed, _ = _welding(session)
        site = session.scalars(select(Site.id)).one()
    auditor = Caller(1, "ann", Role.auditor, Scope(frozenset({site})))
    elsewhere = Caller(2, "bob", Role.production_manager, Scope(frozenset({site + 100})))
    with pytest.raises(Forbidden), unit_of_work(planned) as session:
        pins.pin_operation(
            session, auditor, placed.id, placed.work_center_id, _local(9, 6), now=NOW
        )
    with pytest.raises(NotFound), unit_of_work(planned) as session:
        pins.pin_operation(session, elsewhere, placed.id, placed.work_center_id, _local(9, 6))


def test_the_next_plan_run_keeps_a_pinned_operation(planned: sessionmaker[Session]) -> None:
    with unit_of_work(planned) as session:
        placed, order = _welding(session)
        pins.pin_operation(
            session, SYSTEM, placed.id, _center(session, "WELD2"), _local(12, 10), now=NOW
        )
        site = order.site_id
        run_id = request_run(session, SYSTEM, PlanRunIn(site_id=site, today=MON)).id
    execute_run(planned, run_id)
    with planned() as session:
        assert session.get_one(m.PlanRun, run_id).status is PlanRunStatus.succeeded
        again = session.scalars(
            select(m.ScheduledOperation).where(
                m.ScheduledOperation.production_order_id == order.id,
                m.ScheduledOperation.operation_id == placed.operation_id,
            )
        ).one()
        assert again.plan_run_id == run_id  # placed anew by this run, where it was pinned
        assert (again.work_center_id, again.starts_at) == (
            _center(session, "WELD2"),
            _local(12, 10),
        )


def _slot_of(session: Session, order_id: int, operation_id: int) -> tuple[int, datetime]:
    """Where the stored schedule has the operation: (work center id, start)."""
    placed = session.scalars(
        select(m.ScheduledOperation).where(
            m.ScheduledOperation.production_order_id == order_id,
            m.ScheduledOperation.operation_id == operation_id,
        )
    ).one()
    return placed.work_center_id, placed.starts_at


def _pin_ahead(factory: sessionmaker[Session]) -> tuple[m.ProductionOrder, int, datetime]:
    """The first frame's welding pinned to WELD2 on Tuesday after next Monday at 10:00, a
    day after the plan had it (lateness alone would pull it back): its order, operation and
    pinned start."""
    tuesday = next_monday() + timedelta(days=1)
    at = datetime.combine(tuesday, datetime.min.time().replace(hour=10), ZONE).astimezone(UTC)
    with unit_of_work(factory) as session:
        placed, order = _welding(session)
        done = pins.pin_operation(session, SYSTEM, placed.id, _center(session, "WELD2"), at)
        assert done.pin.starts_at == at
        session.expunge(order)
        return order, placed.operation_id, at


def _reschedule(factory: sessionmaker[Session], site: int, **disruption: Any) -> m.PlanRun:
    with unit_of_work(factory) as session:
        asked = RescheduleIn(site_id=site, reason="a test", schedule_seconds=2, **disruption)
        run_id = request_reschedule(session, SYSTEM, asked).id
    execute_reschedule(factory, run_id)
    with factory() as session:
        run = session.get_one(m.PlanRun, run_id)
        assert run.status is PlanRunStatus.succeeded, run.problems
        assert run.kind is PlanRunKind.reschedule and run.summary is not None
        return run


def test_a_reschedule_keeps_a_pinned_operation(ahead: sessionmaker[Session]) -> None:
    order, operation, at = _pin_ahead(ahead)
    run = _reschedule(ahead, order.site_id)
    with ahead() as session:
        assert _slot_of(session, order.id, operation) == (_center(session, "WELD2"), at)
    assert run.summary is not None and run.summary["pins_released"] == []


def test_a_reschedule_lets_a_pin_go_when_its_work_center_is_down_then(
    ahead: sessionmaker[Session],
) -> None:
    order, operation, at = _pin_ahead(ahead)
    with ahead() as session:
        weld2 = _center(session, "WELD2")
    until = at + timedelta(hours=2)
    run = _reschedule(ahead, order.site_id, down=[DownIn(work_center_id=weld2, until=until)])
    with ahead() as session:
        center, start = _slot_of(session, order.id, operation)
        assert (center, start) != (weld2, at)
        assert center != weld2 or start >= until
        moves = moves_of(session, SYSTEM, run.id)
    assert run.summary is not None and run.summary["pins_released"] == [f"{order.code} op 10"]
    assert run.summary["firm_moved"] is False
    moved = next(mv for mv in moves if mv["order"] == order.code)
    assert moved["why"] == "down" and moved["from_work_center"] == "WELD2"
    assert "WELD2 down until" in moved["detail"] and "its pin let go" in moved["detail"]


def _pin_two_at_once(session: Session, at: datetime) -> list[str]:
    """Two frame orders' welding pinned to WELD at the same instant, the rows put straight in
    (the service refuses the second): what no schedule can keep. Their labels."""
    welds = session.execute(
        select(m.ScheduledOperation, m.ProductionOrder)
        .join(m.ProductionOrder, m.ProductionOrder.id == m.ScheduledOperation.production_order_id)
        .join(WorkCenter, WorkCenter.id == m.ScheduledOperation.work_center_id)
        .where(WorkCenter.code.in_(("WELD", "WELD2")))
        .order_by(m.ProductionOrder.code)
        .limit(2)
    ).all()
    assert len(welds) == 2, "the plan welds two frame orders"
    weld = _center(session, "WELD")
    for placed, order in welds:
        set_status(session, SYSTEM, "production_order", order.id, OrderStatus.approved)
        session.add(
            OperationPin(
                site_id=order.site_id, production_order_id=order.id,
                operation_id=placed.operation_id, work_center_id=weld, starts_at=at,
                pinned_by="test", pinned_at=NOW,
            )
        )  # fmt: skip
    return sorted(f"{order.code} op 10" for _, order in welds)


def _first_assembly_made_firm(session: Session) -> tuple[int, int, tuple[int, datetime]]:
    """The first assembly order, made firm: its id, its operation and its slot."""
    kept = session.scalars(
        select(m.ScheduledOperation)
        .join(WorkCenter, WorkCenter.id == m.ScheduledOperation.work_center_id)
        .where(WorkCenter.code == "ASSY")
        .order_by(m.ScheduledOperation.starts_at)
        .limit(1)
    ).one()
    order = kept.production_order_id
    set_status(session, SYSTEM, "production_order", order, OrderStatus.firm)
    return order, kept.operation_id, (kept.work_center_id, kept.starts_at)


def test_a_plan_run_lets_go_of_pins_that_make_the_schedule_impossible(
    planned: sessionmaker[Session],
) -> None:
    """The run schedules every order without the planners' pins, the firm order keeping its
    slot, and names the pins it let go; the pins stay for the planner to mend."""
    with unit_of_work(planned) as session:
        pinned = _pin_two_at_once(session, _local(10, 8))
        firm, operation, slot = _first_assembly_made_firm(session)
        site = session.scalars(select(Site.id)).one()
        run_id = request_run(session, SYSTEM, PlanRunIn(site_id=site, today=MON)).id
    execute_run(planned, run_id)
    with planned() as session:
        run = session.get_one(m.PlanRun, run_id)
        assert run.status is PlanRunStatus.succeeded, run.problems
        summary = run.summary or {}
        assert summary["schedule"]["status"] in ("optimal", "feasible"), summary["schedule"]
        released = summary["pins_released"]
        assert released and set(released) <= set(pinned), released
        starts = session.scalars(
            select(m.ProductionOrder.scheduled_start).where(
                m.ProductionOrder.status.in_((OrderStatus.approved, OrderStatus.firm))
            )
        ).all()
        assert len(starts) == 3 and None not in starts  # every order kept has its times
        assert _slot_of(session, firm, operation) == slot
        assert session.scalar(select(func.count()).select_from(OperationPin)) == 2
