"""One master data table as an editable AG Grid: each edited cell is saved through the record
service at once (optimistic version, audit trail). A refused value is not left in its cell to
look saved: the cell goes back to the stored value, marked, and every problem of the save is
said above the grid in plain words, until the next edit; nothing is written."""

from __future__ import annotations

from functools import partial
from typing import Any

from nicegui import events, ui
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action
from plantops.catalog import PARENTS
from plantops.errors import FieldError, NotFound, StaleVersion, ValidationFailed
from plantops.resources.service import delete_record, get_record, snapshot, update_record
from plantops.resources.spec import ResourceSpec
from plantops.web.data_cells import (
    EDITED,
    SELECTED,
    attempt,
    cleared,
    column_def,
    field_errors,
    grid_options,
    located,
    messages_at,
)
from plantops.web.data_detail import RecordDialog, open_history
from plantops.web.data_tables import MOST_ROWS, choices, label, may_change, record_columns, rows
from plantops.web.shell import Visitor, read


def grid_row(spec: ResourceSpec, record: dict[str, Any]) -> dict[str, Any]:
    """The record's scalars, and how many child rows it has (those are edited in its dialog)."""
    row = {k: v for k, v in record.items() if k not in spec.child_fields}
    row |= {f"_n_{field}": len(record.get(field) or []) for field in spec.child_fields}
    return row | {"_key": str(record["id"]), "_errors": None}


class MasterGrid:
    """The grid of one table at the visitor's site (or all of their sites)."""

    def __init__(self, who: Visitor, spec: ResourceSpec, reason: ui.input) -> None:
        self.who, self.spec, self.reason = who, spec, reason
        self.site_id = who.site.id if who.site else None
        self.records: dict[str, dict[str, Any]] = {}  # key -> the record as last read
        self.selected: str | None = None
        self.marked: set[str] = set()  # keys of rows showing a refused change
        snaps, total, self.refs = read(who, self._load)
        self.records = {str(s["id"]): s for s in snaps}
        self.rows = [grid_row(spec, s) for s in snaps]
        self._toolbar()
        if total > len(snaps):
            ui.label(f"Showing the first {MOST_ROWS} of {total}: filter by site to see all.")
        self.problem = (
            ui.label().classes("text-negative font-medium").props('data-testid="data-problem"')
        )
        self.problem.set_visibility(False)
        self.grid = (
            ui.aggrid(grid_options(self._columns(), self.rows))
            .classes("w-full h-[62vh]")
            .props('data-testid="data-grid"')
        )
        self.grid.on("cellValueChanged", self._changed, EDITED)
        self.grid.on("cellClicked", self._selected, SELECTED)

    def _load(self, session: Session, caller: Caller) -> tuple[list[Any], int, dict[str, Any]]:
        records, total = rows(session, self.spec, caller, self.site_id)
        site_codes = {s.id: s.code for s in self.who.sites}
        refs = choices(session, self.spec, caller, self.site_id, site_codes)
        refs["sites"] = {str(s.id): s.code for s in self.who.sites}
        return [snapshot(self.spec, r) for r in records], total, refs

    def _columns(self) -> list[dict[str, Any]]:
        editable = may_change(self.who.caller, self.spec)
        found = []
        if self.site_id is None:
            found.append({"field": "site_id", "headerName": "Site", "refData": self.refs["sites"]})
        for column in record_columns(self.spec):
            found.append(column_def(column, self.refs, editable))
            if column.name == "code":
                found[-1] |= {"pinned": "left"}
        for field in self.spec.child_fields:
            found.append(
                {"field": f"_n_{field}", "headerName": label(field), "type": "rightAligned"}
            )
        found.append(
            {"field": "version", "headerName": "Version", "maxWidth": 110, "type": "rightAligned"}
        )
        return found

    def _toolbar(self) -> None:
        caller = self.who.caller
        with ui.row().classes("items-center gap-2 w-full"):
            ui.input(placeholder="Filter rows", on_change=lambda e: self._filter(e.value)).props(
                'dense outlined clearable aria-label="Filter rows"'
            ).classes("w-56")
            ui.space()
            if may_change(caller, self.spec, Action.create):
                ui.button("Add", icon="add", on_click=self._add).props(
                    'no-caps data-testid="data-add"'
                )
            ui.button("Open", icon="open_in_new", on_click=lambda: self._open(self.selected)).props(
                'outline no-caps data-testid="data-open"'
            )
            ui.button("History", icon="history", on_click=self._history).props(
                'outline no-caps data-testid="data-history"'
            )
            if may_change(caller, self.spec, Action.delete):
                ui.button("Delete", icon="delete", on_click=self._confirm_delete).props(
                    'outline no-caps color=negative data-testid="data-delete"'
                )

    def _filter(self, text: str | None) -> None:
        self.grid.run_grid_method("setGridOption", "quickFilterText", text or "")

    def _selected(self, event: events.GenericEventArguments) -> None:
        self.selected = event.args.get("rowId")  # a click selects its row (singleRow)

    def _say(self, text: str | None) -> None:
        self.problem.set_text(text or "")
        self.problem.set_visibility(bool(text))

    def _reason(self) -> str | None:
        return (self.reason.value or "").strip() or None

    def _push(self, row: dict[str, Any], *, add: bool = False) -> None:
        kind = "add" if add else "update"
        self.grid.run_grid_method("applyTransaction", {kind: [row]})

    def _put(self, record: dict[str, Any]) -> None:
        """Show the record as the service returned it (a save, a reload, a new record)."""
        key = str(record["id"])
        new = key not in self.records
        self.records[key] = record
        row = grid_row(self.spec, record)
        at = next((i for i, r in enumerate(self.rows) if r["_key"] == key), None)
        if at is None:
            self.rows.append(row)
        else:
            self.rows[at] = row
        self._push(row, add=new)

    def _changed(self, event: events.GenericEventArguments) -> None:
        key, field = str(event.args.get("rowId")), str(event.args.get("colId"))
        record, value = self.records.get(key), cleared(event.args.get("newValue"))
        if record is None:
            return
        self._unmark()
        spec, reason = self.spec, self._reason()

        def save(session: Session, caller: Caller) -> dict[str, Any]:
            try:
                patch = spec.patch.model_validate({field: value})
            except PydanticError as error:
                raise ValidationFailed.from_pydantic(spec.label, error) from None
            ident, version = record["id"], record["version"]
            changed = update_record(session, spec, caller, ident, version, patch, reason)
            return snapshot(spec, changed)

        saved, error = attempt(self.who, save)
        if saved is not None:
            self._put(saved)
            self._say(None)
            ui.notify(f"Saved {spec.label} {saved['code']}: {label(field)}", type="positive")
        elif isinstance(error, StaleVersion | NotFound):
            self._reload(key)
        elif error is not None:
            self._refuse(key, field, value, field_errors(error, field))

    def _refuse(self, key: str, field: str, value: Any, errors: list[FieldError]) -> None:
        """The cell shows the stored value again (a refused one left there would look saved),
        marked with the problem; every problem of the save is said above the grid."""
        row = grid_row(self.spec, self.records[key])
        row["_errors"] = messages_at(errors) or {field: errors[0].message}
        at = next(i for i, r in enumerate(self.rows) if r["_key"] == key)
        self.rows[at] = row
        self._push(row)
        self.marked.add(key)
        said = "; ".join(dict.fromkeys(located(e) for e in errors))
        typed = "an empty value" if value is None else f'"{value}"'
        self._say(f"Not saved: {self.spec.label} {row.get('code')}, {typed} refused: {said}")

    def _unmark(self) -> None:
        """A new edit: the marks of the last refused one go (its message is replaced)."""
        for key in self.marked:
            row = next((r for r in self.rows if r["_key"] == key), None)
            if row is not None and row["_errors"]:
                row["_errors"] = None
                self._push(row)
        self.marked.clear()

    def _drop(self, key: str) -> None:
        self.records.pop(key, None)
        self.rows[:] = [r for r in self.rows if r["_key"] != key]
        self.grid.run_grid_method("applyTransaction", {"remove": [{"_key": key}]})

    def _fresh(self, key: str) -> dict[str, Any] | None:
        """The record as stored now, put in its row (None, and the row gone: deleted), so that
        the next change, in the grid or in its dialog, starts from the version that won."""
        spec, ident = self.spec, int(key)
        try:
            record = read(self.who, lambda s, c: snapshot(spec, get_record(s, spec, c, ident)))
        except NotFound:
            self._drop(key)
            return None
        self._put(record)
        return record

    def _reload(self, key: str, undone: str = "Not saved") -> None:
        """Someone else changed or deleted the record: show theirs, say so (in the record's
        words: its id and version numbers mean nothing to the person)."""
        named = f"{self.spec.label} {self.records.get(key, {}).get('code', key)}"
        if self._fresh(key) is None:
            self._say(f"{undone}: {named} was deleted by someone else.")
            return
        self._say(
            f"{undone}: someone else changed {named} since you opened it. "
            "Its row shows their version now; make your change again."
        )

    def _add(self) -> None:
        RecordDialog(self.who, self.spec, None, self.refs, self._put, self._reason)

    def _open(self, key: str | None) -> None:
        record = self.records.get(str(key)) if key else None
        if record is None:
            ui.notify("Select a row first", type="info")
            return
        fresh = partial(self._fresh, str(record["id"]))  # a stale save brings the row up to date
        RecordDialog(self.who, self.spec, record, self.refs, self._put, self._reason, fresh)

    def _history(self) -> None:
        record = self.records.get(self.selected or "")
        if record is None:
            ui.notify("Select a row first", type="info")
            return
        open_history(self.who, self.spec, record)

    def _confirm_delete(self) -> None:
        record = self.records.get(self.selected or "")
        if record is None:
            ui.notify("Select a row first", type="info")
            return
        with ui.dialog() as dialog, ui.card():
            ui.label(f"Delete {self.spec.label} {record['code']}?").classes("text-lg")
            ui.label("It is removed for everyone; the audit trail keeps what it was.")
            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
                ui.button("Delete", on_click=lambda: self._delete(dialog, record)).props(
                    'no-caps color=negative data-testid="data-confirm-delete"'
                )
        dialog.open()

    def _delete(self, dialog: ui.dialog, record: dict[str, Any]) -> None:
        spec, reason, key = self.spec, self._reason(), str(record["id"])

        def remove(session: Session, caller: Caller) -> bool:
            ident, version = record["id"], record["version"]
            delete_record(session, spec, caller, ident, version, PARENTS, reason)
            return True

        done, error = attempt(self.who, remove)
        dialog.close()
        if isinstance(error, StaleVersion | NotFound):
            self._reload(key, "Not deleted")
        elif error is not None:
            self._say(f"Not deleted: {error.detail}")
        elif done:
            self._drop(key)
            self.selected = None
            self._say(None)
            ui.notify(f"Deleted {spec.label} {record['code']}", type="positive")
