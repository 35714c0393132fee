"""List, get, create, update and delete any aggregate described by a ResourceSpec.

Each function is one use case inside the caller's transaction: it validates everything first,
raises a DomainError on the first kind of problem found (with every field error of that kind),
and leaves the session untouched or fully changed, never half."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlalchemy import Table, false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.strategy_options import _AbstractLoad

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action
from plantops.access.scope import Scope
from plantops.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from plantops.resources.columns import column_errors, fits, stored
from plantops.resources.fields import Schema
from plantops.resources.references import check_references, users_of
from plantops.resources.spec import ChildSpec, ResourceSpec


@dataclass(frozen=True)
class ListQuery:
    site_id: int | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)
    q: str | None = None  # text contained in code or name
    sort: str = "id"  # a field name; "-" in front sorts descending
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    limit: int
    offset: int


def loader_options(spec: ResourceSpec) -> list[_AbstractLoad]:
    def chain(parent: Any, children: tuple[ChildSpec, ...], base: Any) -> list[_AbstractLoad]:
        options: list[_AbstractLoad] = []
        for child in children:
            attribute = getattr(parent, child.field)
            option = selectinload(attribute) if base is None else base.selectinload(attribute)
            options.append(option)
            options.extend(chain(child.model, child.children, option))
        return options

    return chain(spec.model, spec.children, None)


def _site_of(spec: ResourceSpec, record: Any) -> int | None:
    if spec.site_owned:
        return int(record.site_id)
    if spec.table.name == "site":
        return int(record.id)
    return None


def _in_scope(spec: ResourceSpec, scope: Scope) -> Any:
    if scope.site_ids is None:
        return None
    if spec.site_owned:
        return spec.table.c.site_id.in_(scope.site_ids)
    if spec.table.name == "site":
        return spec.table.c.id.in_(scope.site_ids)
    if spec.table.name == "region" and scope.region_ids is not None:
        return spec.table.c.id.in_(scope.region_ids)
    return None


def _visible(spec: ResourceSpec, scope: Scope, record: Any) -> bool:
    site = _site_of(spec, record)
    if site is not None:
        return scope.allows(site)
    if spec.table.name == "region":
        return scope.sees_region(int(record.id))
    return True


def _require(caller: Caller, spec: ResourceSpec, action: Action) -> None:
    caller.require(spec.domain, action, spec.name.replace("_", " "))


def snapshot(spec: ResourceSpec, record: Any) -> dict[str, Any]:
    """The record as the API shows it: what the audit trail keeps as old and new values."""
    return spec.read.model_validate(record).model_dump(mode="json")


def _audit(
    session: Session,
    spec: ResourceSpec,
    caller: Caller,
    action: str,
    record: Any,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    site = _site_of(spec, record)
    audit.append(session, caller, action, spec.name, int(record.id), site, old, new, reason)


def list_records(session: Session, spec: ResourceSpec, caller: Caller, query: ListQuery) -> Page:
    _require(caller, spec, Action.read)
    scope = caller.scope
    table = spec.table
    conditions = [c for c in [_in_scope(spec, scope)] if c is not None]
    filters = dict(query.filters)
    if spec.site_owned:
        filters["site_id"] = query.site_id
    for name, value in filters.items():
        if value is not None:
            column = table.c[name]
            conditions.append(column == value if fits(column, value) else false())
    if query.q:
        needle = query.q.lower()  # contained as typed: % and _ are no wildcards
        text = [
            func.lower(table.c[c]).contains(needle, autoescape=True)
            for c in ("code", "name")
            if c in table.c
        ]
        if text:
            conditions.append(text[0] if len(text) == 1 else text[0] | text[1])
    descending = query.sort.startswith("-")
    sort_field = query.sort.removeprefix("-")
    if sort_field not in spec.sortable:
        allowed = ", ".join(spec.sortable)
        raise ValidationFailed.one(
            ("query", "sort"), f"cannot sort by {sort_field!r}; use one of {allowed}"
        )
    order = table.c[sort_field].desc() if descending else table.c[sort_field].asc()
    total = session.scalar(select(func.count()).select_from(table).where(*conditions)) or 0
    statement = (
        select(spec.model)
        .where(*conditions)
        .order_by(order, table.c.id)
        .limit(query.limit)
        .offset(query.offset)
        .options(*loader_options(spec))
    )
    items = list(session.scalars(statement))
    return Page(items=items, total=total, limit=query.limit, offset=query.offset)


def get_record(
    session: Session, spec: ResourceSpec, caller: Caller, ident: int, *, lock: bool = False
) -> Any:
    """The record; `lock` holds its row until the transaction ends (PostgreSQL), so that two
    writers of the same version queue and the second one sees the first one's version."""
    _require(caller, spec, Action.read)
    record = None
    if fits(spec.table.c.id, ident):
        record = session.get(
            spec.model,
            ident,
            options=loader_options(spec),
            with_for_update=lock or None,
            populate_existing=lock,
        )
    if record is None or not _visible(spec, caller.scope, record):
        # Out of scope answers like a missing record: no existence leak.
        raise NotFound(f"{spec.label} {ident} not found")
    return record


def _build(model: Any, data: Schema, children: tuple[ChildSpec, ...]) -> Any:
    nested = {c.field for c in children}
    fields = type(data).model_fields
    record = model(**{k: stored(getattr(data, k)) for k in fields if k not in nested})
    for child in children:
        rows = [_build(child.model, row, child.children) for row in getattr(data, child.field)]
        setattr(record, child.field, rows)
    return record


def _check_site(session: Session, spec: ResourceSpec, scope: Scope, site_id: int) -> None:
    sites = next(iter(spec.table.c.site_id.foreign_keys)).column.table  # org sits above us
    found = select(sites.c.id).where(sites.c.id == site_id)
    known = fits(sites.c.id, site_id) and session.scalar(found) is not None
    if not scope.allows(site_id) or not known:
        raise ValidationFailed.one(("site_id",), f"site {site_id} does not exist")


def _check_code_free(
    session: Session, spec: ResourceSpec, code: str, site_id: int | None, ident: int | None
) -> None:
    table: Table = spec.table
    conditions = [table.c.code == code]
    if spec.site_owned:
        conditions.append(table.c.site_id == site_id)
    if ident is not None:
        conditions.append(table.c.id != ident)
    if session.scalar(select(table.c.id).where(*conditions).limit(1)) is not None:
        where = " at this site" if spec.site_owned else ""
        raise Conflict(f"{spec.label} code {code!r} already exists{where}")


def _raise(spec: ResourceSpec, errors: list[FieldError]) -> None:
    if errors:
        first = errors[0]
        raise ValidationFailed(f"{spec.label}: {first.pointer()}: {first.message}", errors)


def _check_storable(spec: ResourceSpec, data: Schema) -> None:
    """Before any SQL: values the columns cannot hold are field errors, not database errors."""
    _raise(spec, column_errors(data, spec.table, spec.children))


def _validate(session: Session, spec: ResourceSpec, data: Schema, site_id: int | None) -> None:
    _raise(spec, check_references(session, spec, data, site_id))


def _flush(session: Session, spec: ResourceSpec, record: Any) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise StaleVersion(f"{spec.label} was changed by someone else meanwhile", -1) from None
    except IntegrityError:
        # The database's own text names tables and constraints: not for the caller.
        raise Conflict(f"{spec.label} conflicts with an existing record") from None
    if spec.check is not None and record is not None:
        spec.check(session, record)


def _check_org(spec: ResourceSpec, caller: Caller, data: Schema) -> None:
    """Regions and sites are created by callers granted everything: a scoped caller could
    not see what they made. A site goes only into a region the caller sees."""
    if spec.table.name in ("region", "site") and caller.scope.site_ids is not None:
        region = getattr(data, "region_id", None)
        if region is not None and not caller.scope.sees_region(region):
            raise ValidationFailed.one(("region_id",), f"region {region} does not exist")


def create_record(session: Session, spec: ResourceSpec, caller: Caller, data: Schema) -> Any:
    _require(caller, spec, Action.create)
    if spec.table.name in ("region", "site") and caller.scope.site_ids is not None:
        raise Forbidden(f"only a user granted every site may create {spec.name}")
    _check_storable(spec, data)
    site_id = getattr(data, "site_id", None)
    if site_id is not None:
        _check_site(session, spec, caller.scope, site_id)
    _validate(session, spec, data, site_id)
    _check_code_free(session, spec, data.code, site_id, None)  # type: ignore[attr-defined]
    record = _build(spec.model, data, spec.children)
    session.add(record)
    _flush(session, spec, record)
    _audit(session, spec, caller, "create", record, None, snapshot(spec, record))
    return record


def _stale(spec: ResourceSpec, record: Any, expected: int) -> StaleVersion:
    return StaleVersion(
        f"{spec.label} {record.id} is at version {record.version}, not {expected}",
        record.version,
        spec.read.model_validate(record),
    )


def _check_version(spec: ResourceSpec, record: Any, expected: int) -> None:
    if record.version != expected:
        raise _stale(spec, record, expected)


def stale_version(
    session: Session, spec: ResourceSpec, caller: Caller, ident: int, expected: int
) -> StaleVersion:
    """The answer to a write that lost a race (its flush matched no row of that version): the
    version that won, read in a new transaction. NotFound if the winner deleted the record."""
    return _stale(spec, get_record(session, spec, caller, ident), expected)


def update_record(
    session: Session,
    spec: ResourceSpec,
    caller: Caller,
    ident: int,
    expected_version: int,
    patch: BaseModel,
    reason: str | None = None,
) -> Any:
    record = get_record(session, spec, caller, ident, lock=True)
    _require(caller, spec, Action.update)
    _check_version(spec, record, expected_version)
    old = snapshot(spec, record)
    changes = patch.model_dump(exclude_unset=True)
    merged = spec.create.model_validate(record).model_dump() | changes
    try:
        data = spec.create.model_validate(merged)
    except PydanticError as error:
        raise ValidationFailed.from_pydantic(spec.label, error) from None
    _check_storable(spec, data)
    _check_org(spec, caller, data)
    site_id = getattr(data, "site_id", None)
    _validate(session, spec, data, site_id)
    _check_code_free(session, spec, data.code, site_id, ident)  # type: ignore[attr-defined]
    if not changes:
        return record
    for name in changes:
        _assign(session, spec, record, data, name)
    flag_modified(record, "code")  # a change of lines alone is still a new version
    _flush(session, spec, record)
    _audit(session, spec, caller, "update", record, old, snapshot(spec, record), reason)
    return record


def _assign(session: Session, spec: ResourceSpec, record: Any, data: Schema, name: str) -> None:
    child = next((c for c in spec.children if c.field == name), None)
    if child is None:
        setattr(record, name, stored(getattr(data, name)))
        return
    # The old rows go first: the new ones may reuse their unique keys (same sequence, same
    # line_no), and a flush inserts before it deletes.
    setattr(record, name, [])
    _flush(session, spec, None)
    setattr(record, name, [_build(child.model, row, child.children) for row in getattr(data, name)])


def delete_record(
    session: Session,
    spec: ResourceSpec,
    caller: Caller,
    ident: int,
    expected_version: int,
    parents: dict[Table, tuple[Table, str]],
    reason: str | None = None,
) -> None:
    record = get_record(session, spec, caller, ident, lock=True)
    _require(caller, spec, Action.delete)
    _check_version(spec, record, expected_version)
    uses = users_of(session, spec, ident, parents)
    if uses:
        raise Conflict(f"{spec.label} {record.code} is in use by " + "; ".join(uses))
    old = snapshot(spec, record)
    session.delete(record)
    _flush(session, spec, None)
    _audit(session, spec, caller, "delete", record, old, None, reason)
