"""Plant vocabulary shared by every domain: enumerations and small value types."""

from __future__ import annotations

from enum import StrEnum


class ItemType(StrEnum):
    raw_material = "raw_material"
    purchased_part = "purchased_part"
    manufactured_part = "manufactured_part"
    finished_good = "finished_good"


class MakeOrBuy(StrEnum):
    make = "make"
    buy = "buy"


class LotSizeRule(StrEnum):
    lot_for_lot = "lot_for_lot"
    fixed = "fixed"
    min_max_multiple = "min_max_multiple"
    period = "period"  # period order quantity: the needs of lot_size_periods working days


class WorkCenterKind(StrEnum):
    machine = "machine"
    line = "line"
    manual_station = "manual_station"


class ReasonKind(StrEnum):
    downtime = "downtime"
    scrap = "scrap"
    rework = "rework"


class LossCategory(StrEnum):
    """Where a reason code's time or quantity lands in the ISO 22400 loss tree."""

    planned_downtime = "planned_downtime"  # outside PBT (POT - planned downtime)
    breakdown = "breakdown"  # ADET: malfunction
    minor_stop = "minor_stop"  # ADET: short stops
    setup = "setup"  # ASUT
    speed_loss = "speed_loss"  # APT at less than the planned rate (PRU)
    scrap = "scrap"  # SQ
    rework = "rework"  # RQ


# The ISO 22400-2 element each loss category is booked against.
ISO_ELEMENT: dict[LossCategory, str] = {
    LossCategory.planned_downtime: "PDOT",
    LossCategory.breakdown: "ADET",
    LossCategory.minor_stop: "ADET",
    LossCategory.setup: "ASUT",
    LossCategory.speed_loss: "APT",
    LossCategory.scrap: "SQ",
    LossCategory.rework: "RQ",
}

# Which loss categories a reason of each kind may carry.
ALLOWED_LOSSES: dict[ReasonKind, frozenset[LossCategory]] = {
    ReasonKind.downtime: frozenset(
        {
            LossCategory.planned_downtime,
            LossCategory.breakdown,
            LossCategory.minor_stop,
            LossCategory.setup,
            LossCategory.speed_loss,
        }
    ),
    ReasonKind.scrap: frozenset({LossCategory.scrap}),
    ReasonKind.rework: frozenset({LossCategory.rework}),
}


class CalendarExceptionKind(StrEnum):
    closed = "closed"  # holiday, shutdown: no capacity in the window
    open = "open"  # extra shift: capacity in the window


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


class OrderStatus(StrEnum):
    """A production or purchase order: planning moves it up to released (proposed, approved
    and firm are "planned"), execution takes a production order on from there."""

    proposed = "proposed"  # made by the last plan run; the next one replaces it
    approved = "approved"  # a planner accepted it: kept, but the plan may still move it
    firm = "firm"  # frozen: the next plan run keeps it where it is
    released = "released"  # on the floor (a production order) or sent (a purchase)
    # a production order on the floor (plantops.execution.lifecycle)
    ready = "ready"  # released, its material there: it may start
    waiting_for_material = "waiting_for_material"  # released, a component short
    in_progress = "in_progress"
    paused = "paused"  # every operation under way is paused
    on_hold = "on_hold"  # a supervisor stopped it (quality, a customer's change)
    completed = "completed"  # its last operation is complete
    closed = "closed"  # booked and done: nothing more may be reported
    cancelled = "cancelled"


# A production order whose quantity is still to come: planning counts it as supply.
ON_THE_FLOOR = (
    OrderStatus.released,
    OrderStatus.ready,
    OrderStatus.waiting_for_material,
    OrderStatus.in_progress,
    OrderStatus.paused,
    OrderStatus.on_hold,
)


class OperationStatus(StrEnum):
    """One operation of a released production order, on the floor."""

    released = "released"  # its order is released; the operation before it is not done
    ready = "ready"  # it may start
    waiting_for_material = "waiting_for_material"
    in_progress = "in_progress"
    paused = "paused"
    completed = "completed"
    cancelled = "cancelled"  # its order was cancelled (a hold stops the whole order)


class WorkCenterState(StrEnum):
    """What a work center is doing, as its terminal reports it."""

    running = "running"
    idle = "idle"
    setup = "setup"
    down = "down"  # unplanned: a reason is required
    planned_stop = "planned_stop"  # maintenance, break, no order planned


class PlanRunKind(StrEnum):
    plan = "plan"  # MRP and a fresh schedule of the horizon
    reschedule = "reschedule"  # the schedule repaired from the floor's state (a disruption)


class PlanRunStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"  # the input was inconsistent (see its problems) or the run broke
    cancelled = "cancelled"


class StockMoveKind(StrEnum):
    """What a stock move records (plantops.inventory)."""

    receipt = "receipt"  # bought material arrives
    issue = "issue"  # taken to a production order
    backflush = "backflush"  # consumed by what an order reported, from its BOM
    production_receipt = "production_receipt"  # what an order made, into stock
    scrap = "scrap"  # scrapped from stock
    transfer = "transfer"  # from one location to another (two legs)
    adjustment = "adjustment"  # corrected, with a reason
    cycle_count = "cycle_count"  # counted: the difference to what was on hand
