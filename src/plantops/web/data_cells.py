"""AG Grid columns for master data fields, and how a refused change is shown at its cell.

Columns and choices are shown in plain words ("Item type", "Finished good"); the stored
values stay the API's. A row carries its problems in `_errors` (field -> message): the cell of
each such field is marked (class `plantops-cell-error`) and says the message on hover, and
the page says it in words too. Nothing else marks a cell, so the mark means "this value was
not saved". Validation messages are put into plain words naming the field ("Lead time (days)
must be 0 or more"), not pydantic's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import ui
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import DomainError, FieldError, Unauthenticated, ValidationFailed
from plantops.storage.engine import unit_of_work
from plantops.web.data_tables import Column, label, value_label
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
    # plain words as header; the field's name (as in the API and plant files) on hover
    found: dict[str, Any] = {
        "field": name, "headerName": column.label, "headerTooltip": name, "editable": editable,
    }  # fmt: skip
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
            "refData": column.choice_labels,  # shown in words, stored as the API's value
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


# pydantic's common messages -> plain words; {0} is the field's label, {1} what the rule says
PLAIN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(Field required|Input should be a valid string|String should have at least 1 "
                r"character)"), "{0} is required"),
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), "{0} must be {1} or more"),
    (re.compile(r"^Input should be greater than (\S+)$"), "{0} must be more than {1}"),
    (re.compile(r"^Input should be less than or equal to (\S+)$"), "{0} must be {1} or less"),
    (re.compile(r"^Input should be less than (\S+)$"), "{0} must be less than {1}"),
    (re.compile(r"^Input should be a valid integer"), "{0} must be a whole number"),
    (re.compile(r"^(Input should be a valid (number|decimal)|Decimal input should be an)"),
     "{0} must be a number"),
    (re.compile(r"^Input should be a valid date"), "{0} must be a date (YYYY-MM-DD)"),
    (re.compile(r"^Input should be a valid time"), "{0} must be a time (HH:MM)"),
    (re.compile(r"^String should have at most (\d+) char"), "{0} takes at most {1} characters"),
    (re.compile(r"^String should have at least (\d+) char"), "{0} needs at least {1} characters"),
    (re.compile(r"^Decimal input should have no more than (\d+) decimal"),
     "{0} takes at most {1} decimals"),
]  # fmt: skip
CHOICES = re.compile(r"^Input should be ('[^']*'(?:, '[^']*')*(?:,? or '[^']*')?)$")


def plain_message(error: FieldError) -> str:
    """The error in plain words naming its field: "Name is required"."""
    field = next((p for p in reversed(error.location) if isinstance(p, str) and p), "")
    if not field:
        return error.message
    name = label(field)
    if found := CHOICES.match(error.message):
        values = ", ".join(value_label(v) for v in re.findall(r"'([^']*)'", found.group(1)))
        return f"{name} must be one of: {values}"
    for pattern, words in PLAIN:
        if found := pattern.match(error.message):
            return words.format(name, *(found.groups() or ("",)))
    return f"{name}: {error.message}"


def located(error: FieldError) -> str:
    """The plain message with the child row it is in: "Lines row 1: Quantity per must be..."."""
    rows, parts = [], list(error.location)
    for at, part in enumerate(parts[:-1]):
        if isinstance(part, str) and at + 1 < len(parts) and isinstance(parts[at + 1], int):
            rows.append(f"{label(part)} row {int(parts[at + 1]) + 1}")
    return ": ".join([*rows, plain_message(error)])


def messages_at(errors: list[FieldError], prefix: tuple[str | int, ...] = ()) -> dict[str, str]:
    """Field -> message (in plain words) for the errors located directly under `prefix`."""
    found: dict[str, str] = {}
    for error in errors:
        location = tuple(error.location)
        if location[: len(prefix)] == prefix and len(location) > len(prefix):
            found.setdefault(str(location[len(prefix)]), plain_message(error))
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
