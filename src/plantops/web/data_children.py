"""The rows a record owns (BOM lines, routing operations and their alternative work centers,
shifts, skills of an employee...), edited in a grid inside the record's dialog and saved with
the record as a whole. A problem with a child row is shown at its cell: errors are located
("lines", 2, "quantity_per")."""

from __future__ import annotations

import copy
from itertools import count
from typing import Any

from nicegui import events, ui

from plantops.errors import FieldError
from plantops.resources.spec import ChildSpec
from plantops.web.data_cells import (
    EDITED,
    SELECTED,
    cleared,
    column_def,
    error_marks,
    grid_options,
    messages_at,
)
from plantops.web.data_tables import child_columns, label

_keys = count(1)
Location = tuple[str | int, ...]


def keyed(rows: list[dict[str, Any]], child: ChildSpec) -> list[dict[str, Any]]:
    """A copy of the rows, each with a key for the grid (nested rows too)."""
    found = []
    for row in copy.deepcopy(rows):
        for grandchild in child.children:
            row[grandchild.field] = keyed(row.get(grandchild.field) or [], grandchild)
        found.append(row | {"_key": str(next(_keys)), "_errors": None})
    return found


def plain(rows: list[dict[str, Any]], child: ChildSpec) -> list[dict[str, Any]]:
    """The rows as the schema takes them: no grid keys, no counts, no empty values."""
    found = []
    for row in rows:
        clean = {
            k: cleared(v)
            for k, v in row.items()
            if not k.startswith("_") and k not in {c.field for c in child.children}
        }
        clean = {k: v for k, v in clean.items() if v is not None}
        for grandchild in child.children:
            clean[grandchild.field] = plain(row.get(grandchild.field) or [], grandchild)
        found.append(clean)
    return found


def mark(
    rows: list[dict[str, Any]], child: ChildSpec, errors: list[FieldError], at: Location
) -> bool:
    """Put each error on its row's cell; True when any row has one."""
    any_found = False
    for index, row in enumerate(rows):
        messages = messages_at(errors, (*at, index))
        for grandchild in child.children:
            nested = row.get(grandchild.field) or []
            if mark(nested, grandchild, errors, (*at, index, grandchild.field)):
                messages[f"_n_{grandchild.field}"] = f"A problem in its {label(grandchild.field)}"
            messages.pop(grandchild.field, None)
        row["_errors"] = messages or None
        any_found = any_found or bool(messages)
    return any_found


class ChildEditor:
    """A grid of one kind of child row; for rows with children of their own (operations and
    their alternatives), a second grid shows those of the selected row."""

    def __init__(
        self,
        child: ChildSpec,
        rows: list[dict[str, Any]],
        refs: dict[str, dict[str, str]],
        editable: bool,
        title: str | None = None,
    ) -> None:
        self.child, self.rows, self.refs, self.editable = child, rows, refs, editable
        self.selected: str | None = None
        with ui.column().classes("w-full gap-1"):
            with ui.row().classes("items-center gap-2"):
                ui.label(title or label(self.child.field)).classes("font-medium")
                if editable:
                    ui.button("Add row", icon="add", on_click=self._add).props(
                        f'dense flat no-caps data-testid="child-add-{child.field}"'
                    )
                    ui.button("Remove row", icon="remove", on_click=self._remove).props(
                        "dense flat no-caps color=negative"
                    )
            options = grid_options(self._columns(), self.rows)
            options["defaultColDef"]["sortable"] = False  # rows keep their order: errors name it
            self.grid = (
                ui.aggrid(options)
                .classes("w-full h-52")
                .props(f'data-testid="child-{child.field}"')
            )
            self.grid.on("cellValueChanged", self._changed, EDITED)
            self.grid.on("cellClicked", self._selected, SELECTED)
            self.nested = ui.column().classes("w-full")

    def _columns(self) -> list[dict[str, Any]]:
        defs = [{"headerName": "#", ":valueGetter": "p => p.node.rowIndex + 1", "maxWidth": 70}]
        defs += [column_def(c, self.refs, self.editable) for c in child_columns(self.child)]
        for grandchild in self.child.children:
            field = grandchild.field
            defs.append(
                column_def_count(field) | {":valueGetter": f"p => (p.data.{field} || []).length"}
            )
        return defs

    def _row(self, key: str | None) -> dict[str, Any] | None:
        return next((r for r in self.rows if r["_key"] == key), None)

    def _changed(self, event: events.GenericEventArguments) -> None:
        row = self._row(str(event.args.get("rowId")))
        if row is not None:
            row[str(event.args.get("colId"))] = cleared(event.args.get("newValue"))

    def _selected(self, event: events.GenericEventArguments) -> None:
        key = event.args.get("rowId")  # a click selects its row (singleRow)
        if key != self.selected:
            self.selected = key
            self._show_nested()

    def _show_nested(self) -> None:
        if not self.child.children:
            return
        self.nested.clear()
        row = self._row(self.selected)
        with self.nested:
            if row is None:
                ui.label(f"Select a row to see its {label(self.child.children[0].field)}.").classes(
                    "text-sm text-grey-7"
                )
                return
            number = self.rows.index(row) + 1
            for grandchild in self.child.children:
                rows = row.setdefault(grandchild.field, [])
                title = (
                    f"{label(grandchild.field)} of {label(self.child.field).lower()} row {number}"
                )
                ChildEditor(grandchild, rows, self.refs, self.editable, title)

    def _add(self) -> None:
        row: dict[str, Any] = {"_key": str(next(_keys)), "_errors": None}
        row |= {g.field: [] for g in self.child.children}
        self.rows.append(row)
        self.refresh()

    def _remove(self) -> None:
        row = self._row(self.selected)
        if row is None:
            ui.notify("Select a row first", type="info")
            return
        self.rows.remove(row)
        self.selected = None
        self.refresh()
        self._show_nested()

    def refresh(self) -> None:
        """Show the rows as they are now (added, removed, marked)."""
        # a new options dict: the element sends props that were set, not ones changed inside
        self.grid.options = {**self.grid.options, "rowData": self.rows}
        self.grid.update()
        self._show_nested()


def column_def_count(field: str) -> dict[str, Any]:
    """How many rows of its own a child row has; marked when one of them has a problem."""
    name = f"_n_{field}"
    return {"field": name, "headerName": label(field), "editable": False} | error_marks(name)
