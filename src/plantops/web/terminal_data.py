"""What the terminal shows of the floor, read through the services as the caller: the work
centers it may be set to, and for one of them its state, its dispatch list and the site's
reasons for stops and scrap, as plain values the terminal's script (static/terminal.js)
draws from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.execution import views
from plantops.execution.checks import counts_pieces
from plantops.masterdata.service import REASON_CODES, WORK_CENTERS
from plantops.resources.service import ListQuery, list_records
from plantops.types import ReasonKind

MOST = 1000  # more work centers or reasons than a site has


@dataclass(frozen=True)
class Station:
    """A work center the terminal may be set to."""

    id: int
    site_id: int
    code: str
    name: str
    to_run: int = 0  # its open operations (its dispatch list's length)


def stations(session: Session, caller: Caller, site_id: int | None) -> list[Station]:
    """The work centers of the site (None: of every site the caller sees), by code."""
    page = list_records(
        session, WORK_CENTERS, caller, ListQuery(site_id=site_id, sort="code", limit=MOST)
    )
    counts = views.open_operations_per_center(session, caller, [c.id for c in page.items])
    return [Station(c.id, c.site_id, c.code, c.name, counts.get(c.id, 0)) for c in page.items]


def floor(session: Session, caller: Caller, station: Station, time_zone: str) -> dict[str, Any]:
    """The station now: its state, its dispatch list in sequence, the site's reasons."""
    lines = views.dispatch_list(session, caller, station.id)
    now = next(
        (
            c
            for c in views.work_centers_now(session, caller, station.site_id)
            if c.work_center.id == station.id
        ),
        None,
    )
    return {
        "timeZone": time_zone,
        "workCenter": {
            "id": station.id,
            "code": station.code,
            "name": station.name,
            "state": now.state if now else None,
            "since": _moment(now.since if now else None),
            "reasonId": now.reason_code_id if now else None,
        },
        "operations": [_line(line) for line in lines],
        "reasons": {
            kind.value: _reasons(session, caller, station.site_id, kind)
            for kind in (ReasonKind.downtime, ReasonKind.scrap)
        },
    }


def _line(line: views.DispatchLine) -> dict[str, Any]:
    op = line.operation
    return {
        "id": op.id,
        "order": line.order_code,
        "item": line.item_code,
        "uom": line.uom,
        "whole": counts_pieces(line.uom),  # the pad refuses a fraction, as the server does
        "sequence": op.sequence,
        "name": op.name,
        "status": op.status.value,
        "planned": _number(op.planned_quantity),
        "started": _number(op.started),
        "good": _number(op.good),
        "scrap": _number(op.scrap),
        "rework": _number(op.rework),
        "scheduledStart": _moment(op.scheduled_start),
        "startedAt": _moment(op.actual_start),
        "waitsFor": line.waits_for,
    }


def _reasons(session: Session, caller: Caller, site_id: int, kind: ReasonKind) -> list[Any]:
    query = ListQuery(site_id=site_id, filters={"kind": kind.value}, sort="code", limit=MOST)
    return [
        {"id": r.id, "code": r.code, "name": r.name, "loss": r.loss_category.value}
        for r in list_records(session, REASON_CODES, caller, query).items
    ]


def _number(value: Decimal | None) -> float:
    return float(value or 0)


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
