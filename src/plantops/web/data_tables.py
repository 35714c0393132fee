"""What the master data page shows of each table: its columns, the kind of value each holds,
and the records a reference column may point at, shown by their codes.

Everything is read off the generic record specs (catalog.py), so a field added to a schema
appears on the page without touching it."""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from sqlalchemy import Table
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action
from plantops.catalog import BY_NAME, RESOURCES
from plantops.resources.service import ListQuery, list_records
from plantops.resources.spec import ChildSpec, ResourceSpec

# The page's tables, in the order a plant is described: what a record refers to comes first.
TABLES: dict[str, str] = {
    "items": "Items",
    "boms": "BOMs",
    "routings": "Routings",
    "work_centers": "Work centers",
    "calendars": "Calendars",
    "employees": "Employees",
    "skills": "Skills",
    "reason_codes": "Reason codes",
}
MOST_ROWS = 5000  # a site's master data fits; beyond it the page says how many are not shown
# Fields whose plain name needs more than "item_type" -> "Item type" (a unit, an abbreviation)
LABELS = {
    "lead_time_days": "Lead time (days)",
    "uom": "Unit of measure",
    "site_id": "Site",
    "run_seconds_per_unit": "Run time per unit (s)",
    "setup_seconds": "Setup time (s)",
    "changeover_seconds": "Changeover time (s)",
    "starts_local": "Starts (local time)",
    "ends_local": "Ends (local time)",
    "bom": "BOM",
}


def label(name: str) -> str:
    """A field's name as people say it: "make_or_buy" -> "Make or buy", "item_id" -> "Item"."""
    if name in LABELS:
        return LABELS[name]
    words = name.removeprefix("_n_").removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def value_label(value: str) -> str:
    """A stored choice as people say it: "finished_good" -> "Finished good"."""
    words = value.replace("_", " ")
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, number, date, enum, ref
    required: bool
    choices: tuple[str, ...] = ()  # an enum's values
    target: str | None = None  # a reference's resource name, e.g. "items"

    @property
    def label(self) -> str:
        return label(self.name)

    @property
    def choice_labels(self) -> dict[str, str]:
        """An enum's stored values -> their plain words (what the cells and forms show)."""
        return {value: value_label(value) for value in self.choices}


def _plain_type(annotation: Any) -> Any:
    """The value's type under Optional[...] and Annotated[...]."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _target(table: Table, name: str) -> str | None:
    if not name.endswith("_id") or name == "site_id":
        return None
    for key in table.c[name].foreign_keys:
        found = next((s for s in RESOURCES if s.table is key.column.table), None)
        return found.name if found else None
    return None


def columns(schema: type[BaseModel], table: Table, nested: tuple[str, ...]) -> list[Column]:
    """The scalar fields of a schema as grid columns (the site and child lists left out)."""
    found: list[Column] = []
    for name, info in schema.model_fields.items():
        if name == "site_id" or name in nested:
            continue
        plain = _plain_type(info.annotation)
        target = _target(table, name)
        if target is not None:
            found.append(Column(name, "ref", info.is_required(), target=target))
        elif isinstance(plain, type) and issubclass(plain, Enum):
            values = tuple(str(m.value) for m in plain)
            found.append(Column(name, "enum", info.is_required(), values))
        elif plain in (int, float, Decimal):
            found.append(Column(name, "number", info.is_required()))
        elif plain is date:
            found.append(Column(name, "date", info.is_required()))
        else:  # str, time and datetime travel as text in ISO form
            found.append(Column(name, "text", info.is_required()))
    return found


def record_columns(spec: ResourceSpec) -> list[Column]:
    return columns(spec.create, spec.table, spec.child_fields)


def child_columns(child: ChildSpec) -> list[Column]:
    table: Table = child.model.__table__  # type: ignore[assignment]
    return columns(child.schema, table, tuple(c.field for c in child.children))


def targets(spec: ResourceSpec) -> set[str]:
    """Every resource the record or its child rows refer to."""
    found = {c.target for c in record_columns(spec) if c.target}

    def visit(children: tuple[ChildSpec, ...]) -> None:
        for child in children:
            found.update(c.target for c in child_columns(child) if c.target)
            visit(child.children)

    visit(spec.children)
    return found


def may_change(caller: Caller, spec: ResourceSpec, action: Action = Action.update) -> bool:
    return caller.may(spec.domain, action)


def rows(
    session: Session, spec: ResourceSpec, caller: Caller, site_id: int | None
) -> tuple[list[Any], int]:
    """(records, total) of a table at the site (None: every site in the caller's scope)."""
    page = list_records(
        session, spec, caller, ListQuery(site_id=site_id, sort="code", limit=MOST_ROWS)
    )
    return page.items, page.total


def choices(
    session: Session,
    spec: ResourceSpec,
    caller: Caller,
    site_id: int | None,
    site_codes: dict[int, str],
) -> dict[str, dict[str, str]]:
    """For each resource the table refers to: id (as text) -> its code, and the site's code
    after it when several sites are shown (codes are unique per site only)."""
    found: dict[str, dict[str, str]] = {}
    for name in sorted(targets(spec)):
        target = BY_NAME[name]
        records, _ = rows(session, target, caller, site_id if target.site_owned else None)
        found[name] = {
            str(r.id): r.code if site_id else f"{r.code} · {site_codes.get(r.site_id, '?')}"
            for r in records
        }
    return found


def as_text(value: Any) -> Any:
    """A value as the grid shows it (numbers stay numbers)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
