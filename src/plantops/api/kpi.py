"""KPIs, their targets and the reports over HTTP (docs/kpi.md)."""
# No "from __future__ import annotations": FastAPI reads these signatures at runtime.

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy import func, select

from plantops.api.auth import caller, sessions
from plantops.api.problems import problem_responses
from plantops.kpi import query, reports, schemas, targets
from plantops.kpi.dashboard import dashboard
from plantops.kpi.models import KpiWatermark
from plantops.kpi.pareto import pareto
from plantops.kpi.refresh import refresh_stale
from plantops.kpi.render_pdf import pdf
from plantops.kpi.render_xlsx import xlsx
from plantops.kpi.report_model import ParetoLine, Report
from plantops.storage.engine import unit_of_work

router = APIRouter(tags=["kpis"])
Ident = Annotated[int | None, Query(ge=1, le=2**62)]
FRESH = timedelta(minutes=1)  # KPI rows older than this are refreshed before a query
GROUP_BY = Literal["all", "region", "site", "area", "work_center", "shift", "day", "week",
                   "month", "product"]  # fmt: skip
MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
REPORT = TypeAdapter(Report)


class Span(BaseModel):
    first: date | None = Field(None, description="first local production day; default 29 "
                               "days before `last`")  # fmt: skip
    last: date | None = Field(None, description="last local production day; default today")
    region_id: int | None = Field(None, ge=1, le=2**62)
    site_id: int | None = Field(None, ge=1, le=2**62)
    area_id: int | None = Field(None, ge=1, le=2**62)
    work_center_id: int | None = Field(None, ge=1, le=2**62)
    shift: str | None = Field(None, max_length=200, description="one shift's name")


def _selection(request: Request, span: Span) -> query.Selection:
    """The caller's selection, its sites' KPI rows refreshed when older than FRESH (each
    site in its own short transaction, before the reading one)."""
    last = span.last or datetime.now(UTC).date()
    first = span.first or last - timedelta(days=29)
    asked = span.model_dump(exclude={"first", "last"})
    with unit_of_work(sessions(request)) as session:
        selection = query.select_scope(session, caller(request), first, last, **asked)
    refresh_stale(sessions(request), selection.site_ids, datetime.now(UTC), FRESH)
    return selection


@router.get("/kpis/catalog", response_model=list[schemas.KpiDefinitionOut],
            summary="Every KPI with its ISO 22400-1 attributes")  # fmt: skip
def kpi_catalog() -> Any:
    return schemas.definitions()


@router.get(
    "/kpis",
    response_model=list[schemas.GroupOut],
    summary="KPIs and ISO 22400-2 elements by any grouping",
    description="Sums the pre-aggregated rows of the local production days first..last of "
    "the sites, region, area or work center asked for (default every site you may see), "
    "grouped by `group_by`; every KPI is a ratio of the group's sums (null where the data "
    "cannot feed it).",
    responses=problem_responses(404, 422),
)
def kpis(request: Request, span: Annotated[Span, Query()], group_by: GROUP_BY = "all") -> Any:
    selection = _selection(request, span)
    with unit_of_work(sessions(request)) as session:
        return [schemas.group_out(g) for g in query.totals(session, selection, group_by)]


@router.get(
    "/kpis/dashboard",
    response_model=schemas.DashboardOut,
    summary="A dashboard's worth of KPIs",
    description="Every KPI with its target, the loss tree (the six big losses add up to "
    "PBT - PRU x GQ), work centers worst first, days, shifts, the Pareto of downtime and "
    "scrap, the order, delivery and labour measures.",
    responses=problem_responses(404, 422),
)
def kpi_dashboard(request: Request, span: Annotated[Span, Query()]) -> Any:
    selection = _selection(request, span)
    with unit_of_work(sessions(request)) as session:
        board = dashboard(session, selection)
        refreshed = session.scalar(
            select(func.min(KpiWatermark.refreshed_at)).where(
                KpiWatermark.site_id.in_(selection.site_ids)
            )
        )
        return schemas.dashboard_out(board, refreshed)


@router.get(
    "/kpis/pareto",
    response_model=list[ParetoLine],
    summary="Pareto of downtime, scrap or rework by reason",
    responses=problem_responses(404, 422),
)
def kpi_pareto(
    request: Request,
    span: Annotated[Span, Query()],
    kind: Literal["downtime", "scrap", "rework"] = "downtime",
) -> Any:
    selection = _selection(request, span)
    with unit_of_work(sessions(request)) as session:
        return pareto(session, selection, kind)


class TargetIn(BaseModel):
    target: float = Field(description="ratios as fractions (0.65 for 65 %), hours, minutes...")


@router.get("/kpi_targets", response_model=list[targets.TargetOut],
            summary="KPI targets of the sites you may see")  # fmt: skip
def list_targets(request: Request, site_id: Ident = None) -> Any:
    with unit_of_work(sessions(request)) as session:
        return targets.list_targets(session, caller(request), site_id)


@router.put(
    "/kpi_targets/{site_id}/{kpi}",
    response_model=targets.TargetOut,
    summary="Set a site's target for a KPI (audited)",
    responses=problem_responses(403, 404, 422),
)
def set_target(request: Request, site_id: int, kpi: str, body: TargetIn) -> Any:
    with unit_of_work(sessions(request)) as session:
        return targets.set_target(session, caller(request), site_id, kpi, body.target)


@router.delete(
    "/kpi_targets/{site_id}/{kpi}",
    status_code=204,
    summary="Remove a site's target for a KPI (audited)",
    responses=problem_responses(403, 404),
)
def delete_target(request: Request, site_id: int, kpi: str) -> Response:
    with unit_of_work(sessions(request)) as session:
        targets.delete_target(session, caller(request), site_id, kpi)
    return Response(status_code=204)


@router.get(
    "/reports/{kind}",
    summary="The daily, shift handover, weekly or monthly report",
    description="daily: a site's day (default the first site you may see, yesterday); shift: "
    "a site's shift handover (default the last shift begun today); weekly: a region's week "
    "(default the first region you see, last week); monthly: every site you see (default "
    "last month). `day` is any day of the week or month for the packs. As JSON, PDF or XLSX.",
    response_class=Response,
    responses={
        200: {"content": {"application/json": {}, **{m: {} for m in MEDIA.values()}}},
        **problem_responses(404, 422),
    },
)
def report(
    request: Request,
    kind: Literal["daily", "shift", "weekly", "monthly"],
    site_id: Ident = None,
    region_id: Ident = None,
    day: date | None = None,
    shift: Annotated[str | None, Query(max_length=200)] = None,
    file_format: Annotated[Literal["json", "pdf", "xlsx"], Query(alias="format")] = "json",
) -> Response:
    ask = reports.Ask(kind, site_id, region_id, day, shift)
    with unit_of_work(sessions(request)) as session:
        made = reports.build(session, caller(request), ask, datetime.now(UTC))
    if file_format == "json":
        return Response(REPORT.dump_json(made), media_type="application/json")
    body = pdf(made) if file_format == "pdf" else xlsx(made)
    scope = re.sub(r"[^A-Za-z0-9._-]", "-", made.scope)  # a site code may hold a "/"
    name = f"{made.kind}-{scope}-{made.first_day:%Y-%m-%d}.{file_format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=MEDIA[file_format], headers=headers)
