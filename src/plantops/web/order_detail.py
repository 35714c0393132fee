"""One production order, everything about it on one page: what it makes, for whom, when it
is due and when it is scheduled, why it is late, its operations on the floor, the shop-floor
events that moved it, its material, the demand it serves and the history of its changes.
The moves the visitor's role allows from its status (approve, firm, release; hold, close,
cancel) are buttons that ask for confirmation, and a reason where one is needed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from plantops.execution import order_actions, order_detail
from plantops.execution.order_actions import Move
from plantops.execution.order_detail import OrderSheet
from plantops.web.history import history_panel
from plantops.web.shell import Visitor, admit, frame, link, perform, read
from plantops.web.words import late_by

KINDS = {  # the scheduler's kinds of cause, as a planner says them
    "component": "a component's order",
    "precedence": "the operation before it",
    "resource": "its work center is busy",
    "pool": "a shared resource is in use",
    "calendar": "outside the work center's shifts",
    "release": "its release date",
}


@ui.page("/orders/{ident}")
def page(request: Request, ident: str, site: str | None = None) -> object:
    who = admit(request, "/orders", site)
    if isinstance(who, Response):  # signed out, or not for this role
        return who
    with frame(who, "/orders", f"Production order {ident}"):
        ui.link("← All orders", link("/orders", who)).mark("back-to-orders")
        found = read(who, lambda s, c: order_detail.find(s, c, ident, who.site_ids))
        if not found:
            ui.label(f"No production order {ident!r} at your sites.").classes("text-negative")
            return None
        if len(found) > 1:
            with ui.row().classes("items-center gap-2"):
                ui.label(f"{ident} is an order of several sites; this is {found[0].site_id}'s:")
                for other in found[1:]:
                    ui.link(f"the order of site {other.site_id}", link(f"/orders/{other.id}", who))
        OrderPage(who, found[0].id).show()
    return None


def local(at: datetime | None, zone: ZoneInfo) -> str:
    return f"{at.astimezone(zone):%a %Y-%m-%d %H:%M}" if at else "—"


def span(start: datetime | None, end: datetime | None, zone: ZoneInfo) -> str:
    return f"{local(start, zone)} → {local(end, zone)}" if start or end else "—"


def number(value: Decimal | float | None) -> str:
    return "—" if value is None else f"{Decimal(value).normalize():f}"


def overdue_seconds(due: date, zone: tzinfo, now: datetime) -> float:
    """Time since the end of the due day at the site: an overdue order's lateness, measured
    as the plan's at-risk lateness is (hours after the due day's end)."""
    end = datetime.combine(due + timedelta(days=1), time(0), tzinfo=zone)
    return (now - end).total_seconds()


def why_late(explanation: dict[str, Any] | None) -> list[str]:
    """The scheduler's chain of causes, from the order's last operation back, in words."""
    if not explanation:
        return []
    said = []
    for cause in explanation.get("chain", []):
        kind = KINDS.get(str(cause.get("kind")), str(cause.get("kind", "")))
        said.append(f"{cause.get('operation', '')} {cause.get('detail', '')} ({kind}).")
    bottlenecks = explanation.get("bottlenecks") or []
    if bottlenecks:
        said.append(f"Bottleneck: {', '.join(bottlenecks)}.")
    return said


def table(name: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]], **kw: Any) -> None:
    """A compact read-only table: columns as (field, label)."""
    spec = [{"name": f, "label": label, "field": f, "align": "left"} for f, label in columns]
    ui.table(columns=spec, rows=rows, row_key="key", **kw).props(
        "dense flat bordered wrap-cells"
    ).classes("w-full").mark(name)


class OrderPage:
    def __init__(self, who: Visitor, order_id: int) -> None:
        self.who, self.order_id = who, order_id

    def show(self) -> None:
        self.body = ui.column().classes("w-full gap-4")
        self.draw()

    def draw(self) -> None:
        now = datetime.now(UTC)
        got = read(self.who, lambda s, c: order_detail.sheet(s, c, self.order_id, now))
        allowed = order_actions.moves(self.who.caller, got.order.status)
        zone = ZoneInfo(got.site.time_zone)
        self.body.clear()
        with self.body:
            self._header(got, zone, allowed)
            with ui.card().classes("w-full"):
                self._operations(got, zone)
            with ui.card().classes("w-full"):
                self._events(got, zone)
            with ui.row().classes("w-full gap-4 no-wrap items-start max-lg:flex-wrap"):
                with ui.card().classes("flex-1 min-w-80"):
                    self._material(got)
                with ui.card().classes("flex-1 min-w-80"):
                    self._pegging(got)
            with ui.card().classes("w-full"):
                history_panel(self.who, "production_order", got.order.id)

    def _header(self, got: OrderSheet, zone: ZoneInfo, allowed: list[Move]) -> None:
        o = got.order
        facts = {
            "Item": f"{got.item.code} · {got.item.name}",
            "Quantity": f"{number(o.quantity)} {got.item.uom}",
            "Made": number(order_detail.made(got.operations)),
            "Status": o.status.value.replace("_", " "),
            "Site": f"{got.site.code} · {got.site.name}",
            "For": ", ".join(f"{n} ({c})" for c, n in sorted(got.customers.items())) or "stock",
            "Release": o.release_date.isoformat(),
            "Due": o.due_date.isoformat(),
            "Scheduled start": local(o.scheduled_start, zone),
            "Scheduled end": local(o.scheduled_end, zone),
            "Priority": str(o.priority),
            "Late": self._late(got, zone),
        }
        with ui.card().classes("w-full").mark("order-header"):
            with ui.grid(columns="repeat(auto-fill, minmax(220px, 1fr))").classes("w-full gap-3"):
                for label, value in facts.items():
                    with ui.column().classes("gap-0"):
                        ui.label(label).classes("text-xs text-grey-7 uppercase")
                        fact = label.lower().replace(" ", "_")
                        ui.label(value).classes("text-base").props(f'data-fact="{fact}"')
            reasons = why_late(o.explanation) if got.lateness else []
            if got.lateness and not reasons:
                reasons = ["The last plan run gave no reason for this order."]
            if reasons:
                ui.label("Why it is late").classes("text-sm font-medium mt-2")
                with ui.column().classes("gap-0").props('data-part="why-late"'):
                    for sentence in reasons:
                        ui.label(f"• {sentence}").classes("text-sm")
            if allowed:
                with ui.row().classes("gap-2 mt-2"):
                    for move in allowed:
                        ui.button(move.label, on_click=self._confirm(got, move)).props(
                            "outline no-caps"
                        ).mark(f"move-{move.name}")

    def _late(self, got: OrderSheet, zone: ZoneInfo) -> str:
        o = got.order
        if got.lateness == "overdue":
            late = late_by(overdue_seconds(o.due_date, zone, datetime.now(UTC)))
            return f"overdue: {late}"
        if got.lateness == "at risk":
            return f"at risk: scheduled to end {late_by(o.late_seconds or 0)}"
        return "no"

    def _confirm(self, got: OrderSheet, move: Move) -> Callable[[], None]:
        def ask() -> None:
            with ui.dialog() as dialog, ui.card().classes("min-w-96").mark("confirm"):
                ui.label(f"{move.label}: production order {got.order.code}?").classes("text-lg")
                needed = {"say why": lambda v: bool((v or "").strip())}
                reason = ui.input(
                    "Reason" + ("" if move.needs_reason else " (optional)"),
                    validation=needed if move.needs_reason else None,
                ).props("outlined autofocus maxlength=500")
                reason.classes("w-full").mark("reason")
                reason.visible = move.needs_reason or move.status is not None
                with ui.row().classes("justify-end w-full"):
                    ui.button("Keep as is", on_click=dialog.close).props("flat no-caps")
                    ui.button(
                        f"{move.label}", on_click=lambda: self._do(dialog, move, reason.value)
                    ).props("unelevated no-caps").mark("confirm-move")
            dialog.open()

        return ask

    def _do(self, dialog: ui.dialog, move: Move, reason: str | None) -> None:
        now = datetime.now(UTC)
        done = perform(
            self.who,
            lambda s, c: order_actions.act(s, c, self.order_id, move.name, reason, now),
        )
        if done is None:
            return  # perform showed why; the dialog stays for another try
        dialog.close()
        ui.notify(f"{move.label}: done, the order is {done.status.value.replace('_', ' ')}",
                  type="positive")  # fmt: skip
        self.draw()

    def _operations(self, got: OrderSheet, zone: ZoneInfo) -> None:
        ui.label("Operations").classes("text-lg font-medium")
        if not got.operations:
            ui.label("Not on the floor yet: its operations appear when it is released.").classes(
                "text-grey-7"
            )
            return
        rows = [
            {"key": line.operation.id, "sequence": line.operation.sequence,
             "name": line.operation.name, "work_center": line.work_center,
             "status": line.operation.status.value.replace("_", " "),
             "planned": number(line.operation.planned_quantity),
             "started": number(line.operation.started), "good": number(line.operation.good),
             "scrap": number(line.operation.scrap), "rework": number(line.operation.rework),
             "scheduled": span(line.operation.scheduled_start, line.operation.scheduled_end, zone),
             "actual": span(line.operation.actual_start, line.operation.actual_end, zone)}
            for line in got.operations
        ]  # fmt: skip
        table("operations", [
            ("sequence", "Op"), ("name", "Operation"), ("work_center", "Work center"),
            ("status", "Status"), ("planned", "Planned"), ("started", "Started"),
            ("good", "Good"), ("scrap", "Scrap"), ("rework", "Rework"),
            ("scheduled", "Scheduled"), ("actual", "Actual"),
        ], rows)  # fmt: skip

    def _events(self, got: OrderSheet, zone: ZoneInfo) -> None:
        shown = len(got.events)
        more = f" (the latest {shown} of {got.event_total})" if got.event_total > shown else ""
        ui.label(f"Shop-floor events{more}").classes("text-lg font-medium")
        if not got.events:
            ui.label("None recorded.").classes("text-grey-7")
            return
        rows = []
        for line in got.events:
            e = line.event
            counts = [
                f"{name} {number(getattr(e, name))}"
                for name in ("started", "good", "scrap", "rework")
                if getattr(e, name)
            ]
            rows.append({
                "key": e.id, "at": local(e.occurred_at, zone),
                "kind": e.kind.value.replace("_", " "), "operation": line.operation,
                "where": line.work_center, "who": line.employee or e.recorded_by,
                "counts": ", ".join(counts),
                "why": " · ".join(x for x in (line.reason, e.note) if x),
                "flags": ", ".join((["late"] if e.late else []) + list(e.flags)),
            })  # fmt: skip
        table("events", [
            ("at", "Occurred"), ("kind", "Event"), ("operation", "Operation"),
            ("where", "Work center"), ("who", "Who"), ("counts", "Quantities"),
            ("why", "Reason / note"), ("flags", "Flags"),
        ], rows, pagination=20)  # fmt: skip

    def _material(self, got: OrderSheet) -> None:
        ui.label("Material").classes("text-lg font-medium")
        if not got.material:
            ui.label("No material tracked for this order (no stock policy at the site, or "
                     "no bill of materials).").classes("text-grey-7")  # fmt: skip
            return
        rows = [
            {"key": m.item_id, "item": m.item_code, "needed": number(m.needed),
             "consumed": number(m.consumed), "on_hand": number(m.on_hand),
             "elsewhere": number(m.allocated_elsewhere), "short": number(m.short),
             "supply": ", ".join(m.supply)}
            for m in got.material
        ]  # fmt: skip
        table("material", [
            ("item", "Component"), ("needed", "Needed"), ("consumed", "Consumed"),
            ("on_hand", "On hand"), ("elsewhere", "For other orders"), ("short", "Short"),
            ("supply", "Coming"),
        ], rows)  # fmt: skip

    def _pegging(self, got: OrderSheet) -> None:
        ui.label("Demand it serves").classes("text-lg font-medium")
        if not got.pegging:
            ui.label("No demand pegged: made for stock.").classes("text-grey-7")
            return
        rows = [
            {"key": n, "kind": p["kind"].replace("_", " "), "demand": p["demand"],
             "quantity": number(p["quantity"]), "via": " → ".join(p["via"][1:]) or "directly"}
            for n, p in enumerate(got.pegging)
        ]  # fmt: skip
        table("pegging", [("kind", "Kind"), ("demand", "Demand"), ("quantity", "Quantity"),
                          ("via", "Through")], rows)  # fmt: skip
