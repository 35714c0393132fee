"""Every error leaves the API as RFC 9457 problem+json; nothing else, never a traceback."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from plantops.errors import DomainError, FieldError, StaleVersion, ValidationFailed

log = logging.getLogger("plantops.api")
MEDIA_TYPE = "application/problem+json"


# The body of every error answer (RFC 9457), for the OpenAPI document.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "field errors: a JSON pointer into the body, or a parameter name",
            "items": {
                "type": "object",
                "required": ["detail"],
                "properties": {
                    "detail": {"type": "string"},
                    "pointer": {"type": "string"},
                    "parameter": {"type": "string"},
                },
            },
        },
        "current_version": {"type": "integer", "description": "with 412: the version now"},
        "current": {"type": "object", "description": "with 412: the record now"},
    },
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for error answers of these statuses."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


def _document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Say in the OpenAPI document what the handlers below do: 422s (FastAPI documents its own
    shape) and any other error are problem+json."""
    error = problem_responses(422)[422]
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = error
            responses.setdefault("default", error | {"description": "An error"})
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    components["Problem"] = PROBLEM_SCHEMA
    return schema


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def field_errors(errors: list[FieldError]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for error in errors:
        entry: dict[str, Any] = {"detail": error.message}
        location = error.location
        if location and location[0] in ("query", "path", "header"):
            entry["parameter"] = ".".join(str(p) for p in location[1:])
        else:
            entry["pointer"] = FieldError(
                location[1:] if location[:1] == ("body",) else location, error.message
            ).pointer()
        if error.source is not None:
            entry["source"] = error.source
        if error.row is not None:
            entry["row"] = error.row
        out.append(entry)
    return out


def problem_body(error: DomainError, within: tuple[str | int, ...] = ()) -> dict[str, Any]:
    """The problem+json body of a domain error inside a larger answer (one event of a
    batch): its field pointers start at `within`."""
    body: dict[str, Any] = {
        "type": "about:blank", "title": error.title, "status": error.status, "detail": error.detail
    }  # fmt: skip
    if isinstance(error, ValidationFailed):
        located = [FieldError((*within, *e.location), e.message) for e in error.errors]
        body["errors"] = field_errors(located)
    return body


def _domain(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    extra: dict[str, Any] = {}
    headers: dict[str, str] = dict(error.headers)
    if isinstance(error, ValidationFailed):
        extra["errors"] = field_errors(error.errors)
    if isinstance(error, StaleVersion) and error.current_version >= 0:
        extra["current_version"] = error.current_version
        if error.current is not None:
            extra["current"] = error.current.model_dump(mode="json")  # type: ignore[attr-defined]
        headers["ETag"] = f'"{error.current_version}"'
    response = problem(error.status, error.title, error.detail, **extra)
    response.headers.update(headers)
    return response


def _request_error(entry: dict[str, Any]) -> FieldError:
    location = tuple(entry["loc"])
    if entry.get("type") == "json_invalid":  # loc is ("body", character offset)
        where = f" at character {location[1]}" if len(location) > 1 else ""
        reason = str(entry.get("ctx", {}).get("error", "")).lower() or "malformed"
        return FieldError(location[:1], f"the body is not valid JSON{where}: {reason}")
    return FieldError(location, str(entry["msg"]).removeprefix("Value error, "))


def _request_validation(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [_request_error(e) for e in error.errors()]
    first = field_errors(errors[:1])[0] if errors else {"detail": "invalid request"}
    where = first.get("pointer") or first.get("parameter") or ""
    detail = f"{where}: {first['detail']}" if where else first["detail"]
    return problem(422, "Validation failed", detail, errors=field_errors(errors))


def _http(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    detail = error.detail if isinstance(error.detail, str) else "request refused"
    response = problem(error.status_code, detail, detail)
    if error.headers:
        response.headers.update(error.headers)
    return response


def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, OperationalError) and "database is locked" in str(error):
        # SQLite waited its busy timeout for another writer: the request may simply be retried
        response = problem(503, "Busy", "the database is busy with other writes: try again")
        response.headers["Retry-After"] = "1"
        return response
    log.exception("unexpected error", exc_info=error)
    return problem(500, "Internal error", "the server failed; the error has been logged")


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)


class BodyLimit:
    """Refuses (413) a request whose Content-Length is over `limit` bytes, or is not a
    number, before anything reads it. Plain ASGI, not Starlette's BaseHTTPMiddleware: this
    runs on every request, and terminals send many small ones."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = next((v for k, v in scope["headers"] if k == b"content-length"), b"0")
            if not length.isdigit() or int(length) > self.limit:
                refusal = problem(
                    413, "Payload too large", f"bodies are limited to {self.limit} bytes"
                )
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
