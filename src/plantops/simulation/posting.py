"""What the simulated floor did, posted as shop-floor events through the recording service
the terminals' events go through (execution.recording): checked against the lifecycles and
kept in the append-only ledger like any other. Each is recorded a moment after it occurred,
as a connected terminal's would be."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import SYSTEM
from plantops.errors import DomainError
from plantops.execution.lifecycle import EventKind
from plantops.execution.recording import Sent, record_each
from plantops.execution.schemas import EventIn
from plantops.simulation.model import Happening, Run
from plantops.storage.engine import with_retries

Reasons = Mapping[str, tuple[int, ...]]  # loss category -> the site's reason code ids
CHUNK = 1000
DELAY = timedelta(seconds=2)


class Refused(RuntimeError):
    """The floor refused a simulated event: the model and the lifecycles disagree."""


def post(
    factory: sessionmaker[Session], site: str, seed: int, run: Run, origin: datetime,
    reasons: Reasons,
) -> int:  # fmt: skip
    """Post the run's happenings (times counted from `origin`) in transactions of CHUNK
    events: how many were recorded."""
    events = [
        event(h, origin, f"sim-{site}-{seed}-{index}", reasons)
        for index, h in enumerate(run.happenings)
    ]
    for first in range(0, len(events), CHUNK):
        sent = [Sent(SYSTEM, e, e.occurred_at + DELAY) for e in events[first : first + CHUNK]]
        answers = with_retries(factory, partial(record_each, sent=sent))
        for one, answer in zip(sent, answers, strict=True):
            if isinstance(answer, DomainError):
                raise Refused(f"{one.event.kind} at {one.event.occurred_at}: {answer.detail}")
    return len(events)


def event(h: Happening, origin: datetime, key: str, reasons: Reasons) -> EventIn:
    fields: dict[str, Any] = {
        "idempotency_key": key,
        "kind": EventKind(h.kind),
        "occurred_at": origin + timedelta(seconds=h.at),
    }
    if h.kind == "work_center_state":
        fields |= {"work_center_id": h.station, "state": h.state}
        if h.loss is not None:
            fields["reason_code_id"] = _pick(reasons, h.loss, h.draw)
        if h.note:
            fields["note"] = h.note
        return EventIn(**fields)
    fields["order_operation_id"] = h.step
    if h.kind == "operation_start":
        fields["quantity"] = Decimal(h.quantity)
        if h.note:
            fields["note"] = h.note
        return EventIn(**fields)
    for name in ("good", "scrap", "rework"):
        if getattr(h, name):
            fields[name] = Decimal(getattr(h, name))
    if h.scrap:
        fields["scrap_reason_code_id"] = _pick(reasons, "scrap", h.draw)
    if h.rework:
        fields["reason_code_id"] = _pick(reasons, "rework", h.draw // 7)
    return EventIn(**fields)


def _pick(reasons: Reasons, loss: str, draw: int) -> int | None:
    codes = reasons.get(loss, ())
    return codes[draw % len(codes)] if codes else None
