"""Checks that follow foreign keys: references that must exist at the same site, and who uses a
record that is about to be deleted."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from plantops.errors import FieldError
from plantops.resources.columns import fits
from plantops.resources.fields import Schema
from plantops.resources.spec import ChildSpec, ResourceSpec

Location = tuple[str | int, ...]


def _target(table: Table, column: str) -> Table | None:
    for fk in table.c[column].foreign_keys:
        return fk.column.table
    return None


def _collect(
    data: Schema,
    table: Table,
    children: tuple[ChildSpec, ...],
    at: Location,
    into: dict[Table, dict[int, list[Location]]],
) -> None:
    for name in type(data).model_fields:
        value = getattr(data, name)
        if name.endswith("_id") and name != "site_id" and value is not None:
            target = _target(table, name)
            if target is not None:
                into[target][value].append((*at, name))
    for child in children:
        for index, row in enumerate(getattr(data, child.field)):
            _collect(row, child.model.__table__, child.children, (*at, child.field, index), into)  # type: ignore[arg-type]


def check_references(
    session: Session, spec: ResourceSpec, data: Schema, site_id: int | None
) -> list[FieldError]:
    """Every `<x>_id` must name an existing row, and for site-owned rows one of the same site."""
    wanted: dict[Table, dict[int, list[Location]]] = defaultdict(lambda: defaultdict(list))
    _collect(data, spec.table, spec.children, (), wanted)
    errors: list[FieldError] = []
    for table, ids in wanted.items():
        has_site = "site_id" in table.c
        columns = [table.c.id, table.c.site_id] if has_site else [table.c.id]
        comparable = [i for i in ids if fits(table.c.id, i)]  # the others cannot exist
        query = select(*columns).where(table.c.id.in_(comparable))
        found = {row[0]: row for row in session.execute(query)} if comparable else {}
        label = table.name.replace("_", " ")
        for ident, locations in ids.items():
            row = found.get(ident)
            if row is None:
                message = f"{label} {ident} does not exist"
            elif has_site and site_id is not None and row[1] != site_id:
                message = f"{label} {ident} belongs to another site"
            else:
                continue
            errors.extend(FieldError(loc, message) for loc in locations)
    return errors


def _owned_tables(children: tuple[ChildSpec, ...]) -> set[Table]:
    tables: set[Table] = set()
    for child in children:
        tables.add(child.model.__table__)  # type: ignore[arg-type]
        tables |= _owned_tables(child.children)
    return tables


def _root_codes(
    session: Session, table: Table, ids: list[Any], parents: dict[Table, tuple[Table, str]]
) -> tuple[Table, list[str]]:
    """Walk from child rows up to the aggregate root and return the roots' codes."""
    while table in parents:
        parent, column = parents[table]
        ids = list(session.scalars(select(table.c[column]).where(table.c.id.in_(ids)).distinct()))
        table = parent
    if "code" not in table.c:
        return table, [str(i) for i in ids]
    codes = session.scalars(select(table.c.code).where(table.c.id.in_(ids)).order_by(table.c.code))
    return table, list(codes)


def users_of(
    session: Session, spec: ResourceSpec, ident: int, parents: dict[Table, tuple[Table, str]]
) -> list[str]:
    """Describe every record outside the aggregate that refers to it: 'bom B-100', ..."""
    owned = _owned_tables(spec.children)
    uses: list[str] = []
    for table in spec.table.metadata.sorted_tables:
        if table in owned or table is spec.table:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is not spec.table:
                continue
            column = fk.parent
            count = session.scalar(select(func.count()).where(column == ident)) or 0
            if not count:
                continue
            ids = list(session.scalars(select(table.c.id).where(column == ident).limit(5)))
            root, codes = _root_codes(session, table, ids, parents)
            more = ", ..." if count > len(ids) else ""
            via = "" if root is table else f" ({count} {table.name.replace('_', ' ')} rows)"
            uses.append(f"{root.name.replace('_', ' ')} {', '.join(codes)}{more}{via}")
    return uses
