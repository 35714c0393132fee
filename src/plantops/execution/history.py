"""The ledger as people read it: events by subject, newest first, and the late ones a
supervisor should look at."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.execution.lifecycle import EventKind
from plantops.execution.models import ShopEvent


@dataclass(frozen=True)
class EventFilter:
    site_id: int | None = None
    production_order_id: int | None = None
    order_operation_id: int | None = None
    work_center_id: int | None = None
    employee_id: int | None = None
    kind: EventKind | None = None
    late: bool | None = None


def list_events(
    session: Session, caller: Caller, where: EventFilter, limit: int, offset: int
) -> tuple[list[ShopEvent], int]:
    caller.require(Domain.execution, Action.read, "shop-floor events")
    conditions = caller.scope.conditions(ShopEvent.site_id, where.site_id)
    for name in ("production_order_id", "order_operation_id", "work_center_id",
                 "employee_id", "kind", "late"):  # fmt: skip
        value = getattr(where, name)
        if value is not None:
            conditions.append(getattr(ShopEvent, name) == value)
    total = session.scalar(select(func.count()).select_from(ShopEvent).where(*conditions)) or 0
    rows = session.scalars(
        select(ShopEvent)
        .where(*conditions)
        .order_by(ShopEvent.occurred_at.desc(), ShopEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total
