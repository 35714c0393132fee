"""The one error hierarchy of PlantOps; each adapter translates it once (DESIGN.md rule 3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field. `location` is a path such as ("lines", 2, "quantity")."""

    location: tuple[str | int, ...]
    message: str
    source: str | None = None  # file name, for imports
    row: int | None = None  # 1-based data row in that file, for imports

    def pointer(self) -> str:
        """RFC 6901 JSON pointer to the field; "" is the whole document (a rule across fields)."""
        if not self.location:
            return ""
        parts = (str(p).replace("~", "~0").replace("/", "~1") for p in self.location)
        return "/" + "/".join(parts)


class _HasErrors(Protocol):
    def errors(self) -> Sequence[Mapping[str, Any]]: ...


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers: dict[str, str] = {}


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class InvalidTransition(Conflict):
    title = "Transition not allowed"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Unauthenticated(DomainError):
    status = 401
    title = "Not signed in"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": 'Bearer realm="plantops"'}


class TooManyAttempts(DomainError):
    status = 429
    title = "Too many attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class PreconditionRequired(DomainError):
    status = 428
    title = "Precondition required"


class StaleVersion(DomainError):
    """The caller edited an old version of the record; carries the current one."""

    status = 412
    title = "Precondition failed"

    def __init__(self, detail: str, current_version: int, current: object = None) -> None:
        super().__init__(detail)
        self.current_version = current_version
        self.current = current


class ValidationFailed(DomainError):
    status = 422
    title = "Validation failed"

    def __init__(self, detail: str, errors: list[FieldError]) -> None:
        super().__init__(detail)
        self.errors = errors

    @classmethod
    def from_pydantic(cls, label: str, error: _HasErrors) -> ValidationFailed:
        """Field errors of a pydantic ValidationError, located as in the request body."""
        errors = [
            FieldError(tuple(e["loc"]), str(e["msg"]).removeprefix("Value error, "))
            for e in error.errors()
        ]
        first = errors[0]
        where = first.pointer() if first.location else "body"
        return cls(f"{label}: {where}: {first.message}", errors)

    @classmethod
    def one(cls, location: tuple[str | int, ...], message: str) -> ValidationFailed:
        return cls(message, [FieldError(location, message)])

    @classmethod
    def field(cls, name: str, message: str) -> ValidationFailed:
        """One field's problem; the detail names the field ("role: ...")."""
        return cls(f"{name}: {message}", [FieldError((name,), message)])
