"""Material requirements planning: a pure engine (DESIGN.md rule 1).

`plan(MrpProblem) -> MrpResult`: gross to net requirements through multi-level bills of
materials by low-level code, with stock, allocations, open supply, safety stock, scrap,
effectivity dates, lot sizing and lead-time offsetting in working days; one-level links
between supply and what requires it, which `Pegging` follows across levels; exception
messages; the textbook MRP record of every item."""

from plantops.planning.mrp.engine import plan
from plantops.planning.mrp.pegging import Pegging
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
    ALLOCATED,
    ON_HAND,
    SAFETY_STOCK,
    Bucket,
    Cover,
    ExceptionKind,
    ExceptionMessage,
    Link,
    MrpResult,
    PlannedOrder,
    Source,
)
from plantops.planning.mrp.validate import MrpInputError
from plantops.planning.mrp.workdays import WorkingDays

__all__ = [
    "ALLOCATED",
    "ON_HAND",
    "SAFETY_STOCK",
    "Bom",
    "Bucket",
    "Cover",
    "Demand",
    "ExceptionKind",
    "ExceptionMessage",
    "Item",
    "Link",
    "LotRule",
    "LotSizing",
    "MrpInputError",
    "MrpProblem",
    "MrpResult",
    "Pegging",
    "PlannedOrder",
    "Source",
    "Supply",
    "WorkingDays",
    "plan",
]
