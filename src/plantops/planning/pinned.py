"""What a plan run or reschedule of a site keeps where the planners pinned it (read by the
schedule's input, planning.shop, which the pins service itself reads: hence a module of its
own)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.masterdata import models as md
from plantops.planning import models as m
from plantops.planning.models import OperationPin
from plantops.types import ON_THE_FLOOR, OrderStatus

# Orders whose operations may still move: not yet done, not stopped by a supervisor
MOVING = tuple(s for s in ON_THE_FLOOR if s is not OrderStatus.on_hold)
PINNABLE = (OrderStatus.proposed, OrderStatus.approved, OrderStatus.firm, *MOVING)


def held(session: Session, site_id: int) -> dict[tuple[str, int], tuple[datetime, str]]:
    """What a run of the site keeps: (order code, operation id) -> (start, work center code),
    for orders whose operations may still move (a plan run reads it as itself)."""
    rows = session.execute(
        select(m.ProductionOrder.code, OperationPin.operation_id, OperationPin.starts_at,
               md.WorkCenter.code)
        .join(m.ProductionOrder, m.ProductionOrder.id == OperationPin.production_order_id)
        .join(md.WorkCenter, md.WorkCenter.id == OperationPin.work_center_id)
        .where(
            OperationPin.site_id == site_id,
            m.ProductionOrder.status.in_(PINNABLE),
            m.ProductionOrder.scenario_id.is_(None),
        )
    ).all()  # fmt: skip
    return {(code, operation): (at, center) for code, operation, at, center in rows}
