"""One router per aggregate: list, get, create, update (If-Match) and delete (If-Match)."""
# No "from __future__ import annotations" here: FastAPI must see the closure's real types.

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.api.audit import AuditEntryOut, entry
from plantops.api.auth import caller, sessions
from plantops.api.problems import problem_responses
from plantops.catalog import PARENTS
from plantops.config import settings
from plantops.errors import PreconditionRequired, StaleVersion, ValidationFailed
from plantops.resources import service
from plantops.resources.spec import ResourceSpec
from plantops.storage.engine import unit_of_work

REASON_HELP = "Why, for the audit trail (at most 500 characters)."
IF_MATCH_HELP = 'The record\'s ETag from a GET (e.g. "3"): refused with 412 if it changed since.'


class ListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_id: int | None = Field(default=None, ge=1, le=2**62)
    q: str | None = Field(default=None, max_length=200, description="text in code or name")
    sort: str = Field(default="id", max_length=64, description='field; "-field" for descending')
    limit: int = Field(default=50, ge=1, le=2**62, description="page size, capped at 500")
    offset: int = Field(default=0, ge=0, le=10**9)

    @field_validator("q", "sort")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:  # PostgreSQL refuses NUL in text
            raise ValueError("must not contain NUL characters")
        return value


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
        items=(list[spec.read], ...),  # type: ignore[name-defined]
        total=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
    )


def expected_version(if_match: str | None, current: int | None = None) -> int:
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag of the version you changed")
    value = if_match.strip().removeprefix("W/").strip('"')
    if value == "*" and current is not None:
        return current
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise ValidationFailed.one(("header", "If-Match"), 'If-Match must be an ETag like "3"')
    return int(value)


def strict_body(model: type[BaseModel]) -> Callable[[Request], Awaitable[Any]]:
    """The body as the OpenAPI document describes it: JSON validated in strict mode. FastAPI
    validates the decoded body in lax Python mode, where true passes for 1, "7" for 7 and a
    timestamp for a date; those are 422s here. (FastAPI still validates the body param too:
    that is what documents it.)"""

    async def parse(request: Request) -> Any:
        try:
            return model.model_validate_json(await request.body(), strict=True)
        except PydanticError as error:
            errors = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
            raise RequestValidationError(errors) from None

    return parse


def documented_body(model: str) -> dict[str, Any]:
    """`openapi_extra` for a route that parses its body only with strict_body: the body in
    the OpenAPI document, as components/schemas/`model` (see api.execution.document)."""
    schema = {"$ref": f"#/components/schemas/{model}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def write(
    request: Request,
    spec: ResourceSpec,
    ident: int,
    version: int,
    use_case: Callable[[Session], Any],
) -> Any:
    """Run a change of one record in its own transaction. When it lost a race to another writer
    of the same version (its UPDATE or DELETE matched no row), answer 412 with the version that
    won, read afresh, as when the version was already stale at the start."""
    try:
        with unit_of_work(sessions(request)) as session:
            return use_case(session)
    except StaleVersion as stale:
        if stale.current_version >= 0:
            raise
    with unit_of_work(sessions(request)) as session:
        raise service.stale_version(session, spec, caller(request), ident, version)


def record_router(spec: ResourceSpec) -> APIRouter:
    router = APIRouter(prefix=f"/{spec.name}", tags=[spec.name])
    Params = _list_params(spec)
    Page = _page_model(spec)
    Create, Patch, Read = spec.create, spec.patch, spec.read
    label = spec.label
    a_label = ("an " if label[0].lower() in "aeiou" else "a ") + label

    def render(record: Any, response: Response) -> Any:
        response.headers["ETag"] = f'"{record.version}"'
        return Read.model_validate(record)

    @router.get("", response_model=Page, summary=f"List {spec.name.replace('_', ' ')}")
    def list_records(
        request: Request,
        params: Annotated[Params, Query()],  # type: ignore[valid-type]
    ) -> Any:
        base = cast(ListParams, params)
        query = service.ListQuery(
            site_id=base.site_id,
            filters={name: getattr(base, name) for name in spec.filters},
            q=base.q,
            sort=base.sort,
            limit=min(base.limit, settings().max_page_size),
            offset=base.offset,
        )
        with unit_of_work(sessions(request)) as session:
            page = service.list_records(session, spec, caller(request), query)
            items = [Read.model_validate(r) for r in page.items]
        return Page(items=items, total=page.total, limit=page.limit, offset=page.offset)

    @router.post(
        "",
        response_model=Read,
        status_code=201,
        summary=f"Create {a_label}",
        responses=problem_responses(409),
    )
    def create_record(
        request: Request,
        body: Create,  # type: ignore[valid-type]
        data: Annotated[Any, Depends(strict_body(Create))],
        response: Response,
    ) -> Any:
        with unit_of_work(sessions(request)) as session:
            record = service.create_record(session, spec, caller(request), data)
            out = render(record, response)
        response.headers["Location"] = f"{request.url.path}/{record.id}"
        return out

    @router.get(
        "/{ident}", response_model=Read, summary=f"Get {a_label}", responses=problem_responses(404)
    )
    def get_record(
        request: Request, ident: Annotated[int, Field(ge=1, le=2**62)], response: Response
    ) -> Any:
        with unit_of_work(sessions(request)) as session:
            return render(service.get_record(session, spec, caller(request), ident), response)

    @router.get(
        "/{ident}/history",
        response_model=list[AuditEntryOut],
        summary=f"Changes to {a_label}, oldest first",
        responses=problem_responses(404),
    )
    def get_history(request: Request, ident: Annotated[int, Field(ge=1, le=2**62)]) -> Any:
        with unit_of_work(sessions(request)) as session:
            service.get_record(session, spec, caller(request), ident)  # 404 when out of scope
            return [entry(r) for r in audit.history(session, spec.name, ident)]

    @router.patch(
        "/{ident}",
        response_model=Read,
        summary=f"Change {a_label}",
        responses=problem_responses(404, 409, 412, 428),
    )
    def update_record(
        request: Request,
        ident: Annotated[int, Field(ge=1, le=2**62)],
        body: Patch,  # type: ignore[valid-type]
        data: Annotated[Any, Depends(strict_body(Patch))],
        response: Response,
        if_match: Annotated[str | None, Header(description=IF_MATCH_HELP)] = None,
        x_change_reason: Annotated[
            str | None, Header(max_length=500, description=REASON_HELP)
        ] = None,
    ) -> Any:
        version = expected_version(if_match)
        who = caller(request)

        def change(session: Session) -> Any:
            record = service.update_record(
                session, spec, who, ident, version, data, x_change_reason
            )
            return render(record, response)

        return write(request, spec, ident, version, change)

    @router.delete(
        "/{ident}",
        status_code=204,
        summary=f"Delete {a_label}",
        responses=problem_responses(404, 409, 412, 428),
    )
    def delete_record(
        request: Request,
        ident: Annotated[int, Field(ge=1, le=2**62)],
        if_match: Annotated[str | None, Header(description=IF_MATCH_HELP)] = None,
        x_change_reason: Annotated[
            str | None, Header(max_length=500, description=REASON_HELP)
        ] = None,
    ) -> Response:
        version = expected_version(if_match)
        who = caller(request)

        def remove(session: Session) -> None:
            service.delete_record(session, spec, who, ident, version, PARENTS, x_change_reason)

        write(request, spec, ident, version, remove)
        return Response(status_code=204)

    return router
