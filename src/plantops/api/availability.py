"""Available working time of a work center, computed from its calendar, downtime and site zone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, BaseModel

from plantops.api.auth import caller, sessions
from plantops.masterdata.availability import MAX_WINDOW, work_center_availability
from plantops.storage.engine import unit_of_work

router = APIRouter(prefix="/work_centers", tags=["work_centers"])

WINDOW_HELP = (
    f"ISO 8601 with a UTC offset, e.g. 2026-03-28T00:00:00+01:00; at most {MAX_WINDOW.days} days"
)


class IntervalOut(BaseModel):
    start: datetime
    end: datetime


class AvailabilityOut(BaseModel):
    work_center_id: int
    start: datetime
    end: datetime
    available_seconds: int
    intervals: list[IntervalOut]


@router.get(
    "/{ident}/availability",
    response_model=AvailabilityOut,
    summary="Available working time of a work center",
    description="Shifts, plus open exceptions, minus closed exceptions and planned downtime, "
    "as merged UTC intervals [start, end) clipped to the window.",
)
def get_availability(
    request: Request,
    ident: Annotated[int, Path(ge=1, le=2**62)],
    start: Annotated[AwareDatetime, Query(description=WINDOW_HELP)],
    end: Annotated[AwareDatetime, Query(description=WINDOW_HELP)],
) -> AvailabilityOut:
    with unit_of_work(sessions(request)) as session:
        result = work_center_availability(session, caller(request), ident, start, end)
    return AvailabilityOut(
        work_center_id=result.work_center_id,
        start=result.start,
        end=result.end,
        available_seconds=result.available_seconds,
        intervals=[IntervalOut(start=i.start, end=i.end) for i in result.intervals],
    )
