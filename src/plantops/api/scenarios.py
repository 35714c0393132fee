"""What-if scenarios: kept per site, run like the plan (POST /plan_runs with scenario_id),
compared with it figure by figure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field

from plantops.api.auth import caller, sessions
from plantops.api.problems import problem_responses
from plantops.api.records import IF_MATCH_HELP, expected_version, strict_body
from plantops.planning import whatif
from plantops.planning.schemas import ScenarioIn, ScenarioOut
from plantops.storage.engine import unit_of_work

router = APIRouter(prefix="/scenarios", tags=["scenarios"])
Ident = Annotated[int, Field(ge=1, le=2**62)]


class FigureOut(BaseModel):
    figure: str
    plan: float | None
    scenario: float | None
    difference: float | None
    better: str | None  # "plan", "scenario" or None (the same, or not both run)


class ComparisonOut(BaseModel):
    scenario_id: int
    plan_run_id: int | None
    scenario_run_id: int | None
    figures: list[FigureOut]
    utilisation: dict[str, dict[str, float] | None]


def _render(scenario: Any, response: Response) -> ScenarioOut:
    response.headers["ETag"] = f'"{scenario.version}"'
    return ScenarioOut.model_validate(scenario)


@router.post(
    "", response_model=ScenarioOut, status_code=201, summary="Create a scenario",
    responses=problem_responses(409),
)  # fmt: skip
def create(
    request: Request,
    body: ScenarioIn,
    data: Annotated[ScenarioIn, Depends(strict_body(ScenarioIn))],
    response: Response,
) -> Any:
    with unit_of_work(sessions(request)) as session:
        scenario = whatif.create_scenario(session, caller(request), data)
        out = _render(scenario, response)
    response.headers["Location"] = f"{request.url.path}/{scenario.id}"
    return out


@router.get("", response_model=list[ScenarioOut], summary="List scenarios")
def list_all(request: Request, site_id: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = whatif.list_scenarios(session, caller(request), site_id)
        return [ScenarioOut.model_validate(s) for s in found]


@router.get(
    "/{ident}", response_model=ScenarioOut, summary="A scenario", responses=problem_responses(404)
)
def get(request: Request, ident: Ident, response: Response) -> Any:
    with unit_of_work(sessions(request)) as session:
        return _render(whatif.get_scenario(session, caller(request), ident), response)


@router.put(
    "/{ident}", response_model=ScenarioOut, summary="Change a scenario",
    responses=problem_responses(404, 412, 428),
)  # fmt: skip
def put(
    request: Request,
    ident: Ident,
    body: ScenarioIn,
    data: Annotated[ScenarioIn, Depends(strict_body(ScenarioIn))],
    response: Response,
    if_match: Annotated[str | None, Header(description=IF_MATCH_HELP)] = None,
) -> Any:
    version = expected_version(if_match)
    with unit_of_work(sessions(request)) as session:
        scenario = whatif.update_scenario(session, caller(request), ident, data, version)
        return _render(scenario, response)


@router.delete(
    "/{ident}", status_code=204, summary="Delete a scenario, its runs and their orders",
    responses=problem_responses(404, 409),
)  # fmt: skip
def remove(request: Request, ident: Ident) -> Response:
    with unit_of_work(sessions(request)) as session:
        whatif.delete_scenario(session, caller(request), ident)
    return Response(status_code=204)


@router.get(
    "/{ident}/comparison", response_model=ComparisonOut,
    summary="The scenario's last run beside the plan's", responses=problem_responses(404),
)  # fmt: skip
def comparison(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        return whatif.compare(session, caller(request), ident)
