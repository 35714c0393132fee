"""Material requirements planning: a pure engine (DESIGN.md rule 1).

`plan(MrpProblem) -> MrpResult`: gross to net requirements through multi-level bills of
materials by low-level code, with stock, allocations, open supply, safety stock, scrap,
effectivity dates, lot sizing and lead-time offsetting in working days; pegging both ways;
exception messages; the textbook MRP record of every item."""

from plantops.planning.mrp.engine import plan
from plantops.planning.mrp.problem import (
    Bom,
    Demand,
    Item,
    LotRule,
    LotSizing,
    MrpProblem,
    Supply,
)
from plantops.planning.mrp.result import (
    ON_HAND,
    Bucket,
    Cover,
    ExceptionKind,
    ExceptionMessage,
    MrpResult,
    Peg,
    PlannedOrder,
)
from plantops.planning.mrp.validate import MrpInputError
from plantops.planning.mrp.workdays import WorkingDays

__all__ = [
    "ON_HAND",
    "Bom",
    "Bucket",
    "Cover",
    "Demand",
    "ExceptionKind",
    "ExceptionMessage",
    "Item",
    "LotRule",
    "LotSizing",
    "MrpInputError",
    "MrpProblem",
    "MrpResult",
    "Peg",
    "PlannedOrder",
    "Supply",
    "WorkingDays",
    "plan",
]
