"""The plant file as flat tables (CSV files, XLSX sheets) and back.

One table per aggregate and per child level, named by its path: `boms`, `boms.lines`,
`routings.operations.alternatives`. A child row starts with its parent's key columns (`site`,
the root's code under the root's singular name, e.g. `bom`, then the keys of any child level in
between, e.g. `sequence`), so every row can be read on its own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from plantops.errors import FieldError
from plantops.integration.document import BY_NAME, SECTIONS, Level

Path = tuple[str | int, ...]  # (section, index, child field, index, ...) in the document


@dataclass(frozen=True)
class Layout:
    level: Level
    parent_columns: tuple[str, ...]  # the parent's key, first in every row

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.parent_columns, *self.level.fields)


def _parent_columns(chain: list[Level]) -> tuple[str, ...]:
    """Key columns of the ancestors of the last level of `chain`, named without collisions."""
    own = set(chain[-1].fields)
    names: list[str] = []
    for ancestor in chain[:-1]:
        key = ancestor.key
        if ancestor.parent_column is None:  # the root is named by its code
            key = tuple(ancestor.table.name if k == "code" else k for k in key)
        for name in key:
            taken = name in own or name in names
            names.append(f"{ancestor.table.name}_{name}" if taken else name)
    return tuple(names)


def _layouts() -> dict[str, Layout]:
    layouts: dict[str, Layout] = {}

    def visit(chain: list[Level]) -> None:
        layouts[chain[-1].name] = Layout(chain[-1], _parent_columns(chain))
        for child in chain[-1].children:
            visit([*chain, child])

    for section in SECTIONS:
        visit([section])
    return layouts


LAYOUTS: dict[str, Layout] = _layouts()


@dataclass
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[list[Any]] = field(default_factory=list)


def _own_key(level: Level, record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record.get(k) for k in level.key)


def flatten(document: dict[str, Any]) -> list[Table]:
    """Every table of the layout, in catalog order, rows in document order."""
    tables = {name: Table(name, layout.columns) for name, layout in LAYOUTS.items()}

    def emit(level: Level, records: list[dict[str, Any]], parent_key: tuple[Any, ...]) -> None:
        rows = tables[level.name].rows
        for record in records:
            rows.append([*parent_key, *(record.get(f) for f in level.fields)])
            key = (*parent_key, *_own_key(level, record))
            for child in level.children:
                emit(child, record.get(child.field) or [], key)

    for section in SECTIONS:
        emit(section, document.get(section.name) or [], ())
    return list(tables.values())


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file: the header and the data rows with their 1-based numbers."""

    name: str  # table name, e.g. "boms.lines"
    source: str  # file or sheet name, for error messages
    header: list[Any]
    rows: Iterable[tuple[int, Sequence[Any]]]


@dataclass
class Unflattened:
    document: dict[str, Any]
    origins: dict[Path, tuple[str, int]]  # where each record came from
    problems: list[FieldError]

    def locate(self, errors: list[FieldError]) -> list[FieldError]:
        """Turn section/index locations into file/row/column ones."""
        return [self._locate(e) for e in errors]

    def _locate(self, error: FieldError) -> FieldError:
        if error.source not in BY_NAME or error.row is None:
            return error
        path: Path = (error.source, error.row - 1, *error.location)
        for cut in range(len(path), 1, -1):
            origin = self.origins.get(path[:cut])
            if origin is not None:
                return FieldError(tuple(path[cut:]), error.message, origin[0], origin[1])
        return error


def _norm(value: Any) -> str:
    """Key cells compare as text: 10, 10.0 and "10" name the same operation."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Reader:
    def __init__(self) -> None:
        self.result = Unflattened({}, {}, [])
        # per level: parent key (as text) -> (record, its path in the document)
        self.index: dict[str, dict[tuple[str, ...], tuple[dict[str, Any], Path]]] = {}

    def problem(self, source: str, row: int | None, column: str | None, message: str) -> None:
        location = (column,) if column else ()
        self.result.problems.append(FieldError(location, message, source, row))

    def header(self, table: RawTable, layout: Layout) -> list[str] | None:
        before = len(self.result.problems)
        names = [_norm(h) if not _empty(h) else "" for h in table.header]
        while names and not names[-1]:  # spreadsheets pad rows with empty cells
            names.pop()
        allowed = set(layout.columns)
        for position, name in enumerate(names, start=1):
            if name not in allowed:
                shown = name or f"(empty header in column {position})"
                expected = ", ".join(layout.columns)
                self.problem(table.source, None, shown, f"unknown column; expected {expected}")
            elif names.index(name) != position - 1:
                self.problem(table.source, None, name, "column appears twice")
        missing = [c for c in layout.parent_columns if c not in names]
        for column in missing:
            self.problem(table.source, None, column, "missing column: it names the parent row")
        return names if len(self.result.problems) == before else None

    def read(self, table: RawTable) -> None:
        layout = LAYOUTS[table.name]
        names = self.header(table, layout)
        if names is None:
            return
        width = len(names)
        parents = set(layout.parent_columns)
        for number, cells in table.rows:
            if all(_empty(c) for c in cells):
                continue
            if any(not _empty(c) for c in cells[width:]):
                self.problem(table.source, number, None, f"more cells than the {width} columns")
            values = dict(zip(names, cells, strict=False))
            record = {k: v for k, v in values.items() if k not in parents and not _empty(v)}
            parent_key = tuple(_norm(values.get(c)) for c in layout.parent_columns)
            self.add(table, layout, number, record, parent_key)

    def add(
        self,
        table: RawTable,
        layout: Layout,
        number: int,
        record: dict[str, Any],
        parent_key: tuple[str, ...],
    ) -> None:
        level = layout.level
        if level.parent_column is None:
            records = self.result.document.setdefault(level.name, [])
            path: Path = (level.name, len(records))
        else:
            parent = self.index.get(level.name.rpartition(".")[0], {}).get(parent_key)
            if parent is None:
                pairs = zip(layout.parent_columns, parent_key, strict=True)
                where = ", ".join(f"{c} {v!r}" for c, v in pairs)
                message = f"no row of {level.name.rpartition('.')[0]} has {where}"
                self.problem(table.source, number, layout.parent_columns[-1], message)
                return
            records = parent[0].setdefault(level.field, [])
            path = (*parent[1], level.field, len(records))
        records.append(record)
        self.result.origins[path] = (table.source, number)
        if level.children:
            key = (*parent_key, *(_norm(record.get(k)) for k in level.key))
            self.index.setdefault(level.name, {}).setdefault(key, (record, path))


def unflatten(tables: Iterable[RawTable]) -> Unflattened:
    """Nest the rows of the tables back into plant-file records; parents before children."""
    reader = _Reader()
    by_name: dict[str, RawTable] = {}
    for table in tables:
        if table.name not in LAYOUTS:
            known = ", ".join(LAYOUTS)
            reader.problem(table.source, None, None, f"unknown table; expected one of {known}")
        elif table.name in by_name:
            reader.problem(table.source, None, None, f"table {table.name} appears twice")
        else:
            by_name[table.name] = table
    for name in LAYOUTS:
        if name in by_name:
            reader.read(by_name[name])
    return reader.result
