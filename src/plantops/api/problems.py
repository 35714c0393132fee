"""Every error leaves the API as RFC 9457 problem+json; nothing else, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from plantops.errors import DomainError, FieldError, StaleVersion, ValidationFailed

log = logging.getLogger("plantops.api")
MEDIA_TYPE = "application/problem+json"


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


def _domain(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
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


def _request_validation(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        FieldError(tuple(e["loc"]), str(e["msg"]).removeprefix("Value error, "))
        for e in error.errors()
    ]
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
    log.exception("unexpected error", exc_info=error)
    return problem(500, "Internal error", "the server failed; the error has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
