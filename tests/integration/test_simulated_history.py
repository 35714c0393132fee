"""The demo plant's simulated history, posted through the shop floor's recording service,
on both databases: what the ledger then holds is what a floor that ran would hold."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from plantops.demo.history import create_history
from plantops.demo.loader import load_demo
from plantops.errors import ValidationFailed
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.planning.models import ProductionOrder
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import OperationStatus, OrderStatus

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)  # a Thursday morning


def test_three_days_of_history_at_every_site_are_in_the_ledger(engine: Engine) -> None:
    load_demo(engine)
    made = create_history(engine, days=3, seed=5, now=NOW)
    assert [h.site for h in made] == ["CN-SUZ", "DE-STR", "US-MKE"]
    assert all(h.orders > 10 and h.finished > 0 for h in made)
    with unit_of_work(make_session_factory(engine)) as session:
        events = session.scalar(select(func.count()).select_from(ShopEvent))
        assert events == sum(h.events for h in made)
        kinds = Counter(session.scalars(select(ShopEvent.kind)))
        assert {"operation_start", "operation_report", "operation_complete",
                "work_center_state"} <= set(kinds)  # fmt: skip
        # each recorded as it happened: none late, none from the future
        assert session.scalar(select(func.count()).where(ShopEvent.late)) == 0
        assert session.scalar(select(func.max(ShopEvent.occurred_at))) <= NOW
        down = session.scalars(select(ShopEvent).where(ShopEvent.state == "down")).all()
        assert down and all(e.reason_code_id is not None for e in down)
        # every completed operation accounts for each unit started: good, scrap or rework
        done = session.scalars(
            select(OrderOperation).where(OrderOperation.status == OperationStatus.completed)
        ).all()
        assert done
        assert all(op.good + op.scrap + op.rework == op.planned_quantity for op in done)
        statuses = Counter(session.scalars(select(ProductionOrder.status)))
        assert statuses[OrderStatus.completed] > 0
        assert statuses[OrderStatus.in_progress] + statuses[OrderStatus.ready] > 0  # at NOW


def test_a_wrong_rates_file_is_refused_naming_the_rate_before_anything_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    load_demo(engine)
    rates = tmp_path / "rates.yaml"
    rates.write_text("format: plantops-rates\nsites:\n  DE-STR:\n    scrap_rate: 2\n")
    with pytest.raises(ValidationFailed) as refused:
        create_history(engine, days=1, rates=rates, now=NOW)
    assert "scrap_rate" in str(refused.value.errors[0].message)
    rates.write_text("format: plantops-rates\ndefaults:\n  mtbf: 3\n")
    with pytest.raises(ValidationFailed) as refused:
        create_history(engine, days=1, rates=rates, now=NOW)
    assert refused.value.errors[0].location == ("defaults", "mtbf")
    with unit_of_work(make_session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(ShopEvent)) == 0
        assert session.scalar(select(func.count()).select_from(ProductionOrder)) == 0
