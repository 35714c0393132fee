"""What the generic record services need to know about one aggregate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, create_model
from sqlalchemy import Table
from sqlalchemy.orm import Session

from plantops.access.roles import Domain
from plantops.resources.fields import Record, Schema
from plantops.storage.base import Base

# A domain rule that needs the database; runs after the change is flushed, before commit.
Check = Callable[[Session, Any], None]


@dataclass(frozen=True)
class ChildSpec:
    """Rows owned by the aggregate: replaced as a whole when the list is given in an update."""

    field: str  # relationship on the parent model, list field in the schema
    model: type[Base]
    schema: type[Schema]
    children: tuple[ChildSpec, ...] = ()


@dataclass(frozen=True)
class ResourceSpec:
    name: str  # plural: API path segment and plant-file key, e.g. "work_centers"
    label: str  # singular, for messages: "work center"
    model: type[Base]
    create: type[Schema]
    read: type[Record]
    children: tuple[ChildSpec, ...] = ()
    filters: tuple[str, ...] = ()  # columns a list may be filtered on (exact match)
    check: Check | None = None
    domain: Domain = Domain.masterdata  # whose permissions apply (access.roles)
    patch: type[BaseModel] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "patch", patch_schema(self.create))

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[return-value]

    @property
    def site_owned(self) -> bool:
        return "site_id" in self.create.model_fields

    @property
    def sortable(self) -> tuple[str, ...]:
        scalars = [f for f in self.create.model_fields if f not in self.child_fields]
        return ("id", *scalars)

    @property
    def child_fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.children)


def patch_schema(create: type[Schema]) -> type[BaseModel]:
    """Every field optional; the site is left out: a record never moves to another site."""
    fields: dict[str, Any] = {}
    for name, info in create.model_fields.items():
        if name == "site_id":
            continue
        annotation = info.rebuild_annotation()
        fields[name] = (annotation | None, None)
    name = create.__name__.removesuffix("In") + "Patch"
    return create_model(name, __base__=Schema, **fields)
