"""Reschedules over HTTP: repair a site's schedule after a disruption (a work center down,
a rush order), and read what moved."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field

from plantops.api.auth import caller, sessions
from plantops.api.planning import launched
from plantops.api.problems import problem_responses
from plantops.api.records import strict_body
from plantops.execution.reschedule import request_reschedule
from plantops.execution.reschedule_moves import moves_of
from plantops.execution.schemas import RescheduleIn, ScheduleMoveOut
from plantops.planning.schemas import PlanRunOut
from plantops.storage.engine import unit_of_work

router = APIRouter(tags=["planning"])
Ident = Annotated[int, Field(ge=1, le=2**62)]


@router.post(
    "/reschedules",
    response_model=PlanRunOut,
    status_code=202,
    summary="Reschedule a site from the floor's state",
    description="A plan run of kind `reschedule`, done by a worker process: what has started "
    "stays where it runs, completed operations are out, firm orders keep their slots, the "
    "rest is repaired around the work centers `down` (until when) and the `rush` orders, "
    "moving as little as it can. A work center the floor reports down must be listed. "
    "Follow it at its Location; GET /plan_runs/{id}/moves says what moved and why.",
    responses=problem_responses(404, 409),
)
def start_reschedule(
    request: Request,
    body: RescheduleIn,
    data: Annotated[RescheduleIn, Depends(strict_body(RescheduleIn))],
    response: Response,
) -> Any:
    with unit_of_work(sessions(request)) as session:
        run = request_reschedule(session, caller(request), data)
        out = PlanRunOut.model_validate(run)
    return launched(request, response, out)


@router.get(
    "/plan_runs/{ident}/moves",
    response_model=list[ScheduleMoveOut],
    summary="What a reschedule moved, and why",
    description="Each operation moved or added: where and when it was, where and when it is "
    "now, the shift in minutes, and why (down, resumes, firm_moved, pin_released, overdue, added, "
    "knock_on); the disruption's direct effects first.",
    responses=problem_responses(404),
)
def run_moves(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        return moves_of(session, caller(request), ident)
