"""An operation clicked on the board: its order (status, due, scheduled, how late and why),
what it is for (pegging up to the sales order lines), its operations; and the precise way to
move it: a work center among its alternatives and a start, then pin it. Also the question
a drop on the board asks before it pins, and the Undo every pin offers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from nicegui import app, events, ui
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import FieldError, NotFound, ValidationFailed
from plantops.execution.floor_state import read_floor
from plantops.planning import gantt, pins, run_requests
from plantops.planning.gantt import Bar, Board, OrderStory
from plantops.web.shell import Visitor, link, perform, read
from plantops.web.words import late_by

DAY, TIME = "%Y-%m-%d", "%H:%M"  # the dialog's start: a date input and a 24-hour time
VIEW_ONLY = "Your role can view the schedule; planners change it."
UNDO = "board_undo"  # the page event a pin's Undo sends
# a refused pin in plain words: the subject a field's message leaves out
SUBJECTS = {"starts_at": "The start", "work_center_id": "The work center"}


def local(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%a %d %b %H:%M}"


def open_operation(
    who: Visitor, bar_id: int, zone: ZoneInfo, changed: Callable[[], None], board: Board
) -> None:
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
        _order(who, found, zone)
        _pegging(found)
        _operations(found, bar_id, zone)
        if not who.caller.may(Domain.planning, Action.update):
            ui.label(VIEW_ONLY).classes("text-sm text-grey-8 mt-2").props("data-testid=view-only")
        elif board_bar:
            bar = board_bar[0]
            _move(who, found, bar, suggested_start(board, bar), zone, dialog, changed)
        with ui.row().classes("w-full justify-end"):
            ui.link("Open the order", link(f"/orders/{quote(found.order.code, safe='')}", who))
            ui.button("Close", on_click=dialog.close).props("flat")
    dialog.on("hide", dialog.delete)  # gone once closed: a board is clicked all day
    dialog.open()


def suggested_start(board: Board, bar: Bar, now: datetime | None = None) -> datetime:
    """The dialog's first start: the bar's own, or when that has gone (a pin in the past is
    refused), the next five-minute mark, moved on past its work center's time off."""
    now = now or datetime.now(UTC)
    soon = now + timedelta(minutes=5 - now.minute % 5, seconds=-now.second,
                           microseconds=-now.microsecond)  # fmt: skip
    at = max(bar.starts_at, soon)
    off = next((lane.off for lane in board.lanes if lane.id == bar.work_center_id), ())
    return next((end for start, end in off if start <= at < end), at)


def _order(who: Visitor, found: OrderStory, zone: ZoneInfo) -> None:
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
        ui.label(late_by(order.late_seconds)).classes("text-negative font-medium")
        why = order.explanation or {}
        for cause in why.get("chain", [])[:5]:
            ui.label(f"• {cause.get('detail', '')}").classes("text-sm")
        if why.get("bottlenecks"):
            ui.label("Bottlenecks: " + ", ".join(why["bottlenecks"])).classes("text-sm")
        if not why:
            ui.label(no_reason(order.due_date, _plan_today(who, order.plan_run_id))).classes(
                "text-sm"
            ).props("data-testid=why-late")
    else:
        ui.label("On time").classes("text-positive")


def _plan_today(who: Visitor, run_id: int | None) -> date | None:
    """The day the plan that placed the order started from."""
    if run_id is None:
        return None
    return read(who, lambda s, c: run_requests.get_run(s, c, run_id)).today


def no_reason(due: date, plan_today: date | None) -> str:
    """Why a late order has no reason from the schedule: mostly, it was due before the plan
    started, so no schedule could have made it on time."""
    if plan_today is not None and due < plan_today:
        return (
            f"It was due {due:%a %d %b}, before the plan started ({plan_today:%a %d %b}): "
            "no schedule could finish it on time."
        )
    return "The schedule gave no reason for it."


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
    suggested: datetime,
    zone: ZoneInfo,
    dialog: ui.dialog,
    changed: Callable[[], None],
) -> None:
    ui.label(f"Move and pin operation {bar.sequence}").classes("font-semibold mt-2")
    choices = dict(found.alternatives.get(bar.operation_id, []))
    wall = suggested.astimezone(zone)
    with ui.row().classes("items-end gap-3"):
        center = (
            ui.select(choices, value=bar.work_center_id, label="Work center")
            .classes("min-w-40")
            .props("data-testid=pin-work-center")
        )
        day = ui.input("Day", value=f"{wall:{DAY}}").props("type=date data-testid=pin-day")
        # a text time: a browser's time input may show AM/PM; the plant reads 24 hours
        time = (
            ui.input("Time (site, 24 h)", value=f"{wall:{TIME}}")
            .props('mask="##:##" data-testid=pin-time')
            .classes("w-28")
        )

        def pin() -> None:
            try:
                at = datetime.strptime(f"{day.value} {time.value}", f"{DAY} {TIME}")
            except ValueError:
                ui.notify("Give a day and a time (24-hour, such as 06:00)", type="negative")
                return
            when = at.replace(tzinfo=zone).astimezone(UTC)
            if pin_at(who, bar.id, int(center.value), when, zone) is not None:
                dialog.close()
                changed()

        ui.button("Pin here", icon="push_pin", on_click=pin).props("data-testid=pin-button")
        if bar.pin_id is not None:
            pin_id = bar.pin_id

            def release() -> None:
                if perform(who, lambda s, c: pins.unpin(s, c, pin_id)) is not None:
                    ui.notify("Unpinned: the next plan run may move it", type="info")
                    dialog.close()
                    changed()

            ui.button("Unpin", icon="lock_open", on_click=release).props("flat")


def confirm_pin(
    who: Visitor,
    bar: Bar,
    lane: str,
    work_center_id: int,
    starts_at: datetime,
    zone: ZoneInfo,
    changed: Callable[[], None],
) -> None:
    """Ask before a dropped operation is pinned: a drop may be a slip of the hand."""
    approve = " The order will be approved." if bar.status == "proposed" else ""
    with ui.dialog() as dialog, ui.card().props("data-testid=confirm-pin"):
        ui.label(
            f"Pin {bar.order} op {bar.sequence} on {lane} from {local(starts_at, zone)}?{approve}"
        )

        def pin() -> None:
            dialog.close()
            if pin_at(who, bar.id, work_center_id, starts_at, zone) is not None:
                changed()

        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=dialog.close).props("flat")
            ui.button("Pin", icon="push_pin", on_click=pin)
    dialog.on("hide", dialog.delete)
    dialog.open()


def pin_at(
    who: Visitor, bar_id: int, work_center_id: int, starts_at: datetime, zone: ZoneInfo
) -> pins.Pinned | None:
    """Pin as the visitor; say where the operation now stands (the start moves to when the
    work center next works), with an Undo, or why it cannot stand there, in plain words."""

    def pin(session: Session, caller: Caller) -> pins.Pinned:
        try:
            return pins.pin_operation(
                session, caller, bar_id, work_center_id, starts_at, read_floor
            )
        except ValidationFailed as error:
            raise ValidationFailed(plain(error.errors), error.errors) from error

    done = perform(who, pin)
    if done is not None:
        said = f"Pinned from {local(done.pin.starts_at, zone)} to {local(done.ends_at, zone)}"
        if done.approved:
            said += "; the order is approved (a plan run would replace a proposal)"
        # what the Undo puts back stays on the server, with this browser tab's page
        app.storage.client.setdefault(UNDO, {})[done.pin.id] = done.before
        undo = f"() => emitEvent('{UNDO}', {{pin: {done.pin.id}}})"
        action = {"label": "Undo", "color": "white", ":handler": undo}
        ui.notification(said, type="positive", timeout=10, close_button="OK", actions=[action])
    return done


def plain(errors: list[FieldError]) -> str:
    """Field errors as sentences ("The start is in the past..."), not "starts_at: ..."."""
    said = []
    for error in errors:
        text = error.message
        subject = SUBJECTS.get(str(error.location[-1]) if error.location else "")
        if subject and text.split(" ", 1)[0] in ("is", "must", "would", "needs"):
            text = f"{subject} {text}"
        said.append(text[:1].upper() + text[1:])
    return "; ".join(said)


def listen_for_undo(who: Visitor, changed: Callable[[], None]) -> None:
    """The page answers a pin's Undo: the operation back where it was, with the pin it had
    before (or none) and its order's status as it was."""

    def undo(event: events.GenericEventArguments) -> None:
        args = event.args[0] if isinstance(event.args, list) else event.args
        before = app.storage.client.get(UNDO, {}).pop(int(args["pin"]), None)
        if before is None:
            return  # undone already: a second tap on the same Undo
        pin_id = int(args["pin"])
        if perform(who, lambda s, c: pins.undo_pin(s, c, pin_id, before)) is not None:
            ui.notify("Undone: the operation is back where it was", type="info")
            changed()

    ui.on(UNDO, undo)
