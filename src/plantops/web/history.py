"""The audit history of any record, for any page to show: who changed it, when, what (each
field's old -> new value) and why.

    from plantops.web.history import history_button, history_panel

    history_panel(who, "production_order", order.id)  # the trail, drawn where it is called
    history_button(who, "items", item.id)  # a button opening it in a dialog, read on opening

`entity` is the name the audit trail records changes under: a master-data resource's name as
in the API's paths ("items", "work_centers", "boms", ...), or "production_order" and
"purchase_order" for orders. The calling page has shown the record, so the visitor may read
it; the trail itself is read within the visitor's sites (plantops.access.audit.trail), newest
change first, at most LIMIT of them (the total is said)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui

from plantops.access import audit
from plantops.access.models import AuditRecord
from plantops.web.shell import Visitor, read

LIMIT = 200
SHOWN_CHARS = 80  # a long value (a routing's operations) is cut, not left to stretch the row
COLUMNS = [
    {"name": "at", "label": "When", "field": "at", "align": "left"},
    {"name": "username", "label": "Who", "field": "username", "align": "left"},
    {"name": "action", "label": "What", "field": "action", "align": "left"},
    {
        "name": "changes",
        "label": "Changes (old → new)",
        "field": "changes",
        "align": "left",
        "style": "white-space: pre-line",
    },
    {"name": "reason", "label": "Reason", "field": "reason", "align": "left"},
]


def history_panel(who: Visitor, entity: str, record_id: int, *, title: str = "History") -> None:
    """The record's audit trail as a table, read now, where it is called."""
    records, total = read(
        who,
        lambda session, caller: audit.trail(
            session, caller, audit.TrailQuery(entity=entity, record_id=record_id, limit=LIMIT)
        ),
    )
    zones = {s.id: s.time_zone for s in who.sites}
    with ui.column().classes("w-full gap-1").mark(f"history-{entity}-{record_id}"):
        ui.label(title).classes("text-lg font-medium")
        if not records:
            ui.label("No change recorded yet.").classes("text-grey-7")
            return
        if total > len(records):
            ui.label(f"The latest {len(records)} of {total} changes.").classes("text-grey-7")
        rows = [_row(r, zones) for r in records]
        ui.table(columns=COLUMNS, rows=rows, row_key="id").props(
            "dense flat bordered wrap-cells"
        ).classes("w-full")


def history_button(who: Visitor, entity: str, record_id: int, label: str = "History") -> None:
    """A button that opens the record's audit trail in a dialog (read when it opens)."""
    dialog = ui.dialog()
    with dialog, ui.card().classes("w-full max-w-5xl"):
        body = ui.column().classes("w-full")
        ui.button("Close", on_click=dialog.close).props("flat no-caps")

    def show() -> None:
        body.clear()
        with body:
            history_panel(who, entity, record_id)
        dialog.open()

    ui.button(label, icon="history", on_click=show).props("flat no-caps").mark(
        f"history-button-{entity}-{record_id}"
    )


def _row(record: AuditRecord, zones: dict[int, str]) -> dict[str, Any]:
    zone = zones.get(record.site_id or 0)
    at = record.at.astimezone(ZoneInfo(zone) if zone else UTC)
    return {
        "id": record.id,
        "at": f"{at:%Y-%m-%d %H:%M:%S} {at.tzname()}",
        "username": record.username,
        "action": record.action,
        "changes": changes(record.old, record.new),
        "reason": record.reason or "",
    }


def changes(old_json: str | None, new_json: str | None) -> str:
    """The fields that changed, "name: old → new", one per line; a record created or
    removed lists the values it had."""
    old = json.loads(old_json) if old_json else None
    new = json.loads(new_json) if new_json else None
    if old is None or new is None:
        values = new if old is None else old
        return "\n".join(f"{k}: {_value(v)}" for k, v in sorted((values or {}).items()))
    keys = sorted(set(old) | set(new))
    said = [
        f"{k}: {_value(old.get(k))} → {_value(new.get(k))}"
        for k in keys
        if old.get(k) != new.get(k)
    ]
    return "\n".join(said) or "no field changed"


def _value(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
