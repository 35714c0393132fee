"""The audit records of an import: one per imported record, as the database now holds it.

Read back with set-based selects after the write (the rows, then each child level by parent),
so the trail shows what was written, not what the file said; appended in one go."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.integration.document import Level
from plantops.integration.validation import Plan

CHUNK = 2000  # ids per IN list


def _shown(value: Any) -> Any:
    """Decimals as numbers, as the API shows them."""
    return float(value) if isinstance(value, Decimal) else value


def _rows(session: Session, level: Level, column: str, ids: list[int]) -> list[dict[str, Any]]:
    table = level.table
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        statement = select(table).where(table.c[column].in_(chunk)).order_by(table.c.id)
        rows = session.execute(statement).mappings()
        found += [{k: _shown(v) for k, v in row.items()} for row in rows]
    return found


def _attach(session: Session, level: Level, rows: list[dict[str, Any]]) -> None:
    """Each row's child rows under the child level's field, recursively."""
    ids = [row["id"] for row in rows]
    for child in level.children:
        assert child.parent_column is not None
        kids = _rows(session, child, child.parent_column, ids)
        _attach(session, child, kids)
        by_parent: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for kid in kids:
            by_parent[kid.pop(child.parent_column)].append(kid)
        for row in rows:
            row[child.field] = by_parent.get(row["id"], [])


def audit_import(session: Session, caller: Caller, plan: Plan) -> int:
    """One "create" record per imported record; how many."""
    entries: list[audit.Entry] = []
    for section in plan.sections:
        level = section.level
        rows = _rows(session, level, "id", section.ids)
        _attach(session, level, rows)
        for row in rows:
            site = row.get("site_id", row["id"] if level.table.name == "site" else None)
            new = to_jsonable_python(row)
            entries.append(audit.Entry("create", level.spec.name, row["id"], site, None, new))
    audit.append_many(session, caller, entries, reason="plant file import")
    return len(entries)
