"""One router per aggregate: list, get, create, update (If-Match) and delete (If-Match)."""
# No "from __future__ import annotations" here: FastAPI must see the closure's real types.

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy.orm import Session, sessionmaker

from plantops.catalog import PARENTS
from plantops.config import settings
from plantops.errors import PreconditionRequired, ValidationFailed
from plantops.resources import service
from plantops.resources.scope import EVERYWHERE, Scope
from plantops.resources.spec import ResourceSpec
from plantops.storage.engine import unit_of_work

IF_MATCH_HELP = 'The record\'s ETag from a GET (e.g. "3"): refused with 412 if it changed since.'


class ListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_id: int | None = Field(default=None, ge=1, le=2**62)
    q: str | None = Field(default=None, max_length=200, description="text in code or name")
    sort: str = Field(default="id", max_length=64, description='field; "-field" for descending')
    limit: int = Field(default=50, ge=1, le=2**62, description="page size, capped at 500")
    offset: int = Field(default=0, ge=0, le=10**9)


def _list_params(spec: ResourceSpec) -> type[ListParams]:
    fields: dict[str, Any] = {}
    for name in spec.filters:
        info = spec.create.model_fields[name]
        fields[name] = (info.rebuild_annotation() | None, None)
    return create_model(
        f"{spec.read.__name__.removesuffix('Out')}ListParams", __base__=ListParams, **fields
    )


def _page_model(spec: ResourceSpec) -> type[BaseModel]:
    name = spec.read.__name__.removesuffix("Out") + "Page"
    return create_model(
        name,
        items=(list[spec.read], ...),
        total=(int, ...),  # type: ignore[name-defined]
        limit=(int, ...),
        offset=(int, ...),
    )


def expected_version(if_match: str | None, current: int | None = None) -> int:
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag of the version you changed")
    value = if_match.strip().removeprefix("W/").strip('"')
    if value == "*" and current is not None:
        return current
    if not value.isdigit():
        raise ValidationFailed.one(("header", "If-Match"), 'If-Match must be an ETag like "3"')
    return int(value)


def sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions  # type: ignore[no-any-return]


def caller_scope(_request: Request) -> Scope:
    return EVERYWHERE  # access control narrows this per user


def record_router(spec: ResourceSpec) -> APIRouter:
    router = APIRouter(prefix=f"/{spec.name}", tags=[spec.name])
    Params = _list_params(spec)
    Page = _page_model(spec)
    Create, Patch, Read = spec.create, spec.patch, spec.read
    label = spec.label

    def render(record: Any, response: Response) -> Any:
        response.headers["ETag"] = f'"{record.version}"'
        return Read.model_validate(record)

    @router.get("", response_model=Page, summary=f"List {spec.name.replace('_', ' ')}")
    def list_records(request: Request, params: Annotated[Params, Query()]) -> Any:  # type: ignore[valid-type]
        filters = {name: getattr(params, name) for name in spec.filters}
        query = service.ListQuery(
            site_id=params.site_id,
            filters=filters,
            q=params.q,
            sort=params.sort,
            limit=min(params.limit, settings().max_page_size),
            offset=params.offset,
        )
        with unit_of_work(sessions(request)) as session:
            page = service.list_records(session, spec, caller_scope(request), query)
            items = [Read.model_validate(r) for r in page.items]
        return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)

    @router.post("", response_model=Read, status_code=201, summary=f"Create a {label}")
    def create_record(request: Request, body: Create, response: Response) -> Any:  # type: ignore[valid-type]
        with unit_of_work(sessions(request)) as session:
            record = service.create_record(session, spec, caller_scope(request), body)
            out = render(record, response)
        response.headers["Location"] = f"{request.url.path}/{record.id}"
        return out

    @router.get("/{ident}", response_model=Read, summary=f"Get a {label}")
    def get_record(
        request: Request, ident: Annotated[int, Field(ge=1, le=2**62)], response: Response
    ) -> Any:
        with unit_of_work(sessions(request)) as session:
            return render(service.get_record(session, spec, caller_scope(request), ident), response)

    @router.patch(
        "/{ident}",
        response_model=Read,
        summary=f"Change a {label}",
        responses={412: {"description": "stale version"}, 428: {"description": "no If-Match"}},
    )
    def update_record(
        request: Request,
        ident: Annotated[int, Field(ge=1, le=2**62)],
        body: Patch,
        response: Response,  # type: ignore[valid-type]
        if_match: Annotated[str | None, Header(description=IF_MATCH_HELP)] = None,
    ) -> Any:
        version = expected_version(if_match)
        with unit_of_work(sessions(request)) as session:
            record = service.update_record(
                session, spec, caller_scope(request), ident, version, body
            )
            return render(record, response)

    @router.delete(
        "/{ident}",
        status_code=204,
        summary=f"Delete a {label}",
        responses={409: {"description": "in use"}, 412: {"description": "stale version"}},
    )
    def delete_record(
        request: Request,
        ident: Annotated[int, Field(ge=1, le=2**62)],
        if_match: Annotated[str | None, Header(description=IF_MATCH_HELP)] = None,
    ) -> Response:
        version = expected_version(if_match)
        with unit_of_work(sessions(request)) as session:
            service.delete_record(session, spec, caller_scope(request), ident, version, PARENTS)
        return Response(status_code=204)

    return router
