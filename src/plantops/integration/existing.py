"""Records already in the database that a plant file refers to or collides with: loaded once
per table and site, as the validation first needs them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from plantops.access.scope import Scope

Key = tuple[str, str | None, str]  # (table, site code or None for global tables, code)


class Existing:
    def __init__(self, session: Session, scope: Scope, tables: dict[str, Table], site: str):
        self.session = session
        self.scope = scope
        self.site_table = tables[site]
        self._tables = tables
        self._codes: dict[tuple[str, str | None], dict[str, int]] = {}
        self._values: dict[tuple[str, str, str], dict[str, Any]] = {}

    def site_id(self, code: str) -> int | None:
        """A site in the caller's scope; the others are answered as missing (no leak)."""
        return self.codes(self.site_table, None).get(code)

    def codes(self, table: Table, site: str | None) -> dict[str, int]:
        """code -> id of the table's records (at the site, for site-owned tables)."""
        cached = self._codes.get((table.name, site))
        if cached is not None:
            return cached
        statement = select(table.c.code, table.c.id)
        site_id = None if site is None else self.site_id(site)
        if site is not None and site_id is None:
            found: dict[str, int] = {}  # a new site: nothing there yet
        else:
            if site_id is not None:
                statement = statement.where(table.c.site_id == site_id)
            found = {code: ident for code, ident in self.session.execute(statement)}
            if table is self.site_table and self.scope.site_ids is not None:
                found = {c: i for c, i in found.items() if i in self.scope.site_ids}
        self._codes[(table.name, site)] = found
        return found

    def id_of(self, key: Key) -> int | None:
        table, site, code = key
        return self.codes(self._tables[table], site).get(code)

    def values(self, table: Table, site: str, column: str) -> dict[str, Any]:
        """code -> one column's value for the table's records at the site."""
        cached = self._values.get((table.name, site, column))
        if cached is not None:
            return cached
        site_id = self.site_id(site)
        found: dict[str, Any] = {}
        if site_id is not None:
            statement = select(table.c.code, table.c[column]).where(table.c.site_id == site_id)
            found = {code: value for code, value in self.session.execute(statement)}
        self._values[(table.name, site, column)] = found
        return found
