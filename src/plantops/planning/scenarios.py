"""What-if scenarios: changes to demand, capacity and priorities that a scenario's plan runs
apply to what they read (never to the master data), and the comparison of a scenario's last
run with the plan's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, TypeAdapter, model_validator

from plantops.errors import FieldError
from plantops.planning.crews import intersect, union
from plantops.planning.mrp import Demand
from plantops.planning.shop import Shop
from plantops.planning.snapshot import Snapshot
from plantops.resources.fields import Code, PositiveQuantity, Schema


class DemandChange(Schema):
    """A sales order line ("SO-1/2") with another quantity or due date."""

    kind: Literal["demand"]
    sales_order_line: str = Field(min_length=3, max_length=80)
    quantity: PositiveQuantity | None = None
    due_date: date | None = None


class NewDemand(Schema):
    """An order that is not (yet) in the books: a rush order, a forecast."""

    kind: Literal["new_demand"]
    item: Code
    quantity: PositiveQuantity
    due_date: date
    priority: int = Field(default=3, ge=1, le=9)


class PriorityChange(Schema):
    kind: Literal["priority"]
    sales_order_line: str = Field(min_length=3, max_length=80)
    priority: int = Field(ge=1, le=9)


class CapacityChange(Schema):
    """An extra shift on a work center, or the work center down, between two instants."""

    kind: Literal["extra_shift", "down"]
    work_center: Code
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> CapacityChange:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


Change = Annotated[
    DemandChange | NewDemand | PriorityChange | CapacityChange, Field(discriminator="kind")
]
CHANGES: TypeAdapter[list[Change]] = TypeAdapter(list[Change])


def apply_changes(changes: list[dict[str, Any]], snapshot: Snapshot, shop: Shop) -> None:
    """Apply a scenario's stored changes to what its run read; what they name but the site
    does not have becomes a problem of the run."""
    demands = {d.id: d for d in snapshot.problem.demands}
    added: list[Demand] = []
    for n, change in enumerate(CHANGES.validate_python(changes)):
        where: tuple[str | int, ...] = ("changes", n)
        if isinstance(change, DemandChange | PriorityChange):
            if change.sales_order_line not in demands:
                message = f"no sales order line {change.sales_order_line} within the horizon"
                snapshot.problems.append(FieldError((*where, "sales_order_line"), message))
            elif isinstance(change, DemandChange):
                old = demands[change.sales_order_line]
                quantity = change.quantity or old.quantity
                demands[old.id] = replace(old, quantity=quantity, due=change.due_date or old.due)
            else:
                snapshot.priorities[change.sales_order_line] = change.priority
        elif isinstance(change, NewDemand):
            if change.item not in snapshot.item_ids:
                snapshot.problems.append(FieldError((*where, "item"), f"no item {change.item}"))
                continue
            key = f"what-if/{n + 1}"
            added.append(Demand(key, change.item, Decimal(change.quantity), change.due_date))
            snapshot.demand_kinds[key] = "sales_order_line"
            snapshot.priorities[key] = change.priority
        else:
            _capacity(change, shop, where, snapshot.problems)
    problem = snapshot.problem
    snapshot.problem = replace(problem, demands=(*demands.values(), *added))


def _capacity(
    change: CapacityChange, shop: Shop, where: tuple[str | int, ...], problems: list[FieldError]
) -> None:
    found = [r for r in shop.resources if r.id == change.work_center]
    if not found:
        problems.append(FieldError((*where, "work_center"), f"no work center {change.work_center}"))
        return
    resource = found[0]
    window = (shop.seconds(change.starts_at), shop.seconds(change.ends_at))
    available = list(resource.available or ())
    if change.kind == "extra_shift":
        # the plan starts now (0): an extra shift already worked, or partly, adds only what
        # is left of it (the scenario may have been made before the shift began)
        if window[1] > 0:
            available = union([*available, (max(0, window[0]), window[1])])
    else:  # down: everything but the window
        before, after = (-(1 << 40), window[0]), (window[1], 1 << 40)
        available = intersect(available, [before, after])
    shop.resources = tuple(
        replace(r, available=tuple(available)) if r is resource else r for r in shop.resources
    )
