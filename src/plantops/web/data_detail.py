"""A record in a dialog: its fields as a form, the rows it owns as grids, saved as one change
(create or update through the record service). Each problem is shown at its field or cell."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action
from plantops.errors import FieldError, NotFound, StaleVersion, ValidationFailed
from plantops.resources.fields import Schema
from plantops.resources.service import create_record, snapshot, update_record
from plantops.resources.spec import ResourceSpec
from plantops.web.data_cells import attempt, cleared, field_errors, located, messages_at
from plantops.web.data_children import ChildEditor, keyed, mark, plain
from plantops.web.data_tables import Column, may_change, record_columns
from plantops.web.history import history_panel
from plantops.web.shell import Visitor

Saved = Callable[[dict[str, Any]], None]
Fresh = Callable[[], dict[str, Any] | None]  # the record as stored now (None: deleted)


def _input(column: Column, value: Any, refs: dict[str, dict[str, str]], editable: bool) -> Any:
    element: ui.select | ui.input
    label = column.label + ("" if column.required else " (optional)")
    if column.kind in ("enum", "ref"):
        options = (
            refs.get(column.target or "", {}) if column.kind == "ref" else column.choice_labels
        )
        shown = None if value is None else str(value)
        element = ui.select(options, label=label, value=shown, with_input=column.kind == "ref")
        element.props("clearable" if not column.required else "")
    else:
        element = ui.input(label, value="" if value is None else str(value))
        if column.kind == "date":
            element.props("type=date stack-label")
    element.props("outlined dense" + ("" if editable else " readonly"))
    return element.classes("w-60").props(f'data-testid="field-{column.name}"')


class RecordDialog:
    def __init__(
        self,
        who: Visitor,
        spec: ResourceSpec,
        record: dict[str, Any] | None,
        refs: dict[str, dict[str, str]],
        saved: Saved,
        reason: Callable[[], str | None],
        fresh: Fresh | None = None,
    ) -> None:
        self.who, self.spec, self.record, self.saved, self.reason = who, spec, record, saved, reason
        self.fresh = fresh
        action = Action.update if record else Action.create
        self.editable = may_change(who.caller, spec, action)
        self.inputs: dict[str, Any] = {}
        self.children: dict[str, tuple[ChildEditor, list[dict[str, Any]]]] = {}
        with ui.dialog() as self.dialog, ui.card().classes("w-[76rem] max-w-full"):
            title = f"{spec.label} {record['code']}" if record else f"New {spec.label}"
            ui.label(title).classes("text-xl font-semibold text-primary")
            self._form(refs)
            for child in spec.children:
                rows = keyed((record or {}).get(child.field) or [], child)
                self.children[child.field] = (ChildEditor(child, rows, refs, self.editable), rows)
            self.problem = (
                ui.column().classes("text-negative gap-0").props('data-testid="record-problem"')
            )
            with ui.row().classes("justify-end w-full"):
                ui.button("Close", on_click=self.dialog.close).props("flat no-caps")
                if self.editable:
                    ui.button("Save", icon="save", on_click=self._save).props(
                        'no-caps data-testid="record-save"'
                    )
        self.dialog.open()

    def _form(self, refs: dict[str, dict[str, str]]) -> None:
        with ui.row().classes("gap-3 w-full"):
            if self.record is None and self.who.site is None:
                sites = {str(s.id): s.code for s in self.who.sites}
                self.inputs["site_id"] = (
                    ui.select(sites, label="Site").props("outlined dense").classes("w-60")
                )
            for column in record_columns(self.spec):
                value = (self.record or {}).get(column.name)
                self.inputs[column.name] = _input(column, value, refs, self.editable)

    def _values(self) -> dict[str, Any]:
        values = {name: cleared(element.value) for name, element in self.inputs.items()}
        for field, (_, rows) in self.children.items():
            child = next(c for c in self.spec.children if c.field == field)
            values[field] = plain(rows, child)
        return values

    def _original(self, name: str) -> Any:
        """A stored value as the form holds it, so unchanged fields are left out of a patch."""
        value = (self.record or {}).get(name)
        child = next((c for c in self.spec.children if c.field == name), None)
        if child is not None:
            return plain(keyed(value or [], child), child)
        return None if value is None else str(value)

    def _save(self) -> None:
        values, spec, record, reason = self._values(), self.spec, self.record, self.reason()
        if record is None:
            if self.who.site is not None:
                values["site_id"] = self.who.site.id
            values = {k: v for k, v in values.items() if v is not None}  # defaults apply
        else:
            values = {k: v for k, v in values.items() if v != self._original(k)}

        def save(session: Session, caller: Caller) -> dict[str, Any]:
            try:
                data = (spec.create if record is None else spec.patch).model_validate(values)
            except PydanticError as error:
                raise ValidationFailed.from_pydantic(spec.label, error) from None
            if record is None:
                assert isinstance(data, Schema)  # the create schema is one
                return snapshot(spec, create_record(session, spec, caller, data))
            ident, version = record["id"], record["version"]
            changed = update_record(session, spec, caller, ident, version, data, reason)
            return snapshot(spec, changed)

        result, error = attempt(self.who, save)
        if result is not None:
            self.saved(result)
            self.dialog.close()
            ui.notify(f"Saved {spec.label} {result['code']}", type="positive")
        elif isinstance(error, StaleVersion | NotFound):
            self._show([FieldError((), self._lost_race())])
        elif error is not None:
            self._show(field_errors(error))

    def _lost_race(self) -> str:
        """Someone else changed (or deleted) the record since the form was opened: the grid
        is brought up to date, so that opening the record again starts from their version."""
        named = f"{self.spec.label} {(self.record or {}).get('code')}"
        if self.fresh is not None and self.fresh() is None:
            return f"{named} was deleted by someone else since you opened it."
        return (
            f"someone else changed {named} since you opened it. Close this form and open the "
            "record again to make your change on their version."
        )

    def _show(self, errors: list[FieldError]) -> None:
        at_fields = messages_at(errors)
        for name, element in self.inputs.items():
            element.error = at_fields.get(name)
        for field, (editor, rows) in self.children.items():
            mark(rows, editor.child, errors, (field,))
            editor.refresh()
        self.problem.clear()
        with self.problem:
            ui.label("Not saved:").classes("font-medium")
            for error in errors[:20]:
                ui.label(located(error))


def open_history(who: Visitor, spec: ResourceSpec, record: dict[str, Any]) -> None:
    with ui.dialog() as dialog, ui.card().classes("w-[60rem] max-w-full"):
        ui.label(f"History of {spec.label} {record['code']}").classes("text-xl font-semibold")
        history_panel(who, spec.name, int(record["id"]))
        ui.button("Close", on_click=dialog.close).props("flat no-caps")
    dialog.open()
