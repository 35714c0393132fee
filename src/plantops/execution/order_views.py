"""The production orders as the orders pages list them: filtered by site, status, lateness,
customer, due date and item, each with the customers it is for (followed through the plan's
pegging up to the sales orders: an order pegged to none is made for stock)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.execution.models import OrderOperation
from plantops.masterdata.models import Item
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.queries import MAX_LEVELS
from plantops.types import OrderStatus

O = OrderStatus  # noqa: E741
PO = m.ProductionOrder
FINISHED = (O.completed, O.closed, O.cancelled)  # nothing more is to come of these
STOCK = "stock"  # the customer filter's value for orders pegged to no sales order
LIMIT = 1000  # rows listed at once; the total says how many matched
CHUNK = 500  # codes per IN list


@dataclass(frozen=True)
class OrderFilter:
    site_ids: tuple[int, ...] | None = None  # None: every site of the caller
    statuses: tuple[OrderStatus, ...] = ()  # none: every status
    late: bool = False  # only the late ones (see `lateness`)
    customer: str | None = None  # a customer's code, or STOCK
    item: str | None = None  # part of an item's code or name, any case
    due_from: date | None = None
    due_until: date | None = None  # inclusive


@dataclass(frozen=True)
class OrderLine:
    id: int
    code: str
    site_code: str
    item_code: str
    item_name: str
    quantity: Decimal
    made: Decimal  # good quantity of its last operation on the floor
    status: OrderStatus
    priority: int
    release_date: date
    due_date: date
    scheduled_start: datetime | None
    scheduled_end: datetime | None
    late_seconds: int
    lateness: str | None  # "overdue", "at risk" or None
    customers: tuple[str, ...]  # names; none: made for stock


@dataclass(frozen=True)
class OrderList:
    lines: list[OrderLine]
    total: int  # how many matched; the first LIMIT are listed


def site_days(sites: Iterable[Site], now: datetime) -> dict[int, date]:
    """Each site's date now, in its own time zone (an order is overdue after its due day)."""
    return {s.id: now.astimezone(ZoneInfo(s.time_zone)).date() for s in sites}


def lateness(status: OrderStatus, due: date, late_seconds: int | None, today: date) -> str | None:
    """Late: not finished and past its due day (overdue), or scheduled to end after it (at
    risk). A finished order is no longer late, whatever its plan said."""
    if status in FINISHED:
        return None
    if due < today:
        return "overdue"
    return "at risk" if (late_seconds or 0) > 0 else None


def _conditions(caller: Caller, where: OrderFilter, days: dict[int, date]) -> list[Any]:
    found: list[Any] = [PO.scenario_id.is_(None), *caller.scope.conditions(PO.site_id)]
    if where.site_ids is not None:
        found.append(PO.site_id.in_(where.site_ids))
    if where.statuses:
        found.append(PO.status.in_(where.statuses))
    if where.due_from is not None:
        found.append(PO.due_date >= where.due_from)
    if where.due_until is not None:
        found.append(PO.due_date <= where.due_until)
    if where.item:
        part = where.item.strip().lower()
        found.append(
            or_(
                func.lower(Item.code).contains(part, autoescape=True),
                func.lower(Item.name).contains(part, autoescape=True),
            )
        )
    if where.late:
        overdue: list[ColumnElement[bool]] = [
            (PO.site_id == site) & (PO.due_date < today) for site, today in days.items()
        ]
        found += [PO.status.not_in(FINISHED), or_(PO.late_seconds > 0, false(), *overdue)]
    return found


def list_orders(session: Session, caller: Caller, where: OrderFilter, now: datetime) -> OrderList:
    """The orders of the plan (not of what-if scenarios) matching `where`, open ones first,
    then by due date; at most LIMIT of them, and how many matched."""
    caller.require(Domain.planning, Action.read, "production orders")
    sites = {
        s.id: s for s in session.scalars(select(Site).where(*caller.scope.conditions(Site.id)))
    }
    days = site_days(sites.values(), now)
    base = select(PO.id, PO.code, PO.site_id).join(Item, Item.id == PO.item_id)
    matched = session.execute(
        base.where(*_conditions(caller, where, days)).order_by(
            PO.status.in_(FINISHED), PO.due_date, PO.code
        )
    ).all()
    pegged = customers_of(session, [(code, site) for _, code, site in matched])
    if where.customer:
        wanted = where.customer

        def fits(code: str, site: int) -> bool:
            names = pegged.get((site, code), {})
            return not names if wanted == STOCK else wanted in names

        matched = [row for row in matched if fits(row.code, row.site_id)]
    shown = [row.id for row in matched[:LIMIT]]
    lines = _lines(session, shown, sites, days, pegged)
    return OrderList(lines, len(matched))


def _lines(
    session: Session,
    ids: list[int],
    sites: dict[int, Site],
    days: dict[int, date],
    pegged: dict[tuple[int, str], dict[str, str]],
) -> list[OrderLine]:
    made = last_good(session, ids)
    rows: dict[int, tuple[m.ProductionOrder, str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for order, code, name in session.execute(
            select(PO, Item.code, Item.name)
            .join(Item, Item.id == PO.item_id)
            .where(PO.id.in_(chunk))
        ):
            rows[order.id] = (order, code, name)
    lines = []
    for ident in ids:
        o, item_code, item_name = rows[ident]
        lines.append(
            OrderLine(
                o.id, o.code, sites[o.site_id].code, item_code, item_name, o.quantity,
                made.get(o.id, Decimal(0)), o.status, o.priority, o.release_date, o.due_date,
                o.scheduled_start, o.scheduled_end, o.late_seconds or 0,
                lateness(o.status, o.due_date, o.late_seconds, days[o.site_id]),
                tuple(sorted(pegged.get((o.site_id, o.code), {}).values())),
            )
        )  # fmt: skip
    return lines


def last_good(session: Session, order_ids: Sequence[int]) -> dict[int, Decimal]:
    """Each order's good quantity so far: that of its last operation (what left the line)."""
    found: dict[int, tuple[int, Decimal]] = {}
    for start in range(0, len(order_ids), CHUNK):
        chunk = order_ids[start : start + CHUNK]
        for order_id, sequence, good in session.execute(
            select(
                OrderOperation.production_order_id, OrderOperation.sequence, OrderOperation.good
            ).where(OrderOperation.production_order_id.in_(chunk))
        ):
            if order_id not in found or sequence > found[order_id][0]:
                found[order_id] = (sequence, good)
    return {order_id: good for order_id, (_, good) in found.items()}


def customers_of(
    session: Session, orders: Sequence[tuple[str, int]]
) -> dict[tuple[int, str], dict[str, str]]:
    """(site id, order code) -> the customers (code -> name) of the sales order lines the
    order serves, level by level through the orders in between, for many orders at once
    (the plan's PlanLinks, as planning.queries.pegging follows them for one)."""
    by_site: dict[int, set[str]] = {}
    for code, site in orders:
        by_site.setdefault(site, set()).add(code)
    found: dict[tuple[int, str], dict[str, str]] = {}
    for site, codes in by_site.items():
        sold = _sales_orders(session, site, codes)
        names = _customer_names(session, site, {so for sos in sold.values() for so in sos})
        for code, sales_orders in sold.items():
            found[(site, code)] = {}
            for so in sales_orders:
                found[(site, code)] |= names.get(so, {})
    return found


def _sales_orders(session: Session, site: int, codes: set[str]) -> dict[str, set[str]]:
    """Order code -> the codes of the sales orders it ends up serving."""
    runs = select(m.PlanRun.id).where(m.PlanRun.site_id == site, m.PlanRun.scenario_id.is_(None))
    reached: dict[str, set[str]] = {code: {code} for code in codes}  # order -> origins
    frontier = dict(reached)
    sold: dict[str, set[str]] = {}
    for _ in range(MAX_LEVELS):
        if not frontier:
            break
        after: dict[str, set[str]] = {}
        supplies = list(frontier)
        for start in range(0, len(supplies), CHUNK):
            links = session.execute(
                select(m.PlanLink.supply, m.PlanLink.demand_kind, m.PlanLink.demand).where(
                    m.PlanLink.plan_run_id.in_(runs),
                    m.PlanLink.supply.in_(supplies[start : start + CHUNK]),
                )
            )
            for supply, kind, demand in links:
                origins = frontier[supply]
                if kind == "order":
                    new = origins - reached.setdefault(demand, set())
                    if new:
                        reached[demand] |= new
                        after.setdefault(demand, set()).update(new)
                elif kind == "sales_order_line":  # "SO-7/2": sales order SO-7, line 2
                    for origin in origins:
                        sold.setdefault(origin, set()).add(demand.rpartition("/")[0])
        frontier = after
    return sold


def _customer_names(
    session: Session, site: int, sales_orders: set[str]
) -> dict[str, dict[str, str]]:
    """Sales order code -> {customer code: name}."""
    found: dict[str, dict[str, str]] = {}
    codes = sorted(sales_orders)
    for start in range(0, len(codes), CHUNK):
        for so, code, name in session.execute(
            select(m.SalesOrder.code, m.Customer.code, m.Customer.name)
            .join(m.Customer, m.Customer.id == m.SalesOrder.customer_id)
            .where(
                m.SalesOrder.site_id == site, m.SalesOrder.code.in_(codes[start : start + CHUNK])
            )
        ):
            found[so] = {code: name}
    return found


def customers(session: Session, caller: Caller, site_ids: Sequence[int]) -> dict[str, str]:
    """The customers of the sites (code -> name), for choosing one: by name."""
    caller.require(Domain.planning, Action.read, "customers")
    rows = session.execute(
        select(m.Customer.code, m.Customer.name)
        .where(*caller.scope.conditions(m.Customer.site_id), m.Customer.site_id.in_(site_ids))
        .order_by(m.Customer.name, m.Customer.code)
    )
    return {code: name for code, name in rows}
