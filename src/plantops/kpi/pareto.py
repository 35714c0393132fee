"""Pareto of losses by reason: downtime hours, or scrap or rework units, per reason code,
largest first, with each one's share and the cumulative curve. Planned stops are no loss and
stay out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantops.errors import ValidationFailed
from plantops.kpi import models as k
from plantops.kpi.query import Selection, where
from plantops.kpi.report_model import ParetoLine
from plantops.masterdata.models import ReasonCode
from plantops.types import LossCategory, ReasonKind

KINDS = ("downtime", "scrap", "rework")
HOUR = 3600.0


def pareto(session: Session, selection: Selection, kind: str = "downtime") -> list[ParetoLine]:
    if kind not in KINDS:
        raise ValidationFailed.field("kind", f"is not one of {', '.join(KINDS)}")
    if not selection.site_ids:
        return []
    r = k.KpiReason
    amount: Any = r.seconds if kind == "downtime" else r.quantity
    statement = (
        select(
            ReasonCode.code, ReasonCode.name, func.sum(amount), func.sum(r.occurrences)
        )
        .join(ReasonCode, ReasonCode.id == r.reason_code_id)
        .where(*where(selection, r), ReasonCode.kind == ReasonKind(kind))
        .group_by(ReasonCode.code, ReasonCode.name)
    )  # fmt: skip
    if kind == "downtime":
        statement = statement.where(ReasonCode.loss_category != LossCategory.planned_downtime)
    scale = HOUR if kind == "downtime" else 1.0
    causes = [
        (str(row[0]), str(row[1]), float(row[2] or 0) / scale, int(row[3] or 0))
        for row in session.execute(statement)
    ]
    return lines(causes)


def lines(causes: list[tuple[str, str, float, int]]) -> list[ParetoLine]:
    """Largest first (ties by code), with share and cumulative share of the total."""
    causes = sorted((c for c in causes if c[2] > 0), key=lambda c: (-c[2], c[0]))
    whole = sum(c[2] for c in causes)
    found, running = [], 0.0
    for code, name, amount, count in causes:
        running += amount
        found.append(ParetoLine(code, name, amount, count, amount / whole, running / whole))
    return found
