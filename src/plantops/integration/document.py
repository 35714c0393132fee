"""The plant file's shape, derived from the catalog: the fields of every level of every
aggregate, which of them refer to other records, and how a row is told from its siblings.

Nothing here names an entity. A create-schema field `<x>_id` whose column has a foreign key
becomes the document field `<x>` holding the referenced record's code; the reference resolves
among the records of the referring record's site when the target table has a site."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import Enum
from types import UnionType
from typing import Any, Union, get_args, get_origin

from sqlalchemy import Column, Table, UniqueConstraint

from plantops.catalog import RESOURCES
from plantops.resources.fields import Schema
from plantops.resources.spec import ChildSpec, ResourceSpec

FORMAT = "plantops-plant"
FORMAT_VERSION = 1
Converter = Callable[[Any], Any]
Progress = Callable[[str, int, int], None]  # reports long work: stage, done, total


@dataclass(frozen=True)
class Reference:
    column: str  # schema field and column, e.g. "component_item_id"
    target: Table
    site_owned: bool  # resolved among the records of the referring record's site


@dataclass(frozen=True)
class Level:
    """One table of an aggregate as the plant file sees it: the root or a list of children."""

    name: str  # section or table name: "boms", "boms.lines"
    field: str  # key in the parent record: the section name for roots, else "lines"
    spec: ResourceSpec  # the aggregate this level belongs to
    model: type[Any]
    schema: type[Schema]
    table: Table
    fields: tuple[str, ...]  # document fields in schema order, child lists left out
    references: Mapping[str, Reference]  # by document field
    times: frozenset[str]  # time-of-day fields (YAML reads an unquoted 14:00:00 as 50400)
    children: tuple[Level, ...]
    parent_column: str | None  # foreign key to the parent row, None for roots
    key: tuple[str, ...]  # document fields naming the row among its siblings ((), if none)
    order: tuple[str, ...]  # columns that order the rows under their parent (then id)

    def column(self, name: str) -> str:
        reference = self.references.get(name)
        return reference.column if reference else name

    def walk(self) -> list[Level]:
        return [self, *(level for child in self.children for level in child.walk())]


def _is_time(annotation: Any) -> bool:
    if get_origin(annotation) in (Union, UnionType):
        return any(_is_time(a) for a in get_args(annotation))
    return annotation is time


def _key(
    table: Table, parent_column: str | None, references: Mapping[str, Reference]
) -> tuple[str, ...]:
    """The columns of a unique constraint with the parent's column, as document fields."""
    names = {r.column: name for name, r in references.items()}
    for constraint in table.constraints:
        columns = [c.name for c in getattr(constraint, "columns", ())]
        if isinstance(constraint, UniqueConstraint) and parent_column in columns:
            return tuple(names.get(c, c) for c in columns if c != parent_column)
    return ()


def _fields(
    table: Table, schema: type[Schema], nested: set[str]
) -> tuple[list[str], dict[str, Reference]]:
    """Document fields in schema order, and which of them are references."""
    references: dict[str, Reference] = {}
    fields: list[str] = []
    for column in schema.model_fields:
        if column in nested:
            continue
        targets = [fk.column.table for fk in table.c[column].foreign_keys]
        if column.endswith("_id") and targets:
            name = column.removesuffix("_id")
            references[name] = Reference(column, targets[0], "site_id" in targets[0].c)
            fields.append(name)
        else:
            fields.append(column)
    return fields, references


def _placement(
    table: Table, field: str, references: dict[str, Reference], parent: Level
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """A child level's foreign key to its parent, its key among siblings, and its order."""
    column = next(fk.parent.name for fk in table.foreign_keys if fk.column.table is parent.table)
    relationship = getattr(parent.model, field).property
    order = tuple(c.name for c in relationship.order_by or () if c.name != "id")
    return column, _key(table, column, references), order


def _level(
    spec: ResourceSpec,
    name: str,
    field: str,
    model: type[Any],
    schema: type[Schema],
    children: tuple[ChildSpec, ...],
    parent: Level | None,
) -> Level:
    table: Table = model.__table__
    fields, references = _fields(table, schema, {c.field for c in children})
    parent_column: str | None = None
    order: tuple[str, ...] = ()
    key: tuple[str, ...] = ("site", "code") if spec.site_owned else ("code",)
    if parent is not None:
        parent_column, key, order = _placement(table, field, references, parent)
    annotations = schema.model_fields
    times = frozenset(f for f in fields if f in annotations and _is_time(annotations[f].annotation))
    level = Level(
        name=name,
        field=field,
        spec=spec,
        model=model,
        schema=schema,
        table=table,
        fields=tuple(fields),
        references=references,
        times=times,
        children=(),  # set below: the children need their parent first
        parent_column=parent_column,
        key=key,
        order=order,
    )
    kids = tuple(
        _level(spec, f"{name}.{c.field}", c.field, c.model, c.schema, c.children, level)
        for c in children
    )
    object.__setattr__(level, "children", kids)
    return level


def _section(spec: ResourceSpec) -> Level:
    return _level(spec, spec.name, spec.name, spec.model, spec.create, spec.children, None)


SECTIONS: tuple[Level, ...] = tuple(_section(spec) for spec in RESOURCES)
BY_NAME: dict[str, Level] = {level.name: level for s in SECTIONS for level in s.walk()}


def _check_order() -> None:
    """A section may only refer to sections before it: parents are written first."""
    seen: set[Table] = set()
    for section in SECTIONS:
        for level in section.walk():
            for reference in level.references.values():
                if reference.target not in seen:
                    raise RuntimeError(f"{level.name} refers to {reference.target.name} too early")
            if level.children and level.parent_column and not level.key:
                raise RuntimeError(f"{level.name} has children but no unique key")
        seen.add(section.table)


_check_order()


def _decimal(value: Decimal) -> int | float:
    # Decimals travel as numbers; whole ones without ".0", as a planner would type them.
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: date | time) -> str:
    return value.isoformat()


def _enum(value: Enum) -> Any:
    return value.value


def converter(column: Column[Any]) -> Converter | None:
    """How a database value of this column is written into the document (None: as it is)."""
    kind_of = getattr(column.type, "impl_instance", column.type)  # see through TypeDecorators
    try:
        kind = kind_of.python_type
    except NotImplementedError:
        return None
    if issubclass(kind, Enum):
        return _enum
    if issubclass(kind, Decimal):
        return _decimal
    if issubclass(kind, date | time):
        return _iso
    return None
