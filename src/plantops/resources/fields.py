"""Field types shared by the schemas of every domain."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, time
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

# Decimals travel as JSON numbers (planners' spreadsheets and clients expect numbers).
_as_number = PlainSerializer(float, return_type=float, when_used="json")

Code = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$",
        description="Natural key, unique within its site (letters, digits, . _ - /)",
    ),
]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=200)]
Family = Annotated[str, Field(min_length=1, max_length=64)]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6), _as_number]
PositiveQuantity = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6), _as_number]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4), _as_number]
Fraction = Annotated[Decimal, Field(ge=0, lt=1, max_digits=8, decimal_places=6), _as_number]
Seconds = Annotated[int, Field(ge=0, le=10_000_000)]
Id = Annotated[int, Field(ge=1, le=2**62)]
IdempotencyKey = Annotated[
    str,
    Field(
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]*$",
        description="The terminal's own id for this event (a UUID, say), the same on every "
        "re-sending: the second sending is answered as the first, not recorded again",
    ),
]

# Site-local wall-clock values carry no UTC offset: documented as patterned strings, because
# OpenAPI's "time" and "date-time" formats (RFC 3339) include an offset.
LocalTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d\d:\d\d(:\d\d(\.\d+)?)?$",
            "examples": ["06:00:00"],
            "description": "site local time, no UTC offset",
        }
    ),
]
LocalDateTime = Annotated[
    datetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$",
            "examples": ["2026-12-24T14:00:00"],
            "description": "site local date and time, no UTC offset",
        }
    ),
]


class Schema(BaseModel):
    """Input schemas refuse unknown fields, so a misspelt or server-owned field is a 422."""

    model_config = ConfigDict(extra="forbid", from_attributes=True, str_strip_whitespace=True)


class IdempotentSchema(Schema):
    """A request sent under an idempotency key: a re-sending must carry the same body, and
    `digest` is what is compared (the body without its key, canonically written)."""

    idempotency_key: IdempotencyKey

    def digest(self) -> str:
        body = self.model_dump(mode="json", exclude={"idempotency_key"}, exclude_none=True)
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class Record(BaseModel):
    """What the server adds to a record it returns."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
