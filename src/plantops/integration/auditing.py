"""The audit records of an import: one per imported record, as the database now holds it.

Read back with set-based selects after the write (the rows, then each child level by parent),
so the trail shows what was written, not what the file said; chained in batches, so memory
stays flat however large the plant."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.integration.document import Level
from plantops.integration.validation import Plan

CHUNK = 2000  # records per batch (and ids per IN list)


def _rows(session: Session, level: Level, column: str, ids: list[int]) -> list[dict[str, Any]]:
    table = level.table
    statement = select(table).where(table.c[column].in_(ids)).order_by(table.c.id)
    result = session.execute(statement)
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


def _attach(session: Session, level: Level, rows: list[dict[str, Any]]) -> None:
    """Each row's child rows under the child level's field, recursively."""
    ids = [row["id"] for row in rows]
    for child in level.children:
        assert child.parent_column is not None
        kids: list[dict[str, Any]] = []
        for start in range(0, len(ids), CHUNK):
            kids += _rows(session, child, child.parent_column, ids[start : start + CHUNK])
        _attach(session, child, kids)
        by_parent: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for kid in kids:
            by_parent[kid.pop(child.parent_column)].append(kid)
        for row in rows:
            row[child.field] = by_parent.get(row["id"], [])


def _site(row: dict[str, Any], is_site: bool) -> int | None:
    return int(row["id"]) if is_site else row.get("site_id")


def _batches(session: Session, plan: Plan) -> Iterator[list[audit.Entry]]:
    for section in plan.sections:
        level, is_site = section.level, section.level.table.name == "site"
        for start in range(0, len(section.ids), CHUNK):
            rows = _rows(session, level, "id", section.ids[start : start + CHUNK])
            _attach(session, level, rows)
            yield [
                audit.Entry("create", level.spec.name, row["id"], _site(row, is_site), None, row)
                for row in rows
            ]


def audit_import(session: Session, caller: Caller, plan: Plan) -> int:
    """One "create" record per imported record; how many."""
    return audit.append_many(session, caller, _batches(session, plan), "plant file import")
