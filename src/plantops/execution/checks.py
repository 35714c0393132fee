"""Which fields each kind of event needs and takes, and when an event counts as late. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from plantops.errors import FieldError
from plantops.execution.lifecycle import EventKind
from plantops.execution.schemas import EventIn
from plantops.types import WorkCenterState

E = EventKind
OPTIONAL = {"note"}
_OPERATION = {"order_operation_id"}
_WHO = {"employee_id"}
_COUNTS = {"good", "scrap", "rework", "scrap_reason_code_id", "reason_code_id"}

# kind -> (fields it needs, further fields it takes)
FIELDS: dict[EventKind, tuple[set[str], set[str]]] = {
    E.operation_start: (_OPERATION, _WHO | {"quantity", "work_center_id"}),
    E.operation_pause: (_OPERATION | {"reason_code_id"}, _WHO),
    E.operation_resume: (_OPERATION, _WHO),
    E.operation_report: (_OPERATION, _WHO | _COUNTS),
    E.operation_complete: (_OPERATION, _WHO | _COUNTS),
    E.order_hold: ({"production_order_id", "note"}, set()),
    E.order_release_hold: ({"production_order_id"}, set()),
    E.order_close: ({"production_order_id"}, set()),
    E.order_cancel: ({"production_order_id", "note"}, set()),
    E.work_center_state: ({"work_center_id", "state"}, _WHO | {"reason_code_id"}),
    E.clock_in: (_WHO, {"work_center_id"}),
    E.clock_out: (_WHO, set()),
}
SUBJECT_FIELDS = ("idempotency_key", "kind", "occurred_at")

# Units that count pieces (item.uom is free text: the plants' own spellings): a quantity of
# them is whole, and a fraction is a slip of the finger. kg, m, l and the like keep decimals.
PIECE_UNITS = frozenset(
    {"pc", "pcs", "piece", "pieces", "ea", "each", "st", "stk", "stück", "unit", "units",
     "set", "sets", "pair", "pairs", "pr"}
)  # fmt: skip
QUANTITY_FIELDS = ("quantity", "good", "scrap", "rework")

# An event this old when it arrives was buffered by a terminal that was offline.
DELAYED_AFTER = timedelta(minutes=10)
# A terminal's clock this far ahead of the server's is wrong: the event is kept as sent.
AHEAD_AFTER = timedelta(minutes=2)


def field_problems(event: EventIn) -> list[FieldError]:
    """Fields the event's kind needs but lacks, takes no such field, or combines wrongly."""
    needed, taken = FIELDS[event.kind]
    given = {
        name
        for name in EventIn.model_fields
        if name not in SUBJECT_FIELDS and getattr(event, name) is not None
    }
    problems = [FieldError((name,), f"{event.kind} needs it") for name in sorted(needed - given)]
    for name in sorted(given - needed - taken - OPTIONAL):
        problems.append(FieldError((name,), f"{event.kind} does not take it"))
    if event.kind in (E.operation_report, E.operation_complete):
        problems += _count_problems(event)
    down = event.kind is E.work_center_state and event.state is WorkCenterState.down
    if down and event.reason_code_id is None:
        problems.append(FieldError(("reason_code_id",), "a work center down needs a reason"))
    return problems


def _count_problems(event: EventIn) -> list[FieldError]:
    problems: list[FieldError] = []
    counts = [event.good, event.scrap, event.rework]
    if event.kind is E.operation_report and not any(c for c in counts if c):
        problems.append(FieldError(("good",), "a report needs good, scrap or rework above 0"))
    if event.scrap and event.scrap_reason_code_id is None:
        problems.append(FieldError(("scrap_reason_code_id",), "scrap needs a reason"))
    if event.scrap_reason_code_id is not None and not event.scrap:
        problems.append(FieldError(("scrap_reason_code_id",), "given without scrap"))
    if event.reason_code_id is not None and not event.rework:
        problems.append(FieldError(("reason_code_id",), "a report's reason is for rework"))
    return problems


def counts_pieces(uom: str) -> bool:
    return uom.strip().casefold().rstrip(".") in PIECE_UNITS


def fraction_problems(event: EventIn, uom: str) -> list[FieldError]:
    """The event's quantities that are fractions of a piece, for an item counted in pieces."""
    if not counts_pieces(uom):
        return []
    problems = []
    for name in QUANTITY_FIELDS:
        value: Decimal | None = getattr(event, name)
        if value is not None and value != value.to_integral_value():
            message = f"{value.normalize():f} is not a whole number of {uom}"
            problems.append(FieldError((name,), message))
    return problems


@dataclass(frozen=True)
class Timing:
    """How an event's moment relates to its subject's history and to the server's clock.

    `late` flags it for a supervisor: it occurred before the latest event already recorded
    for its subject, or arrives long after it occurred. `buffered` (it arrives long after it
    occurred: an offline terminal's) makes it a fact to fit in, never refused for its place
    in the lifecycle; an event sent live must fit the subject as it is now, so ten sessions
    sending "complete" at once complete it once, whatever their clocks say."""

    late: bool
    buffered: bool
    flags: list[str]


def timing(occurred_at: datetime, recorded_at: datetime, latest: datetime | None) -> Timing:
    flags: list[str] = []
    out_of_order = latest is not None and occurred_at < latest
    if out_of_order:
        flags.append(f"out of order: occurred before the latest event of its subject ({latest})")
    delay = recorded_at - occurred_at
    buffered = delay > DELAYED_AFTER
    if buffered:
        flags.append(f"delayed: recorded {_span(delay)} after it occurred")
    if -delay > AHEAD_AFTER:
        flags.append(f"clock ahead: occurred {_span(-delay)} after the server recorded it")
    return Timing(out_of_order or buffered, buffered, flags)


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
