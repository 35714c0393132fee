"""AG Grid columns for master data fields, and how a refused change is shown at its cell.

A row carries its problems in `_errors` (field -> message): the cell of each such field is
marked (class `plantops-cell-error`) and says the message on hover, and the page says it in
words too. Nothing else marks a cell, so the mark means "this value was not saved"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import DomainError, FieldError, Unauthenticated, ValidationFailed
from plantops.storage.engine import unit_of_work
from plantops.web.data_tables import Column
from plantops.web.nice import sessions
from plantops.web.shell import Visitor, current

T = TypeVar("T")
ERROR_CLASS = "plantops-cell-error"
# what the server needs of a grid event (all of it would include objects that are no JSON)
EDITED = ["rowId", "colId", "newValue"]
SELECTED = ["rowId"]
STYLE = f"""
.{ERROR_CLASS} {{ background: #fde7e9 !important; box-shadow: inset 0 0 0 2px #b3261e; }}
"""


def error_marks(name: str) -> dict[str, Any]:
    """A column's cells are marked, and say why on hover, when their row has an error there."""
    return {
        "cellClassRules": {ERROR_CLASS: f"data._errors != null && data._errors['{name}'] != null"},
        ":tooltipValueGetter": f"p => (p.data && p.data._errors && p.data._errors['{name}'])"
        " || undefined",
    }


def column_def(column: Column, refs: dict[str, dict[str, str]], editable: bool) -> dict[str, Any]:
    name = column.name
    # the field's own name as header: the same in messages, the API and plant files
    found: dict[str, Any] = {"field": name, "headerName": name, "editable": editable}
    found |= error_marks(name)
    blank = [] if column.required else [None]
    if column.kind == "ref":
        codes = refs.get(column.target or "", {})
        found |= {
            "refData": codes,
            "cellDataType": False,
            "cellEditor": "agSelectCellEditor",
            "cellEditorParams": {"values": blank + list(codes)},
        }
    elif column.kind == "enum":
        found |= {
            "cellDataType": False,
            "cellEditor": "agSelectCellEditor",
            "cellEditorParams": {"values": blank + list(column.choices)},
        }
    elif column.kind == "number":
        found |= {"cellDataType": "number", "type": "rightAligned"}
    elif column.kind == "date":
        found |= {"cellDataType": "dateString"}
    else:
        found |= {"cellDataType": "text"}
    return found


def grid_options(column_defs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "columnDefs": column_defs,
        "rowData": rows,
        "defaultColDef": {"sortable": True, "filter": True, "resizable": True, "minWidth": 110},
        ":getRowId": "p => String(p.data._key)",
        "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
        "stopEditingWhenCellsLoseFocus": True,
        "singleClickEdit": False,
        "tooltipShowDelay": 0,
        "autoSizeStrategy": {"type": "fitCellContents"},
        "undoRedoCellEditing": False,
    }


def cleared(value: Any) -> Any:
    """An emptied cell is no value."""
    return None if value == "" else value


def messages_at(errors: list[FieldError], prefix: tuple[str | int, ...] = ()) -> dict[str, str]:
    """Field -> message for the errors located directly under `prefix` (a row)."""
    found: dict[str, str] = {}
    for error in errors:
        location = tuple(error.location)
        if location[: len(prefix)] == prefix and len(location) > len(prefix):
            found.setdefault(str(location[len(prefix)]), error.message)
    return found


def attempt(
    who: Visitor, work: Callable[[Session, Caller], T]
) -> tuple[T | None, DomainError | None]:
    """Run a change as the visitor in one transaction: its result, or the domain error that
    left nothing written (the page shows it where it belongs)."""
    try:
        with unit_of_work(sessions()) as session:
            return work(session, current(session, who)), None
    except Unauthenticated as error:
        ui.notify(error.detail, type="warning")
        ui.navigate.to("/login")
        return None, error
    except DomainError as error:
        return None, error


def field_errors(error: DomainError, field: str | None = None) -> list[FieldError]:
    """The error's field errors; a rule across fields (or a conflict) lands on `field`."""
    if isinstance(error, ValidationFailed):
        located = [e if e.location else FieldError((field or "",), e.message) for e in error.errors]
        return located or [FieldError((field or "",), error.detail)]
    return [FieldError((field or "",), error.detail)]
