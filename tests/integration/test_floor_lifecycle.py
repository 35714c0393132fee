"""The order and operation lifecycle as a Hypothesis state machine over the recording
service, on both databases (reference/reliability.md T6): random events, live or buffered,
valid or not, on the operations of a released order. After every step the operations'
totals are the sums of the ledger's deltas, good + scrap + rework never exceed what was
started while only live events were sent, and every live event was taken or refused
exactly as the lifecycle table says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import SYSTEM
from plantops.errors import DomainError, InvalidTransition, ValidationFailed
from plantops.execution.lifecycle import EventKind, Report, Tally, apply
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.execution.recording import record
from plantops.execution.release import release
from plantops.execution.schemas import EventIn
from plantops.integration.service import import_plant
from plantops.masterdata.models import ReasonCode
from plantops.storage.engine import make_session_factory, serialized_write
from plantops.types import OperationStatus
from tests.floor import approved_order, floor_plant

E = EventKind
KINDS = [E.operation_start, E.operation_pause, E.operation_resume, E.operation_report,
         E.operation_complete]  # fmt: skip
KEYS = count(1)


def _plant(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    """The floor plant: its breakdown, scrap and rework reason ids."""
    with serialized_write(factory) as session:
        import_plant(session, SYSTEM, floor_plant())
        reasons = {
            code: ident for code, ident in session.execute(select(ReasonCode.code, ReasonCode.id))
        }
    return reasons["BRK"], reasons["SCR"], reasons["RW"]


def test_the_lifecycle_holds_under_random_events(engine: Engine) -> None:
    factory = make_session_factory(engine)
    breakdown, scrap_reason, rework_reason = _plant(factory)

    class Floor(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            order = approved_order(factory, quantity=20)
            with serialized_write(factory) as session:
                release(session, SYSTEM, order, None)
                ops = session.scalars(
                    select(OrderOperation).where(OrderOperation.production_order_id == order)
                ).all()
                self.ops = [op.id for op in ops]
            self.buffered = False

        @rule(
            which=st.integers(0, 1),
            kind=st.sampled_from(KINDS),
            good=st.integers(0, 12),
            scrap=st.integers(0, 3),
            rework=st.integers(0, 2),
            started=st.none() | st.integers(0, 25),
            buffered=st.booleans(),
        )
        def send(
            self, which: int, kind: EventKind, good: int, scrap: int, rework: int,
            started: int | None, buffered: bool,
        ) -> None:  # fmt: skip
            op = self.ops[which]
            fields: dict[str, object] = {}
            if kind is E.operation_start:
                fields = {"quantity": started}
            elif kind is E.operation_pause:
                fields = {"reason_code_id": breakdown}
            elif kind in (E.operation_report, E.operation_complete):
                fields = {"good": good, "scrap": scrap, "rework": rework}
                fields |= {"scrap_reason_code_id": scrap_reason} if scrap else {}
                fields |= {"reason_code_id": rework_reason} if rework else {}
            now = datetime.now(UTC)
            event = EventIn.model_validate(
                {"idempotency_key": f"lifecycle-{next(KEYS)}", "kind": kind,
                 "order_operation_id": op,
                 "occurred_at": now - timedelta(hours=1) if buffered else now}
                | {k: v for k, v in fields.items() if v is not None}
            )  # fmt: skip
            expected = self._expected(op, event)
            try:
                with serialized_write(factory) as session:
                    record(session, SYSTEM, event, now)
            except DomainError as refused:
                assert not buffered or isinstance(refused, ValidationFailed), refused
                if not buffered:
                    assert expected is None or isinstance(expected, Exception), refused
                return
            if buffered:
                self.buffered = True
                return
            assert isinstance(expected, Tally), f"{kind} was taken, the table refuses it"
            with factory() as session:
                now_status = session.get_one(OrderOperation, op).status
            if expected.status not in (OperationStatus.released, OperationStatus.ready):
                assert now_status is expected.status

        def _expected(self, op: int, event: EventIn) -> Tally | Exception | None:
            """What the lifecycle makes of a live event: the next tally, or its refusal
            (None: refused for its fields, before the lifecycle is asked)."""
            if event.kind is E.operation_report and not (event.good or event.scrap or event.rework):
                return None
            with factory() as session:
                row = session.get_one(OrderOperation, op)
                current = Tally(row.status, row.started, row.good, row.scrap, row.rework)
            start = Decimal(0)
            if event.kind is E.operation_start:
                default = row.planned_quantity if row.started == 0 else Decimal(0)
                start = event.quantity if event.quantity is not None else default
            report = Report(event.kind, start, event.good or Decimal(0),
                            event.scrap or Decimal(0), event.rework or Decimal(0))  # fmt: skip
            try:
                return apply(current, report, "op")
            except (InvalidTransition, ValueError) as refused:
                return refused

        @invariant()
        def totals_are_the_ledger_sums(self) -> None:
            with factory() as session:
                for op in self.ops:
                    row = session.get_one(OrderOperation, op)
                    sums = session.execute(
                        select(func.coalesce(func.sum(ShopEvent.started), 0),
                               func.coalesce(func.sum(ShopEvent.good), 0),
                               func.coalesce(func.sum(ShopEvent.scrap), 0),
                               func.coalesce(func.sum(ShopEvent.rework), 0))
                        .where(ShopEvent.order_operation_id == op)
                    ).one()  # fmt: skip
                    totals = (row.started, row.good, row.scrap, row.rework)
                    assert tuple(Decimal(s) for s in sums) == totals
                    if not self.buffered:
                        assert row.good + row.scrap + row.rework <= row.started

    run_state_machine_as_test(
        Floor,
        settings=settings(
            max_examples=25, stateful_step_count=20, deadline=None, derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )  # fmt: skip
