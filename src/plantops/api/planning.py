"""Plan runs (started in a worker process, watched, cancelled), the orders they propose and
what planners do with them, exception messages, pegging, each site's planning policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from plantops.api.auth import caller, sessions
from plantops.api.problems import problem_responses
from plantops.api.records import strict_body
from plantops.execution import release
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning import orders, policy, queries, rough_cut, run_requests
from plantops.planning.rough_cut import MAX_WEEKS
from plantops.planning.schemas import (
    PlanExceptionOut,
    PlanningPolicyIn,
    PlanningPolicyOut,
    PlanRunIn,
    PlanRunOut,
    ProductionOrderOut,
    PurchaseOrderOut,
    StatusIn,
)
from plantops.storage.engine import serialized_write, unit_of_work
from plantops.types import OrderStatus

router = APIRouter(tags=["planning"])
Ident = Annotated[int, Field(ge=1, le=2**62)]


class PeggedOut(BaseModel):
    kind: str  # sales_order_line or reserve
    demand: str
    quantity: Decimal
    via: list[str]


class OrderPage(BaseModel):
    items: list[ProductionOrderOut] | list[PurchaseOrderOut]
    total: int
    limit: int
    offset: int


@router.post(
    "/plan_runs",
    response_model=PlanRunOut,
    status_code=202,
    summary="Start a plan run",
    description="Queued at once and done by a worker process: follow it at its Location "
    "(status, phase, progress); cancel it with POST .../cancel.",
    responses=problem_responses(404, 409),
)
def start_run(
    request: Request,
    body: PlanRunIn,
    data: Annotated[PlanRunIn, Depends(strict_body(PlanRunIn))],
    response: Response,
) -> Any:
    with unit_of_work(sessions(request)) as session:
        out = PlanRunOut.model_validate(run_requests.request_run(session, caller(request), data))
    return launched(request, response, out)


def launched(request: Request, response: Response, run: PlanRunOut) -> PlanRunOut:
    """A queued run (of either kind) handed to a worker process, and where to follow it."""
    request.app.state.jobs.launch(request.app.state.engine, run.id)
    response.headers["Location"] = f"/api/v1/plan_runs/{run.id}"
    return run


@router.get("/plan_runs", response_model=list[PlanRunOut], summary="Recent plan runs")
def list_runs(
    request: Request,
    site_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = run_requests.recent_runs(session, caller(request), site_id, limit)
        return [PlanRunOut.model_validate(r) for r in found]


@router.get(
    "/plan_runs/{ident}",
    response_model=PlanRunOut,
    summary="A plan run: status, progress, problems, summary",
    responses=problem_responses(404),
)
def get_run(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        return PlanRunOut.model_validate(run_requests.get_run(session, caller(request), ident))


@router.post(
    "/plan_runs/{ident}/cancel",
    response_model=PlanRunOut,
    summary="Cancel a plan run",
    description="A queued run is cancelled at once; a running one stops at its next phase "
    "and stores nothing.",
    responses=problem_responses(404, 409),
)
def cancel_run(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        return PlanRunOut.model_validate(run_requests.cancel_run(session, caller(request), ident))


@router.get(
    "/plan_runs/{ident}/exceptions",
    response_model=list[PlanExceptionOut],
    summary="Exception messages of a plan run",
    responses=problem_responses(404),
)
def run_exceptions(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = queries.run_exceptions(session, caller(request), ident)
        return [PlanExceptionOut.model_validate(e) for e in found]


def _order_routes(kind: orders.OrderKind, model: Any, out: type[BaseModel]) -> None:
    path = f"/{kind}s"
    label = kind.replace("_", " ")

    @router.get(path, response_model=OrderPage, summary=f"List {label}s")
    def list_orders(
        request: Request,
        site_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
        status: OrderStatus | None = None,
        scenario_id: Annotated[
            int | None, Query(ge=1, le=2**62, description="a scenario's; default the plan's")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    ) -> Any:
        with unit_of_work(sessions(request)) as session:
            items, total = queries.list_orders(
                session, caller(request), model, site_id, status, scenario_id, limit, offset
            )
            shown = [out.model_validate(o) for o in items]
        return {"items": shown, "total": total, "limit": limit, "offset": offset}

    @router.get(
        f"{path}/{{ident}}",
        response_model=out,
        summary=f"A {label}",
        responses=problem_responses(404),
    )
    def get_order(request: Request, ident: Ident, response: Response) -> Any:
        with unit_of_work(sessions(request)) as session:
            order = queries.get_order(session, caller(request), model, ident)
            response.headers["ETag"] = f'"{order.version}"'
            return out.model_validate(order)

    @router.post(
        f"{path}/{{ident}}/status",
        response_model=out,
        summary=f"Approve, firm or release a {label}",
        description="Allowed moves: proposed -> approved, firm, released; approved -> "
        "proposed, firm, released; firm -> approved, released. Others answer 409 naming "
        "the allowed ones.",
        responses=problem_responses(404, 409),
    )
    def set_status(
        request: Request,
        ident: Ident,
        body: StatusIn,
        data: Annotated[StatusIn, Depends(strict_body(StatusIn))],
    ) -> Any:
        with serialized_write(sessions(request)) as session:
            if kind == "production_order":  # released: onto the floor (plantops.execution)
                order: Any = release.set_production_order_status(
                    session, caller(request), ident, data.status, data.reason
                )
            else:
                order = orders.set_status(
                    session, caller(request), kind, ident, data.status, data.reason
                )
            return out.model_validate(order)

    @router.get(
        f"{path}/{{ident}}/pegging",
        response_model=list[PeggedOut],
        summary=f"Which demand a {label} is for",
        responses=problem_responses(404),
    )
    def get_pegging(request: Request, ident: Ident) -> Any:
        with unit_of_work(sessions(request)) as session:
            order = queries.get_order(session, caller(request), model, ident)
            return queries.pegging(session, caller(request), order)


_order_routes("production_order", m.ProductionOrder, ProductionOrderOut)
_order_routes("purchase_order", m.PurchaseOrder, PurchaseOrderOut)


@router.get(
    "/sites/{ident}/planning_policy",
    response_model=PlanningPolicyOut,
    summary="A site's planning policy (defaults when never set)",
    responses=problem_responses(404),
)
def get_policy(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        return policy.get_policy(session, caller(request), ident)


@router.put(
    "/sites/{ident}/planning_policy",
    response_model=PlanningPolicyOut,
    summary="Set a site's planning policy",
    responses=problem_responses(404),
)
def put_policy(
    request: Request,
    ident: Ident,
    body: PlanningPolicyIn,
    data: Annotated[PlanningPolicyIn, Depends(strict_body(PlanningPolicyIn))],
) -> Any:
    with unit_of_work(sessions(request)) as session:
        return policy.set_policy(session, caller(request), ident, data)


class WeekOut(BaseModel):
    work_center: str
    week: date = Field(description="its Monday")
    load_hours: float
    available_hours: float
    utilisation: float | None
    overloaded: bool


@router.get(
    "/sites/{ident}/rough_cut",
    response_model=list[WeekOut],
    summary="Rough-cut capacity: load against available hours per work center and week",
    description="The hours the plan's production orders ask (in the week each is released) "
    "against the hours each work center's calendar gives; overloaded weeks flagged.",
    responses=problem_responses(404),
)
def get_rough_cut(
    request: Request,
    ident: Ident,
    first: Annotated[
        date | None, Query(description="a day of the first week; default today")
    ] = None,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = 8,
    scenario_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> Any:
    with unit_of_work(sessions(request)) as session:
        start = first or _site_today(session, ident)
        found = rough_cut.rough_cut(session, caller(request), ident, start, weeks, scenario_id)
        return [
            WeekOut(
                work_center=w.work_center, week=w.week, load_hours=w.load_hours,
                available_hours=w.available_hours, utilisation=w.utilisation,
                overloaded=w.overloaded,
            )
            for w in found
        ]  # fmt: skip


def _site_today(session: Any, site_id: int) -> date:
    site = session.get(Site, site_id)
    return run_requests.site_today(site) if site is not None else date.today()
