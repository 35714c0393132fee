"""Pinning an operation on both databases: where it may go (an alternative work center, a
time to come, a slot nothing kept holds), what pinning writes (the pin, the operation's new
slot in working time, the order approved, the audit trail), and nothing when it is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import SYSTEM, Caller
from plantops.access.models import AuditRecord
from plantops.access.roles import Role
from plantops.access.scope import Scope
from plantops.errors import Forbidden, NotFound, ValidationFailed
from plantops.integration.service import import_plant
from plantops.masterdata.models import Calendar, WorkCenter
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning import pins
from plantops.planning.models import OperationPin
from plantops.planning.orders import set_status
from plantops.planning.pinned import held
from plantops.planning.policy import set_policy
from plantops.planning.runs import execute_run, request_run
from plantops.planning.schemas import PlanningPolicyIn, PlanRunIn
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import OrderStatus, PlanRunStatus
from tests.scenarios.plant import bicycle_plant

MON = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # the pins are made as the plan's Monday begins
BERLIN = timedelta(hours=1)  # the plant's offset from UTC in March (before summer time)
SHIFT_START, SHIFT_END = 6, 14  # its day shift, local hours


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


@pytest.fixture
def planned(engine: Engine) -> sessionmaker[Session]:
    """The plant planned as of Monday 2 March 2026."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        import_plant(session, SYSTEM, plant_with_a_second_welder())
        calendar = session.scalars(select(Calendar)).one()
        site = session.scalars(select(Site.id)).one()
        set_policy(session, SYSTEM, site, PlanningPolicyIn(calendar_id=calendar.id))
        run_id = request_run(session, SYSTEM, PlanRunIn(site_id=site, today=MON)).id
    execute_run(factory, run_id)
    with factory() as session:
        assert session.get_one(m.PlanRun, run_id).status is PlanRunStatus.succeeded
    return factory


def _welding(session: Session) -> tuple[m.ScheduledOperation, m.ProductionOrder]:
    """The first frame order's welding operation, as the plan scheduled it."""
    row = session.execute(
        select(m.ScheduledOperation, m.ProductionOrder)
        .join(m.ProductionOrder, m.ProductionOrder.id == m.ScheduledOperation.production_order_id)
        .join(WorkCenter, WorkCenter.id == m.ScheduledOperation.work_center_id)
        .where(WorkCenter.code.in_(("WELD", "WELD2")))
        .order_by(m.ScheduledOperation.starts_at)
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
        pins.pin_operation(session, auditor, placed.id, placed.work_center_id, _local(9, 6), NOW)
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
