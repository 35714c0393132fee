"""Minimal valid records for every resource of the catalog, created over the API.

Payloads are derived from the resource's input schema and its tables, so a resource added to
plantops.catalog is covered without touching the tests: required fields get the first value their
type and constraints accept, `<x>_id` fields follow the foreign key and create what they point
to (through the API, in the same site), required lists get one element. A field whose value
cannot be derived (a free-text field with a validator) takes its value from HINTS."""

from __future__ import annotations

import itertools
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from sqlalchemy import Table

from plantops.catalog import RESOURCES
from plantops.resources.spec import ChildSpec, ResourceSpec

HINTS: dict[str, Any] = {"time_zone": "Europe/Berlin", "currency": "EUR", "uom": "pcs"}
BY_TABLE: dict[str, ResourceSpec] = {spec.table.name: spec for spec in RESOURCES}
BY_NAME: dict[str, ResourceSpec] = {spec.name: spec for spec in RESOURCES}
START = datetime(2030, 1, 7, 8, 0)
NUMBERS = itertools.count(1)

Column = tuple[str, str]  # (table, column)


def target_table(table: Table, column: str) -> str | None:
    for fk in table.c[column].foreign_keys:
        return fk.column.table.name
    return None


def child_tables(children: tuple[ChildSpec, ...]) -> Iterator[tuple[Table, ChildSpec]]:
    for child in children:
        yield child.model.__table__, child  # type: ignore[misc]
        yield from child_tables(child.children)


@dataclass(frozen=True)
class Use:
    """A record that refers to another one: `spec` refers to it through `column` of `table`."""

    spec: ResourceSpec
    table: str
    column: str


def uses_of(spec: ResourceSpec) -> list[Use]:
    """Every place in another aggregate that can refer to a record of `spec`."""
    found: list[Use] = []
    for user in RESOURCES:
        if user is spec:
            continue
        tables = [user.table, *(t for t, _ in child_tables(user.children))]
        for table in tables:
            for fk in table.foreign_keys:
                if fk.column.table is spec.table:
                    found.append(Use(user, table.name, fk.parent.name))
    return found


def base_type(annotation: Any) -> Any:
    """int for Annotated[int, ...] | None, list for list[X], the model for a nested schema."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return origin or annotation


def _first_valid(adapter: TypeAdapter[Any], candidates: list[Any]) -> Any:
    for candidate in candidates:
        try:
            adapter.validate_python(candidate)
        except ValidationError:
            continue
        return candidate
    raise LookupError(f"no candidate in {candidates} is valid: add a hint to tests/api/builder.py")


@dataclass
class Plant:
    """Creates records through the API; every dependency is created in the same site."""

    client: httpx.Client
    site_id: int | None = None
    numbers: Iterator[int] = field(default=NUMBERS)  # codes unique across plants of a test
    clock: Iterator[int] = field(default_factory=lambda: itertools.count(0))

    def code(self, prefix: str = "T") -> str:
        return f"{prefix}-{next(self.numbers)}"

    def site(self) -> int:
        if self.site_id is None:
            self.site_id = int(self.create("sites")["id"])
        return self.site_id

    def create(
        self, name: str, *, use: dict[Column, int] | None = None, full: bool = False, **fields: Any
    ) -> dict[str, Any]:
        """POST a minimal valid record (fields override the generated ones); its JSON."""
        body = self.payload(name, use=use, full=full) | fields
        response = self.client.post(f"/{name}", json=body)
        assert response.status_code == 201, (name, body, response.text)
        return dict(response.json())

    def payload(
        self, name: str, *, use: dict[Column, int] | None = None, full: bool = False
    ) -> dict[str, Any]:
        """A minimal valid body for POST /{name}; `use` fixes referenced ids (and makes optional
        fields and lists that lead to them present); `full` gives every field a value and every
        list one row."""
        spec = BY_NAME[name]
        return self._body(spec.create, spec.table, spec.children, use or {}, full)

    def _body(
        self,
        schema: type[BaseModel],
        table: Table,
        children: tuple[ChildSpec, ...],
        use: dict[Column, int],
        full: bool,
    ) -> dict[str, Any]:
        nested = {child.field: child for child in children}
        body: dict[str, Any] = {}
        for name, info in schema.model_fields.items():
            child = nested.get(name)
            wanted = full or info.is_required()
            if child is not None:
                if wanted or _leads_to(child, use):
                    child_table: Table = child.model.__table__  # type: ignore[assignment]
                    body[name] = [self._body(child.schema, child_table, child.children, use, full)]
            elif wanted or (table.name, name) in use:
                body[name] = self._value(table, name, info, use)
        return body

    def _value(self, table: Table, name: str, info: FieldInfo, use: dict[Column, int]) -> Any:
        if (table.name, name) in use:
            return use[(table.name, name)]
        if name in HINTS:
            return HINTS[name]
        if name == "code":
            return self.code()
        if name.endswith("_id") and (target := target_table(table, name)) is not None:
            if target == "site":
                return self.site()
            return self.create(BY_TABLE[target].name)["id"]
        return self._scalar(name, info)

    def _scalar(self, name: str, info: FieldInfo) -> Any:
        kind = base_type(info.annotation)
        adapter: TypeAdapter[Any] = TypeAdapter(info.rebuild_annotation())
        if isinstance(kind, type) and issubclass(kind, Enum):
            return _first_valid(adapter, [member.value for member in kind])
        # Dates and times increase in declaration order, so "start" fields precede "end" ones.
        moment = START + timedelta(days=next(self.clock), hours=1)
        candidates: dict[Any, list[Any]] = {
            bool: [False],
            int: [1, 0, 10],
            float: [1.0, 0.0, 0.5],
            Decimal: ["1", "0", "0.5"],
            str: [f"{name} {next(self.numbers)}", "x"],
            date: [moment.date().isoformat()],
            datetime: [moment.isoformat(), f"{moment.isoformat()}Z"],
            time: [moment.time().isoformat()],
        }
        if kind not in candidates and "Datetime" in getattr(kind, "__name__", ""):
            kind = datetime  # pydantic's AwareDatetime, NaiveDatetime
        return _first_valid(adapter, candidates.get(kind, []))


def _leads_to(child: ChildSpec, use: dict[Column, int]) -> bool:
    tables = {child.model.__table__.name} | {t.name for t, _ in child_tables(child.children)}  # type: ignore[attr-defined]
    return any(table in tables for table, _ in use)
