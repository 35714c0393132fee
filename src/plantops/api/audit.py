"""The audit trail over HTTP: a record's history, the trail within the caller's sites, and its
CSV export."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime, BaseModel, Field

from plantops.access import audit
from plantops.access.models import AuditRecord
from plantops.access.roles import Action, Domain
from plantops.api.auth import caller, sessions
from plantops.storage.engine import unit_of_work

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    username: str
    action: str = Field(description="create, update, delete, import, revoke")
    entity: str
    record_id: int
    site_id: int | None
    reason: str | None
    old: dict[str, Any] | None = Field(description="the record before the change")
    new: dict[str, Any] | None = Field(description="the record after the change")
    changed: list[str] = Field(description="top-level fields whose value changed")
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    total: int
    limit: int
    offset: int


def entry(record: AuditRecord) -> AuditEntryOut:
    old = json.loads(record.old) if record.old else None
    new = json.loads(record.new) if record.new else None
    keys = sorted(set(old or {}) | set(new or {}))
    changed = [k for k in keys if (old or {}).get(k) != (new or {}).get(k)]
    return AuditEntryOut(
        id=record.id,
        at=record.at,
        username=record.username,
        action=record.action,
        entity=record.entity,
        record_id=record.record_id,
        site_id=record.site_id,
        reason=record.reason,
        old=old,
        new=new,
        changed=changed,
        hash=record.hash,
    )


class TrailParams(BaseModel):
    entity: str | None = Field(default=None, max_length=64, pattern=r"^[a-z_]+$")
    record_id: int | None = Field(default=None, ge=0, le=2**62)
    username: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9._-]+$")
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None


def _query(params: TrailParams, limit: int = 100, offset: int = 0) -> audit.TrailQuery:
    return audit.TrailQuery(**params.model_dump(), limit=limit, offset=offset)


@router.get("", response_model=AuditPage, summary="The audit trail, newest first")
def list_trail(
    request: Request,
    params: Annotated[TrailParams, Query()],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> AuditPage:
    who = caller(request)
    who.require(Domain.audit, Action.read, "the audit trail")
    with unit_of_work(sessions(request)) as session:
        records, total = audit.trail(session, who, _query(params, limit, offset))
        items = [entry(r) for r in records]
    return AuditPage(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/export",
    summary="The audit trail as CSV, oldest first",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_trail(request: Request, params: Annotated[TrailParams, Query()]) -> StreamingResponse:
    who = caller(request)
    who.require(Domain.audit, Action.read, "the audit trail")
    with unit_of_work(sessions(request)) as session:
        lines = list(audit.to_csv(audit.export_rows(session, who, _query(params))))
    return StreamingResponse(
        iter(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="plantops-audit.csv"'},
    )
