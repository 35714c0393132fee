"""Reading a whole plant (or some of its sites) out of the database as a plant-file document.

Deterministic: sections in catalog order, records by site code then code (compared in Python,
not by the database's collation), children in their relationship's order then by id; fields
in create-schema order, empty optional fields left out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from plantops.access.scope import Scope
from plantops.errors import ValidationFailed
from plantops.integration.document import (
    FORMAT,
    FORMAT_VERSION,
    SECTIONS,
    Level,
    Progress,
    converter,
)
from plantops.org.models import Site

Field = tuple[str, int, Callable[[Any], Any] | None]  # document name, row position, converter
Keyed = tuple[tuple[Any, ...], dict[str, Any]]  # (sort key, record)


class _Exporter:
    def __init__(self, session: Session, site_ids: set[int] | None) -> None:
        self.session = session
        self.site_ids = site_ids  # None: every site
        self.codes: dict[str, dict[int, str]] = {}  # table -> id -> code, of exported records

    def code(self, table: Table) -> Callable[[int], str]:
        codes = self.codes.setdefault(table.name, {})

        def lookup(ident: int) -> str:
            found = codes.get(ident)
            if found is None:  # a record outside the export: still named by its code
                statement = select(table.c.code).where(table.c.id == ident)
                found = codes[ident] = str(self.session.scalar(statement))
            return found

        return lookup

    def fields(self, level: Level) -> list[Field]:
        columns = list(level.table.c.keys())
        out: list[Field] = []
        for name in level.fields:
            reference = level.references.get(name)
            column = level.column(name)
            convert = self.code(reference.target) if reference else converter(level.table.c[column])
            out.append((name, columns.index(column), convert))
        return out

    def roots(self, level: Level) -> Select[Any]:
        table, statement = level.table, select(level.table)
        if self.site_ids is None:
            return statement
        if "site_id" in table.c:
            return statement.where(table.c.site_id.in_(self.site_ids))
        site: Table = Site.__table__  # type: ignore[assignment]
        if table is site:
            return statement.where(table.c.id.in_(self.site_ids))
        # a global table (regions): only what the exported sites refer to
        used = [
            select(fk.parent).where(site.c.id.in_(self.site_ids))
            for fk in site.foreign_keys
            if fk.column.table is table
        ]
        return statement.where(table.c.id.in_(used[0].union(*used[1:]))) if used else statement

    def records(self, level: Level, statement: Select[Any]) -> list[Keyed]:
        """(sort key, record) pairs; a child's sort key is (parent id, order columns..., id)."""
        fields = self.fields(level)
        columns = list(level.table.c.keys())
        lead = [level.parent_column] if level.parent_column else []
        positions = [columns.index(c) for c in (*lead, *level.order, "id")]
        out: list[Keyed] = []
        for row in self.session.execute(statement):
            record: dict[str, Any] = {}
            for name, position, convert in fields:
                value = row[position]
                if value is not None:
                    record[name] = convert(value) if convert else value
            out.append((tuple(row[p] for p in positions), record))
        return out

    def section(self, level: Level) -> list[dict[str, Any]]:
        statement = self.roots(level)
        rows = self.records(level, statement)
        codes = self.codes.setdefault(level.table.name, {})
        codes.update((key[-1], record["code"]) for key, record in rows)
        rows.sort(key=lambda r: (r[1].get("site", ""), r[1]["code"]))
        self.children(level, rows, [level.table], statement)
        return [record for _, record in rows]

    def children(
        self,
        level: Level,
        parents: list[Keyed],
        chain: list[Table],
        roots: Select[Any],
    ) -> None:
        """Attach each child level's records to their parents, recursively."""
        by_id = {key[-1]: record for key, record in parents}
        for child in level.children:
            for record in by_id.values():
                record[child.field] = []
            statement = select(child.table)
            if self.site_ids is not None:  # only the children of the exported roots
                below = child.table
                for upper in reversed(chain):
                    column = next(
                        fk.parent for fk in below.foreign_keys if fk.column.table is upper
                    )
                    statement = statement.join(upper, column == upper.c.id)
                    below = upper
                root = chain[0]
                statement = statement.where(root.c.id.in_(roots.with_only_columns(root.c.id)))
            rows = self.records(child, statement)
            rows.sort(key=lambda r: r[0])
            for key, record in rows:
                by_id[key[0]][child.field].append(record)
            self.children(child, rows, [*chain, child.table], roots)


def _site_ids(session: Session, scope: Scope, codes: Sequence[str] | None) -> set[int] | None:
    if codes is None:
        return None if scope.site_ids is None else set(scope.site_ids)
    rows = session.execute(select(Site.code, Site.id).where(Site.code.in_(codes)))
    found = {code: ident for code, ident in rows}
    missing = [c for c in codes if c not in found or not scope.allows(found[c])]
    if missing:
        raise ValidationFailed.one(("site",), f"unknown site {', '.join(missing)}")
    return set(found.values())


def export_plant(
    session: Session,
    scope: Scope,
    site_codes: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The plant (every site in scope, or the named ones) as a plant-file document."""
    exporter = _Exporter(session, _site_ids(session, scope, site_codes))
    document: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
    for number, level in enumerate(SECTIONS, start=1):
        document[level.name] = exporter.section(level)
        if progress is not None:
            progress("exporting", number, len(SECTIONS))
    return document
