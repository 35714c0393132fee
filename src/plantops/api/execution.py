"""The floor over HTTP: shop-floor events (one, or a batch of up to 1,000), releasing orders
to the floor, and what the floor looks like (order progress, dispatch lists, work centers
now, who is clocked in)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import Caller
from plantops.api.auth import Credentials, caller, credentials, sessions, signed_in
from plantops.api.problems import problem_body, problem_responses
from plantops.api.records import documented_body, strict_body
from plantops.errors import DomainError
from plantops.execution import history, release, reports, views
from plantops.execution.lifecycle import EventKind
from plantops.execution.recording import Recorded, Sent, answer_of, record, record_all, record_each
from plantops.execution.schemas import (
    AdherenceOut,
    BatchIn,
    BatchItemOut,
    BatchOut,
    DispatchLineOut,
    EventIn,
    EventOut,
    EventPage,
    OrderOperationOut,
    PresentOut,
    ReleaseIn,
    WorkCenterNowOut,
)
from plantops.planning.schemas import ProductionOrderOut
from plantops.storage.engine import serialized_write, unit_of_work, with_retries
from plantops.storage.groups import Group

T = TypeVar("T")

router = APIRouter(tags=["execution"])
# the floor's single events: signed in where they are recorded (see single_events), not by
# the router's authenticate, which would spend a transaction of its own on every event
floor = APIRouter(tags=["execution"])
Ident = Annotated[int, Field(ge=1, le=2**62)]
SiteFilter = Annotated[int | None, Query(ge=1, le=2**62)]
REPLAYED = "Idempotent-Replayed"


@floor.post(
    "/events",
    response_model=EventOut,
    status_code=201,
    summary="Record a shop-floor event",
    description="Recorded exactly once: sent again with the same idempotency_key and body, "
    f"it is answered as the first time (with `{REPLAYED}: true`); the same key with another "
    "body is a 422. An event that occurred before the latest one of its operation, or "
    "arrives long after it occurred, is accepted and flagged late for a supervisor.",
    responses=problem_responses(409),
    # the floor's hot path (terminals send many a second): the body is documented here and
    # parsed once, strictly, by strict_body; the answer is the one recorded, already valid
    openapi_extra=documented_body("EventIn"),
)
def post_event(
    request: Request,
    presented: Annotated[Credentials, Depends(credentials)],
    data: Annotated[EventIn, Depends(strict_body(EventIn))],
) -> Any:
    recorded = single_events(sessions(request)).submit(Posted(presented, data, datetime.now(UTC)))
    headers = {REPLAYED: "true"} if recorded.replayed else None
    return JSONResponse(recorded.answer, status_code=201, headers=headers)


@dataclass(frozen=True, slots=True)
class Posted:
    """A single event as it came: its sender's credentials are checked where it is written."""

    presented: Credentials
    event: EventIn
    now: datetime


_GROUPS: WeakKeyDictionary[sessionmaker[Session], Group[Posted, Recorded]] = WeakKeyDictionary()
_GROUPS_MADE = threading.Lock()


def single_events(factory: sessionmaker[Session]) -> Group[Posted, Recorded]:
    """Single events written as they come (one group per database): one that finds the
    database free is written in a transaction of its own; those that arrive meanwhile,
    together in the next, each answered as if sent alone (a refusal keeps nothing of its
    event and spoils none of the others). Who sent each is checked in that transaction too:
    one read per token, not a transaction per event before it."""
    with _GROUPS_MADE:
        group = _GROUPS.get(factory)
        if group is None:
            group = _GROUPS[factory] = _group(factory)
        return group


def _group(factory: sessionmaker[Session]) -> Group[Posted, Recorded]:

    def write(posted: Sequence[Posted]) -> list[Recorded | Exception]:
        if len(posted) == 1:
            return [_alone(factory, posted[0])]
        return _hopefully(factory, lambda session, fast: _together(session, posted, fast=fast))

    return Group(write)


def _alone(factory: sessionmaker[Session], posted: Posted) -> Recorded:
    def work(session: Session, alone: bool) -> Recorded:
        who = signed_in(session, posted.presented)
        return record(session, who, posted.event, posted.now, alone=alone)

    return _hopefully(factory, work)


def _hopefully(factory: sessionmaker[Session], work: Callable[[Session, bool], T]) -> T:
    """`work` the fast way, which assumes no key it writes is recorded yet; if one is (a
    re-sending, or another connection recording it meanwhile), again the careful way, which
    looks each key up and answers a re-sending from the first recording."""
    try:
        return with_retries(factory, lambda session: work(session, True))
    except IntegrityError:
        return with_retries(factory, lambda session: work(session, False))


def _together(
    session: Session, posted: Sequence[Posted], *, fast: bool
) -> list[Recorded | Exception]:
    callers: dict[Credentials, Caller | DomainError] = {}
    for one in posted:
        if one.presented not in callers:
            try:
                callers[one.presented] = signed_in(session, one.presented)
            except DomainError as refused:
                callers[one.presented] = refused
    sent = [
        Sent(who, one.event, one.now)
        for one in posted
        if not isinstance(who := callers[one.presented], DomainError)
    ]
    recorded = iter(record_each(session, sent, fast=fast))
    return [
        who if isinstance(who := callers[one.presented], DomainError) else next(recorded)
        for one in posted
    ]


def document(app: FastAPI) -> None:
    """Put the models of the bodies no parameter declares (post_event and post_batch parse
    theirs themselves) in the OpenAPI document's components."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (EventIn, BatchIn):
            if model.__name__ not in components:
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                for name, definition in found.pop("$defs", {}).items():
                    components.setdefault(name, definition)
                components[model.__name__] = found
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


@router.post(
    "/events/batch",
    response_model=BatchOut,
    summary="Record up to 1,000 shop-floor events",
    description="Each event is taken as if sent alone, in the order given, and answered with "
    "the status it would have had (201, or the problem that refused it; nothing of a refused "
    "event is kept). The whole batch is one transaction: all the recorded events are "
    "committed together. A body that does not match the schema is refused whole (422).",
    # documented here, parsed once (strictly) by strict_body: 1,000 events are not validated
    # twice on the way in, nor the answer again on the way out
    openapi_extra=documented_body("BatchIn"),
)
def post_batch(request: Request, data: Annotated[BatchIn, Depends(strict_body(BatchIn))]) -> Any:
    who, now = caller(request), datetime.now(UTC)
    done = _hopefully(
        sessions(request),
        lambda session, fast: record_all(session, who, data.events, now, fast=fast),
    )
    results: list[BatchItemOut] = []
    for index, outcome in enumerate(done):
        if isinstance(outcome, DomainError):
            problem = problem_body(outcome, ("events", index))
            results.append(BatchItemOut(index=index, status=outcome.status, problem=problem))
        else:
            results.append(
                BatchItemOut(
                    index=index, status=201, replayed=outcome.replayed, event=outcome.answer
                )
            )
    replayed = sum(r.replayed for r in results)
    recorded = sum(1 for r in results if r.status == 201) - replayed
    out = BatchOut(
        recorded=recorded, replayed=replayed, refused=len(results) - recorded - replayed,
        results=results,
    )  # fmt: skip
    return Response(out.model_dump_json(), media_type="application/json")


@router.get("/events", response_model=EventPage, summary="Shop-floor events, newest first")
def get_events(
    request: Request,
    site_id: SiteFilter = None,
    production_order_id: SiteFilter = None,
    order_operation_id: SiteFilter = None,
    work_center_id: SiteFilter = None,
    employee_id: SiteFilter = None,
    kind: EventKind | None = None,
    late: Annotated[bool | None, Query(description="true: the ones flagged late")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> Any:
    where = history.EventFilter(
        site_id, production_order_id, order_operation_id, work_center_id, employee_id, kind, late
    )
    with unit_of_work(sessions(request)) as session:
        rows, total = history.list_events(session, caller(request), where, limit, offset)
        items = [answer_of(r) for r in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.post(
    "/production_orders/{ident}/release",
    response_model=ProductionOrderOut,
    summary="Release a production order to the floor",
    description="Its routing becomes its operations, on the work centers the plan chose; the "
    "order is then ready. Released twice (two tabs), the second answers 409.",
    responses=problem_responses(404, 409),
)
def release_order(
    request: Request,
    ident: Ident,
    body: ReleaseIn,
    data: Annotated[ReleaseIn, Depends(strict_body(ReleaseIn))],
) -> Any:
    with serialized_write(sessions(request)) as session:
        order = release.release(session, caller(request), ident, data.reason)
        return ProductionOrderOut.model_validate(order)


@router.get(
    "/production_orders/{ident}/operations",
    response_model=list[OrderOperationOut],
    summary="A released order's operations: status and quantities",
    responses=problem_responses(404),
)
def order_operations(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = views.order_operations(session, caller(request), ident)
        return [OrderOperationOut.model_validate(o) for o in found]


@router.get(
    "/work_centers/{ident}/dispatch_list",
    response_model=list[DispatchLineOut],
    summary="What a work center is to run, in the scheduled sequence",
    responses=problem_responses(404),
)
def dispatch_list(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        lines = views.dispatch_list(session, caller(request), ident)
        return [
            DispatchLineOut(
                operation=OrderOperationOut.model_validate(line.operation),
                order_code=line.order_code, order_status=line.order_status,
                item_code=line.item_code, uom=line.uom, due_date=line.due_date,
                priority=line.priority,
                waits_for=line.waits_for,
            )
            for line in lines
        ]  # fmt: skip


@router.get(
    "/floor/work_centers",
    response_model=list[WorkCenterNowOut],
    summary="Each work center now: state, WIP, who is clocked in there",
)
def work_centers_now(request: Request, site_id: SiteFilter = None) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = views.work_centers_now(session, caller(request), site_id)
        return [
            WorkCenterNowOut(
                work_center_id=c.work_center.id, site_id=c.work_center.site_id,
                code=c.work_center.code, name=c.work_center.name, state=c.state,
                since=c.since, reason_code_id=c.reason_code_id,
                wip_operations=c.wip_operations, wip_quantity=c.wip_quantity,
                clocked_in=c.clocked_in,
            )
            for c in found
        ]  # fmt: skip


@router.get(
    "/floor/clocked_in",
    response_model=list[PresentOut],
    summary="Who is clocked in now, and where",
)
def clocked_in(request: Request, site_id: SiteFilter = None) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = views.clocked_in(session, caller(request), site_id)
        return [PresentOut.model_validate(p) for p in found]


@router.get(
    "/floor/schedule_adherence",
    response_model=AdherenceOut,
    summary="How the floor keeps to the schedule",
    description="Operations scheduled to start in [since, until) (default: all), at one "
    "site or every site you see: how many started and ended within 15 minutes of the "
    "schedule, the median delays, and the operations that started latest.",
)
def schedule_adherence(
    request: Request,
    site_id: SiteFilter = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = reports.schedule_adherence(session, caller(request), site_id, since, until)
        figures = found.figures
        return AdherenceOut(
            scheduled=figures.scheduled, started=figures.started,
            started_on_time=figures.started_on_time, start_adherence=figures.start_adherence,
            median_start_delay_seconds=figures.median_start_delay_seconds,
            ended=figures.ended, ended_on_time=figures.ended_on_time,
            end_adherence=figures.end_adherence,
            median_end_delay_seconds=figures.median_end_delay_seconds,
            furthest=[OrderOperationOut.model_validate(o) for o in found.furthest],
        )  # fmt: skip
