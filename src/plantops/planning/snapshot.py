"""What a plan run reads: one site's plant, as the MRP engine's input, with every problem
of the data found at once (nothing is planned from inconsistent data)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.errors import FieldError
from plantops.masterdata import models as md
from plantops.masterdata.availability import shift_calendar
from plantops.masterdata.bom_graph import BomLine, gross_quantity, in_effect
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.mrp import Bom, Demand, Item, LotRule, LotSizing, MrpProblem, Supply
from plantops.planning.mrp.workdays import WorkingDays, from_calendar
from plantops.planning.schedule_input import Order
from plantops.types import ON_THE_FLOOR, MakeOrBuy, OrderStatus

OTHER_SITE = "names an item of another site"
# kept by a run: what planners accepted, and what is on the floor and still to come
OPEN = (OrderStatus.approved, OrderStatus.firm, *ON_THE_FLOOR)


@dataclass(frozen=True)
class Policy:
    frozen_fence_days: int = 0
    horizon_days: int = 42
    defer_tolerance_days: int = 5
    calendar_id: int | None = None


@dataclass
class Snapshot:
    """The site's MRP problem and how its ids map back to stored rows."""

    site_id: int
    problem: MrpProblem
    item_ids: dict[str, int]  # item code -> id
    demand_kinds: dict[str, str]  # demand id -> "sales_order_line" or "order"
    problems: list[FieldError] = field(default_factory=list)
    open_made: list[Order] = field(default_factory=list)  # approved, firm, released
    priorities: dict[str, int] = field(default_factory=dict)  # sales demand id -> priority
    costs: dict[str, Decimal] = field(default_factory=dict)  # item code -> standard cost


def policy_of(session: Session, site_id: int) -> Policy:
    row = session.scalar(select(m.PlanningPolicy).where(m.PlanningPolicy.site_id == site_id))
    if row is None:
        return Policy()
    return Policy(
        row.frozen_fence_days, row.horizon_days, row.defer_tolerance_days, row.calendar_id
    )


def take_snapshot(session: Session, site: Site, today: date, horizon_days: int) -> Snapshot:
    """Read the site's items, bills, routings, demand within the horizon and open orders."""
    policy = policy_of(session, site.id)
    problems: list[FieldError] = []
    items = session.execute(select(*ITEM_COLUMNS).where(md.Item.site_id == site.id)).all()
    codes = {item.id: item.code for item in items}
    routed = set(session.scalars(select(md.Routing.item_id).where(md.Routing.site_id == site.id)))
    for item in items:
        if item.make_or_buy is MakeOrBuy.make and item.id not in routed:
            problems.append(FieldError(("items", item.code, "routing"), "made but has no routing"))
    boms = _boms(session, site, codes, problems)
    priorities: dict[str, int] = {}
    until = today + timedelta(horizon_days)
    demands = _sales_demand(session, site, codes, until, problems, priorities)
    supplies, needs, open_made = _open_orders(session, site, codes, boms)
    calendar = _working_days(session, site, policy, today, horizon_days, problems)
    fence = calendar.ahead(today, policy.frozen_fence_days) if policy.frozen_fence_days else None
    problem = MrpProblem(
        items=tuple(_item(item) for item in items),
        boms=boms,
        demands=(*demands, *needs),
        supplies=tuple(supplies),
        calendar=calendar,
        today=today,
        defer_tolerance_days=policy.defer_tolerance_days,
        frozen_until=fence,
    )
    kinds = {d.id: "sales_order_line" for d in demands} | {d.id: "order" for d in needs}
    item_ids = {code: id_ for id_, code in codes.items()}
    costs = {item.code: item.standard_cost for item in items}
    return Snapshot(site.id, problem, item_ids, kinds, problems, open_made, priorities, costs)


# the columns MRP reads, as plain rows: a plant's 50,000 items and 100,000 bill lines load
# several times faster than as ORM objects
ITEM_COLUMNS = (
    md.Item.id, md.Item.code, md.Item.make_or_buy, md.Item.lead_time_days, md.Item.safety_stock,
    md.Item.lot_size_rule, md.Item.lot_size_fixed, md.Item.lot_size_min, md.Item.lot_size_max,
    md.Item.lot_size_multiple, md.Item.lot_size_periods, md.Item.standard_cost,
)  # fmt: skip


def _item(item: Any) -> Item:  # a row of ITEM_COLUMNS
    lot = LotSizing(
        LotRule(item.lot_size_rule.value),
        item.lot_size_fixed,
        item.lot_size_min,
        item.lot_size_max,
        item.lot_size_multiple,
        item.lot_size_periods,
    )
    return Item(
        item.code,
        make=item.make_or_buy is MakeOrBuy.make,
        lead_time_days=item.lead_time_days,
        safety_stock=item.safety_stock,
        lot=lot,
    )


def _boms(
    session: Session, site: Site, codes: dict[int, str], problems: list[FieldError]
) -> tuple[Bom, ...]:
    line = md.BomLine
    lines: dict[int, list[Any]] = defaultdict(list)  # bom id -> its line rows
    for row in session.execute(
        select(
            line.bom_id, line.id, line.component_item_id, line.quantity_per, line.scrap_factor,
            line.valid_from, line.valid_to,
        )
        .join(md.Bom, md.Bom.id == line.bom_id)
        .where(md.Bom.site_id == site.id)
        .order_by(line.bom_id, line.id)
    ):  # fmt: skip
        lines[row.bom_id].append(row)
    out = []
    for bom in session.execute(
        select(
            md.Bom.id, md.Bom.code, md.Bom.item_id, md.Bom.quantity, md.Bom.valid_from,
            md.Bom.valid_to,
        ).where(md.Bom.site_id == site.id)
    ):  # fmt: skip
        kept = []
        for row in lines[bom.id]:
            component = codes.get(row.component_item_id)
            if component is None:  # a component kept at another site: not plannable here
                where = ("boms", bom.code, "lines", row.id, "component_item_id")
                problems.append(FieldError(where, OTHER_SITE))
                continue
            kept.append(
                BomLine(component, row.quantity_per, row.scrap_factor, row.valid_from, row.valid_to)
            )
        if bom.item_id not in codes:
            problems.append(FieldError(("boms", bom.code, "item_id"), OTHER_SITE))
            continue
        out.append(Bom(codes[bom.item_id], tuple(kept), bom.quantity, bom.valid_from, bom.valid_to))
    return tuple(out)


def _sales_demand(
    session: Session,
    site: Site,
    codes: dict[int, str],
    until: date,
    problems: list[FieldError],
    priorities: dict[str, int],
) -> list[Demand]:
    """Sales order lines due by the end of the horizon, as "ORDER/line" demands."""
    line = m.SalesOrderLine
    rows = session.execute(
        select(
            m.SalesOrder.code,
            line.line_no,
            line.item_id,
            line.quantity,
            line.due_date,
            line.priority,
        )
        .join(m.SalesOrderLine, m.SalesOrderLine.sales_order_id == m.SalesOrder.id)
        .where(m.SalesOrder.site_id == site.id, m.SalesOrderLine.due_date <= until)
    ).all()
    out = []
    for order, line_no, item_id, quantity, due, priority in rows:
        if item_id not in codes:
            where = ("sales_orders", order, "lines", line_no, "item_id")
            problems.append(FieldError(where, OTHER_SITE))
            continue
        key = f"{order}/{line_no}"
        out.append(Demand(key, codes[item_id], quantity, due))
        priorities[key] = priority
    return out


def _open_orders(
    session: Session,
    site: Site,
    codes: dict[int, str],
    boms: tuple[Bom, ...],
) -> tuple[list[Supply], list[Demand], list[Order]]:
    """Approved, firm and released orders not yet completed: open supply; a production
    order's components are needed on its release date."""
    supplies: list[Supply] = []
    needs: list[Demand] = []
    made = session.scalars(
        select(m.ProductionOrder).where(
            m.ProductionOrder.site_id == site.id,
            m.ProductionOrder.status.in_(OPEN),
            m.ProductionOrder.scenario_id.is_(None),
        )
    ).all()
    bought = session.scalars(
        select(m.PurchaseOrder).where(
            m.PurchaseOrder.site_id == site.id,
            m.PurchaseOrder.status.in_(OPEN),
            m.PurchaseOrder.scenario_id.is_(None),
        )
    ).all()
    open_orders: list[m.ProductionOrder | m.PurchaseOrder] = [*made, *bought]
    for order in open_orders:
        supplies.append(Supply(order.code, codes[order.item_id], order.quantity, order.due_date))
    orders = [
        Order(o.code, codes[o.item_id], o.quantity, o.release_date, o.due_date, o.priority)
        for o in made
    ]
    for order in made:
        item = codes[order.item_id]
        on = order.release_date
        bill = next(
            (b for b in boms if b.item == item and in_effect(on, b.valid_from, b.valid_to)), None
        )
        if bill is None:
            continue
        for line in bill.lines:
            if line.effective(on):
                quantity = _rounded(gross_quantity(line, order.quantity, bill.quantity))
                needs.append(Demand(f"{order.code}>{line.component}", line.component, quantity, on))
    return supplies, needs, orders


def _rounded(quantity: Decimal) -> Decimal:
    """To the millionth the database stores, up: a component short by a rounding is short."""
    return quantity.quantize(Decimal("0.000001"), rounding=ROUND_CEILING)


def _working_days(
    session: Session,
    site: Site,
    policy: Policy,
    today: date,
    horizon_days: int,
    problems: list[FieldError],
) -> WorkingDays:
    """The policy's calendar over the horizon (and back a year, for lead times offset into
    the past); Monday to Friday when the site has chosen none."""
    if policy.calendar_id is None:
        return WorkingDays()
    calendar = session.get(md.Calendar, policy.calendar_id)
    if calendar is None or calendar.site_id != site.id:
        problems.append(
            FieldError(("planning_policy", "calendar_id"), "not a calendar of the site")
        )
        return WorkingDays()
    first, last = today - timedelta(days=366), today + timedelta(days=horizon_days + 366)
    try:
        return from_calendar(shift_calendar(calendar, site.time_zone, []), first, last)
    except ValueError as error:
        problems.append(FieldError(("planning_policy", "calendar_id"), str(error)))
        return WorkingDays()
