"""The lifecycles of a production order and its operations on the floor, as data (DESIGN.md
rule 5), and the fold of shop-floor events into an operation's tally. Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from plantops.errors import InvalidTransition
from plantops.transitions import transition
from plantops.types import OperationStatus, OrderStatus

Op = OperationStatus
O = OrderStatus  # noqa: E741 (as in the tables below, one letter reads best)
ZERO = Decimal(0)


class EventKind(StrEnum):
    operation_start = "operation_start"  # an operator starts (or joins) the operation
    operation_pause = "operation_pause"  # with a reason
    operation_resume = "operation_resume"
    operation_report = "operation_report"  # good, scrap (with reason), rework: deltas
    operation_complete = "operation_complete"  # may carry a last report
    order_hold = "order_hold"  # a supervisor stops the order (with a reason)
    order_release_hold = "order_release_hold"
    order_close = "order_close"  # completed and booked: nothing more may be reported
    order_cancel = "order_cancel"
    work_center_state = "work_center_state"  # running, idle, setup, down, planned stop
    clock_in = "clock_in"
    clock_out = "clock_out"


OPERATION_EVENTS = frozenset(k for k in EventKind if k.startswith("operation_"))
ORDER_EVENTS = frozenset(k for k in EventKind if k.startswith("order_"))
CLOCK_EVENTS = frozenset({EventKind.clock_in, EventKind.clock_out})
E = EventKind

# status -> event -> the status it leads to. What is not in the table is refused.
OPERATION_MOVES: dict[OperationStatus, dict[EventKind, OperationStatus]] = {
    Op.released: {E.operation_start: Op.in_progress},  # before the previous one is done: overlap
    Op.ready: {E.operation_start: Op.in_progress},
    Op.waiting_for_material: {},
    Op.in_progress: {
        E.operation_start: Op.in_progress,  # another operator joins
        E.operation_pause: Op.paused,
        E.operation_report: Op.in_progress,
        E.operation_complete: Op.completed,
    },
    Op.paused: {
        E.operation_start: Op.in_progress,
        E.operation_resume: Op.in_progress,
        E.operation_report: Op.paused,
        E.operation_complete: Op.completed,
    },
    Op.completed: {E.operation_report: Op.completed},  # the last count, after the fact
    Op.cancelled: {},
}

# An offline terminal's late batch may bring a whole operation at once: an order that had not
# started may find itself paused or completed.
_UNDER_WAY = (O.in_progress, O.paused, O.completed)
# A production order on the floor: from -> the statuses it may reach. Planning moves it up
# to released (plantops.planning.orders); its operations' events and a supervisor's hold,
# close and cancel move it on from there.
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    O.released: frozenset({O.ready, O.waiting_for_material, *_UNDER_WAY, O.on_hold, O.cancelled}),
    O.ready: frozenset({O.waiting_for_material, *_UNDER_WAY, O.on_hold, O.cancelled}),
    O.waiting_for_material: frozenset({O.ready, O.on_hold, O.cancelled}),
    O.in_progress: frozenset({O.paused, O.on_hold, O.completed}),
    O.paused: frozenset({O.in_progress, O.on_hold, O.completed}),
    O.on_hold: frozenset({O.ready, O.waiting_for_material, O.in_progress, O.paused, O.cancelled}),
    O.completed: frozenset({O.closed, O.in_progress}),  # a late report may reopen it
    O.closed: frozenset(),
    O.cancelled: frozenset(),
}
ORDER_EVENT_TARGET = {E.order_hold: O.on_hold, E.order_close: O.closed, E.order_cancel: O.cancelled}
ACTIVE = frozenset({Op.in_progress, Op.paused})


def order_transition(current: OrderStatus, wanted: OrderStatus, what: str) -> OrderStatus:
    """`wanted` if it is the status already or the table allows it from `current`; else
    InvalidTransition naming the statuses that are allowed."""
    if current == wanted:
        return wanted
    return transition(ORDER_TRANSITIONS, current, wanted, what)


def allowed_events(status: OperationStatus) -> list[str]:
    return sorted(OPERATION_MOVES[status])


@dataclass(frozen=True)
class Report:
    """What one operation event carries."""

    kind: EventKind
    started: Decimal = ZERO
    good: Decimal = ZERO
    scrap: Decimal = ZERO
    rework: Decimal = ZERO


@dataclass(frozen=True)
class Tally:
    """An operation's state as its events leave it: status and quantity totals."""

    status: OperationStatus
    started: Decimal = ZERO
    good: Decimal = ZERO
    scrap: Decimal = ZERO
    rework: Decimal = ZERO

    @property
    def reported(self) -> Decimal:
        return self.good + self.scrap + self.rework


def apply(tally: Tally, report: Report, what: str) -> Tally:
    """The tally after one more event, in order; refuses a move the table does not allow
    (InvalidTransition, with the events allowed) and a report beyond what was started
    (ValueError: the caller names the field)."""
    moves = OPERATION_MOVES[tally.status]
    if report.kind not in moves:
        options = ", ".join(allowed_events(tally.status)) or "none"
        raise InvalidTransition(
            f"{what} is {tally.status}: {report.kind} is not allowed (allowed: {options})"
        )
    after = _added(tally, report, moves[report.kind])
    if after.reported > after.started:
        raise ValueError(
            f"reports {after.reported.normalize():f} in all (good, scrap and rework) but "
            f"{after.started.normalize():f} were started"
        )
    return after


def refold(start: OperationStatus, reports: Iterable[Report]) -> tuple[Tally, int]:
    """The tally of events taken in the order they occurred, however they arrived: every
    quantity counts; a move the table does not allow at its place is not applied (its event
    stays flagged). Returns the tally and how many moves did not fit."""
    tally, misfits = Tally(start), 0
    for report in reports:
        target = OPERATION_MOVES[tally.status].get(report.kind)
        if target is None:
            misfits += 1
            target = tally.status
        tally = _added(tally, report, target)
    return tally, misfits


def _added(tally: Tally, report: Report, status: OperationStatus) -> Tally:
    return replace(
        tally,
        status=status,
        started=tally.started + report.started,
        good=tally.good + report.good,
        scrap=tally.scrap + report.scrap,
        rework=tally.rework + report.rework,
    )


def order_status(operations: list[OperationStatus], fallback: OrderStatus) -> OrderStatus:
    """What an order's operations make of it (an order without hold, close or cancel):
    completed when all are, in progress while one is under way or work sits between two,
    paused when every one under way is paused, `fallback` (ready or waiting for material)
    before anything started."""
    if operations and all(s is Op.completed for s in operations):
        return O.completed
    if Op.in_progress in operations:
        return O.in_progress
    if Op.paused in operations:
        return O.paused
    if Op.completed in operations:
        return O.in_progress
    return fallback


def ready_after(previous: OperationStatus | None) -> OperationStatus:
    """An operation not yet started is ready once the one before it is complete (or it is
    the first); released otherwise."""
    return Op.ready if previous in (None, Op.completed) else Op.released
