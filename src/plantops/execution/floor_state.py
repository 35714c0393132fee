"""The floor's state of a site's released orders, as planning schedules from it
(plantops.planning.floor_state): done operations, started ones and where they run, and what
each still has to make."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.execution.models import OrderOperation
from plantops.masterdata.models import WorkCenter
from plantops.planning import models as m
from plantops.planning.floor_state import FloorState, OnFloor
from plantops.types import ON_THE_FLOOR, OperationStatus

DONE = (OperationStatus.completed, OperationStatus.cancelled)
STARTED = (OperationStatus.in_progress, OperationStatus.paused)


def read_floor(session: Session, site_id: int, now: datetime) -> FloorState:
    rows = session.execute(
        select(
            m.ProductionOrder.code,
            OrderOperation.operation_id,
            OrderOperation.status,
            OrderOperation.actual_start,
            OrderOperation.planned_quantity,
            OrderOperation.good,
            WorkCenter.code.label("work_center"),
        )
        .join(OrderOperation, OrderOperation.production_order_id == m.ProductionOrder.id)
        .join(WorkCenter, WorkCenter.id == OrderOperation.work_center_id)
        .where(
            m.ProductionOrder.site_id == site_id,
            m.ProductionOrder.status.in_(ON_THE_FLOOR),
            m.ProductionOrder.scenario_id.is_(None),
        )
    ).all()
    operations = {
        (row.code, row.operation_id): OnFloor(
            work_center=row.work_center,
            remaining=max(Decimal(0), row.planned_quantity - row.good),
            started_at=(row.actual_start or now) if row.status in STARTED else None,
            done=row.status in DONE,
        )
        for row in rows
    }
    return FloorState(now, operations)
