"""Validation of a whole plant file before anything is written.

Each record goes through its aggregate's create schema after its codes are replaced by
placeholder numbers (codes.py), so the schema's own rules run unchanged; the codes themselves
are resolved against the file and the database, and the values checked against the columns
(plantops.resources.columns). Every problem is collected with its section, 1-based row and
field; the caller writes nothing unless there are none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlalchemy import Integer, SmallInteger
from sqlalchemy.orm import Session

from plantops.access.scope import Scope
from plantops.errors import FieldError
from plantops.integration.codes import Codes, code_of
from plantops.integration.document import (
    BY_NAME,
    FORMAT,
    FORMAT_VERSION,
    SECTIONS,
    Level,
    Progress,
)
from plantops.integration.existing import Existing, Key
from plantops.integration.rules import Rules
from plantops.org.models import Site
from plantops.resources.columns import unstorable

Location = tuple[str | int, ...]
_LABELS = {section.table.name: section.spec.label for section in SECTIONS}
_DOC_NAMES = {r.column: n for lv in BY_NAME.values() for n, r in lv.references.items()}
_SITE = Site.__tablename__
_PLAIN, _REFERENCE, _CHILD, _TIME = range(4)


def _kinds(level: Level) -> dict[str, tuple[int, Any]]:
    """How `_map` treats each document field of the level."""
    kinds: dict[str, tuple[int, Any]] = {name: (_PLAIN, None) for name in level.fields}
    kinds |= {name: (_TIME, None) for name in level.times}
    kinds |= {name: (_REFERENCE, ref) for name, ref in level.references.items()}
    kinds |= {child.field: (_CHILD, child) for child in level.children}
    return kinds


def _columns(level: Level) -> list[tuple[str, Any, bool]]:
    """(column, type, holds any 32-bit int) of the level's own values (placeholders left out)."""
    out = []
    for name in level.fields:
        if name not in level.references:
            kind = level.table.c[name].type
            wide = isinstance(kind, Integer) and not isinstance(kind, SmallInteger)
            out.append((name, kind, wide))
    return out


_KINDS = {name: _kinds(level) for name, level in BY_NAME.items()}
_COLUMNS = {name: _columns(level) for name, level in BY_NAME.items()}


@dataclass
class Section:
    level: Level
    records: list[dict[str, Any]] = field(default_factory=list)  # columns; refs as placeholders
    keys: list[Key] = field(default_factory=list)  # each record's own key
    ids: list[int] = field(default_factory=list)  # each record's database id, once written


@dataclass
class Plan:
    """A valid plant file, ready to write."""

    sections: list[Section]
    keys: list[Key]  # placeholder number -> the key of the record it stands for
    ids: dict[Key, int]  # database ids: of existing records now, of new ones once written


def _plain(model: BaseModel, level: Level) -> dict[str, Any]:
    """The validated values by column, children as lists of such dicts (no model objects)."""
    values = model.__dict__
    for child in level.children:
        values[child.field] = [_plain(m, child) for m in values[child.field]]
    return values


def _doc_location(location: Location) -> Location:
    return tuple(_DOC_NAMES.get(p, p) if isinstance(p, str) else p for p in location)


class Validator:
    def __init__(self, session: Session, scope: Scope, progress: Progress | None) -> None:
        self.scope = scope
        self.progress = progress
        tables = {section.table.name: section.table for section in SECTIONS}
        existing = Existing(session, scope, tables, _SITE)
        self.codes = Codes(existing)
        self.rules = Rules(session, existing, self.codes.keys.__getitem__)
        self.errors: list[FieldError] = []
        self.section = ""
        self.row = 0

    def error(self, location: Location, message: str, *, whole: bool = False) -> None:
        """A problem in the current record, or with the `whole` section."""
        row = None if whole else self.row
        self.errors.append(FieldError(location, message, self.section, row))

    def run(self, document: Any) -> Plan:
        sections: list[Section] = []
        plan = Plan(sections, self.codes.keys, self.codes.ids)
        if not isinstance(document, dict):
            self.section = "document"
            message = "a plant file is a mapping of sections (regions, sites, items...)"
            self.error((), message, whole=True)
            return plan
        self._envelope(document)
        for level in SECTIONS:
            records = document.get(level.name)
            if records is None:
                continue
            self.section = level.name
            if not isinstance(records, list):
                self.error((), "a section is a list of records", whole=True)
                continue
            sections.append(self._section(level, records))
        self.section = ""
        self.errors.extend(self.rules.finish())
        return plan

    def _envelope(self, document: dict[str, Any]) -> None:
        known = {"format", "format_version", *(s.name for s in SECTIONS)}
        for name in document:
            if name not in known:
                self.section = str(name)
                expected = ", ".join(s.name for s in SECTIONS)
                message = f"unknown section; expected format, format_version, {expected}"
                self.error((), message, whole=True)
        self.section = "format"
        if document.get("format", FORMAT) != FORMAT:
            self.error((), f"not a plant file: format must be {FORMAT!r}", whole=True)
        if document.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
            message = f"this version reads format_version {FORMAT_VERSION}"
            self.error((), message, whole=True)

    def _section(self, level: Level, records: list[Any]) -> Section:
        section = Section(level)
        total = len(records)
        for row, raw in enumerate(records, start=1):
            if self.progress is not None and row % 5000 == 0:
                self.progress(f"checking {level.name}", row, total)
            self.row = row
            result = self._record(level, raw)
            if result is not None:
                section.records.append(result[0])
                section.keys.append(result[1])
        if self.progress is not None:
            self.progress(f"checking {level.name}", total, total)
        return section

    def _record(self, level: Level, raw: Any) -> tuple[dict[str, Any], Key] | None:
        if not isinstance(raw, dict):
            self.error((), "a record is a mapping of fields")
            return None
        site = code_of(raw.get("site")) if level.spec.site_owned else None
        known = site is not None and self.codes.resolves((_SITE, None, site))
        data = self._map(level, raw, site if known else None, ())
        key = self._define(level, raw, site)
        try:
            model = level.schema.model_validate(data)
        except PydanticError as error:
            for e in error.errors():
                message = str(e["msg"]).removeprefix("Value error, ")
                self.error(_doc_location(tuple(e["loc"])), message)
            return None
        except (OSError, ArithmeticError) as error:  # a schema rule that failed on this input
            self.error((), f"cannot be checked ({type(error).__name__}: {error})")
            return None
        record = _plain(model, level)
        if not self._storable(level, record, ()) or key is None:
            return None
        self.errors.extend(self.rules.record(level, key, record, self.row))
        return record, key

    def _map(
        self, level: Level, raw: dict[str, Any], site: str | None, at: Location
    ) -> dict[str, Any]:
        """The record with codes replaced by placeholders, for the create schema."""
        data: dict[str, Any] = {}
        kinds = _KINDS[level.name]
        detail: Any
        for name, value in raw.items():
            kind, detail = kinds.get(name, (None, None))
            if kind == _PLAIN:
                data[name] = value
            elif kind == _REFERENCE:
                data[detail.column] = self._reference(detail, site, value, (*at, name))
            elif kind == _CHILD and isinstance(value, list):
                data[name] = [
                    self._map(detail, v, site, (*at, name, i)) if isinstance(v, dict) else v
                    for i, v in enumerate(value)
                ]
            elif kind == _TIME and type(value) is int and 0 <= value < 86400:
                # YAML 1.1 reads an unquoted 14:00:00 as the number 50400
                data[name] = time(value // 3600, value // 60 % 60, value % 60)
            elif kind is not None:
                data[name] = value
            else:
                self.error((*at, name), "unknown field")
        return data

    def _reference(self, reference: Any, site: str | None, value: Any, at: Location) -> Any:
        if value is None:
            return None
        table, code = reference.target.name, code_of(value)
        if code is None:
            self.error(at, "expected a code")
            return self.codes.nothing(table)
        owner = site if reference.site_owned else None
        key = (table, owner, code)
        if reference.site_owned and site is None:
            return self.codes.number(key)  # the record's site is missing or unknown: said there
        if not self.codes.resolves(key):
            where = f" at site {site!r}" if owner else ""
            self.error(at, f"{_LABELS[table]} {code!r} does not exist{where}")
        return self.codes.number(key)

    def _storable(self, level: Level, record: dict[str, Any], at: Location) -> bool:
        """Values the columns can hold as given (resources.columns), children included."""
        ok = True
        for column, kind, wide in _COLUMNS[level.name]:
            value = record[column]
            if value is None or isinstance(value, float | Enum):
                continue
            if wide and type(value) is int and -(2**31) <= value < 2**31:
                continue
            message = unstorable(kind, value)
            if message is not None:
                self.error((*at, column), message)
                ok = False
        for child in level.children:
            for index, row in enumerate(record[child.field]):
                ok = self._storable(child, row, (*at, child.field, index)) and ok
        return ok

    def _define(self, level: Level, raw: dict[str, Any], site: str | None) -> Key | None:
        """Register the record's own code; report a twin in the file or in the database."""
        code = code_of(raw.get("code"))
        if code is None or (level.spec.site_owned and site is None):
            return None  # the schema reports the missing code or site
        label, key = level.spec.label, (level.table.name, site, code)
        where = f" at site {site!r}" if site else ""
        if not level.spec.site_owned and self.scope.site_ids is not None:
            self.error(("code",), f"creating a {label} needs access to every site")
        defined = self.codes.defined
        if key in defined:
            self.error(("code",), f"{label} {code!r}{where} appears twice (row {defined[key]})")
            return None
        defined[key] = self.row
        if self.codes.in_database(key):
            self.error(
                ("code",), f"{label} {code!r} already exists{where}: import never overwrites"
            )
            return None
        return key


def validate(
    session: Session, scope: Scope, document: Any, progress: Progress | None = None
) -> tuple[Plan, list[FieldError]]:
    validator = Validator(session, scope, progress)
    plan = validator.run(document)
    return plan, validator.errors
