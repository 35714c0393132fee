"""An operation clicked on the board: its order (status, due, scheduled, how late and why),
what it is for (pegging up to the sales order lines), its operations; and the precise way to
move it: a work center among its alternatives and a start, then pin it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from nicegui import ui

from plantops.errors import NotFound
from plantops.execution.floor_state import read_floor
from plantops.planning import gantt, pins
from plantops.planning.gantt import Bar, OrderStory
from plantops.web.shell import Visitor, link, perform, read

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what a datetime-local input reads and writes


def local(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%a %d %b %H:%M}"


def open_operation(who: Visitor, bar_id: int, zone: ZoneInfo, changed: Callable[[], None]) -> None:
    """The dialog of the operation scheduled as `bar_id` (its order's story)."""
    try:
        found = read(who, lambda s, c: gantt.operation_story(s, c, bar_id))
    except NotFound:
        ui.notify("That operation is no longer scheduled: the board is refreshed", type="warning")
        changed()
        return
    board_bar = [b for b in found.bars if b.id == bar_id]
    with (
        ui.dialog() as dialog,
        ui.card().classes("min-w-[560px] max-w-3xl").mark("operation-dialog"),
    ):
        _order(found, zone)
        _pegging(found)
        _operations(found, bar_id, zone)
        if board_bar:
            _move(who, found, board_bar[0], zone, dialog, changed)
        with ui.row().classes("w-full justify-end"):
            ui.link("Open the order", link(f"/orders/{quote(found.order.code, safe='')}", who))
            ui.button("Close", on_click=dialog.close).props("flat")
    dialog.open()


def _order(found: OrderStory, zone: ZoneInfo) -> None:
    order = found.order
    ui.label(f"{order.code} · {found.item} x {order.quantity.normalize():f}").classes(
        "text-lg font-semibold"
    )
    span = ""
    if order.scheduled_start and order.scheduled_end:
        start, end = local(order.scheduled_start, zone), local(order.scheduled_end, zone)
        span = f" · scheduled {start} - {end}"
    ui.label(f"{order.status.value.replace('_', ' ')} · due {order.due_date:%a %d %b}{span}")
    if order.late_seconds:
        ui.label(f"{order.late_seconds / 3600:.1f} hours late").classes("text-negative font-medium")
        why = order.explanation or {}
        for cause in why.get("chain", [])[:5]:
            ui.label(f"• {cause.get('detail', '')}").classes("text-sm")
        if why.get("bottlenecks"):
            ui.label("Bottlenecks: " + ", ".join(why["bottlenecks"])).classes("text-sm")
        if not why:
            ui.label("The schedule gave no reason for it.").classes("text-sm")
    else:
        ui.label("On time").classes("text-positive")


def _pegging(found: OrderStory) -> None:
    ui.label("For").classes("font-semibold mt-2")
    if not found.pegging:
        ui.label("No demand pegged to it in the last plan run.").classes("text-sm")
    for peg in found.pegging[:8]:
        via = " via " + " → ".join(peg["via"][1:]) if len(peg["via"]) > 1 else ""
        what = "safety stock" if peg["kind"] == "reserve" else peg["demand"]
        ui.label(f"{what}: {peg['quantity'].normalize():f}{via}").classes("text-sm")


def _operations(found: OrderStory, bar_id: int, zone: ZoneInfo) -> None:
    ui.label("Operations").classes("font-semibold mt-2")
    for bar in found.bars:
        text = (
            f"{bar.sequence} {bar.name} · {_center(found, bar)} · "
            f"{local(bar.starts_at, zone)} - {local(bar.ends_at, zone)}"
            + (" · pinned" if bar.pin_id else "")
        )
        ui.label(text).classes("text-sm" + (" font-bold" if bar.id == bar_id else ""))


def _center(found: OrderStory, bar: Bar) -> str:
    codes = dict(found.alternatives.get(bar.operation_id, []))
    return codes.get(bar.work_center_id, f"#{bar.work_center_id}")


def _move(
    who: Visitor,
    found: OrderStory,
    bar: Bar,
    zone: ZoneInfo,
    dialog: ui.dialog,
    changed: Callable[[], None],
) -> None:
    ui.label(f"Move and pin operation {bar.sequence}").classes("font-semibold mt-2")
    choices = dict(found.alternatives.get(bar.operation_id, []))
    with ui.row().classes("items-end gap-3"):
        center = (
            ui.select(choices, value=bar.work_center_id, label="Work center")
            .classes("min-w-40")
            .mark("pin-work-center")
        )
        start = (
            ui.input(
                "Start (site time)", value=bar.starts_at.astimezone(zone).strftime(LOCAL_INPUT)
            )
            .props("type=datetime-local")
            .mark("pin-start")
        )

        def pin() -> None:
            try:
                at = datetime.strptime(start.value or "", LOCAL_INPUT).replace(tzinfo=zone)
            except ValueError:
                ui.notify("starts_at: give a date and a time", type="negative")
                return
            if pin_at(who, bar.id, int(center.value), at.astimezone(UTC), zone) is not None:
                dialog.close()
                changed()

        ui.button("Pin here", icon="push_pin", on_click=pin).mark("pin-button")
        if bar.pin_id is not None:
            pin_id = bar.pin_id

            def release() -> None:
                if perform(who, lambda s, c: pins.unpin(s, c, pin_id)) is not None:
                    ui.notify("Unpinned: the next plan run may move it", type="info")
                    dialog.close()
                    changed()

            ui.button("Unpin", icon="lock_open", on_click=release).props("flat")


def pin_at(
    who: Visitor, bar_id: int, work_center_id: int, starts_at: datetime, zone: ZoneInfo
) -> pins.Pinned | None:
    """Pin as the visitor; say where the operation now stands (the start moves to when the
    work center next works), or why it cannot stand there."""
    done = perform(
        who,
        lambda s, c: pins.pin_operation(s, c, bar_id, work_center_id, starts_at, read_floor),
    )
    if done is not None:
        said = f"Pinned from {local(done.pin.starts_at, zone)} to {local(done.ends_at, zone)}"
        if done.approved:
            said += "; the order is approved (a plan run would replace a proposal)"
        ui.notify(said, type="positive", timeout=6000)
    return done
