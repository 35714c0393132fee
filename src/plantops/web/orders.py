"""The production orders of the visitor's sites: a grid that sorts and filters, with the
filters managers reach for (status, late only, customer, due date, item) above it. The
filters live in the address too (/orders?late=1, ?status=in_progress,on_hold, ?status=floor
for every status on the floor), so the cockpit links here and a view can be shared.
A click on an order opens its page (web/order_detail.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from nicegui import run, ui

from plantops.execution import order_views
from plantops.execution.order_views import LIMIT, STOCK, OrderFilter, OrderLine
from plantops.types import ON_THE_FLOOR, OrderStatus
from plantops.web.order_detail import overdue_seconds  # registers /orders/{ident}
from plantops.web.shell import Visitor, admit, frame, link, read
from plantops.web.words import late_by

FLOOR = "floor"  # ?status=floor: every status of an order on the floor
STATUS_LABELS = {s.value: s.value.replace("_", " ") for s in OrderStatus}
SHOWN_CUSTOMERS = 1  # names in the Customer cell; the rest as "+5", all of them on hover
# Widths that fit a 1440 px screen beside the menu; narrower, the grid scrolls sideways with
# the order's code pinned on the left. Item and Customer take what is left.
COLUMNS: list[dict[str, Any]] = [
    {"field": "code", "headerName": "Order", "pinned": "left", "width": 125, "minWidth": 110,
     "cellClass": "text-primary cursor-pointer font-medium"},
    {"field": "site", "headerName": "Site", "width": 80},
    {"field": "item", "headerName": "Item", "minWidth": 140, "flex": 2, "tooltipField": "item"},
    {"field": "customer", "headerName": "Customer", "minWidth": 110, "flex": 1,
     "tooltipField": "customers"},
    {"field": "quantity", "headerName": "Qty", "type": "numericColumn", "width": 80},
    {"field": "made", "headerName": "Made", "type": "numericColumn", "width": 90},
    {"field": "status", "headerName": "Status", "width": 110},
    {"field": "due", "headerName": "Due", "width": 110, "sort": "asc"},
    {"field": "scheduled_end", "headerName": "Scheduled end", "width": 150},
    {"field": "late", "headerName": "Late", "width": 145, "tooltipField": "late_why",
     ":comparator": "(a, b, x, y) => (x.data.late_s || 0) - (y.data.late_s || 0)",
     "cellClassRules": {"text-negative font-medium": "data.lateness === 'overdue'",
                        "text-orange-9": "data.lateness === 'at risk'"}},
    {"field": "priority", "headerName": "Prio", "type": "numericColumn", "width": 85},
]  # fmt: skip
WHY = {
    "overdue": "overdue: past its due day",
    "at risk": "at risk: the plan has it end after its due day",
}


@ui.page("/orders")
def page(
    request: Request,
    site: str | None = None,
    status: str | None = None,
    late: str | None = None,
    customer: str | None = None,
    item: str | None = None,
    due_from: str | None = None,
    due_until: str | None = None,
) -> object:
    who = admit(request, "/orders", site)
    if isinstance(who, Response):  # signed out, or not for this role
        return who
    problems: list[str] = []
    where = OrderFilter(
        site_ids=tuple(who.site_ids),
        statuses=statuses(status, problems),
        late=late in ("1", "true", "yes"),
        customer=customer or None,
        item=(item or "").strip() or None,
        due_from=day("due from", due_from, problems),
        due_until=day("due until", due_until, problems),
    )
    with frame(who, "/orders", "Orders"):
        OrdersView(who, where, problems).build()
    return None


def statuses(given: str | None, problems: list[str]) -> tuple[OrderStatus, ...]:
    """The statuses asked for ("released,on_hold", or "floor"); an unknown one is named."""
    found: list[OrderStatus] = []
    for word in (given or "").split(","):
        word = word.strip()
        if not word:
            continue
        if word == FLOOR:
            found += [s for s in ON_THE_FLOOR if s not in found]
        elif word in STATUS_LABELS:
            found.append(OrderStatus(word))
        else:
            problems.append(f"status: {word!r} is not a status (one of {', '.join(STATUS_LABELS)})")
    return tuple(dict.fromkeys(found))


def day(field: str, given: str | None, problems: list[str]) -> date | None:
    if not given:
        return None
    try:
        return date.fromisoformat(given.strip())
    except ValueError:
        problems.append(f"{field}: {given!r} is not a date (YYYY-MM-DD)")
        return None


class OrdersView:
    """The filters and the grid of one visit; a filter's change redraws the grid in place."""

    def __init__(self, who: Visitor, where: OrderFilter, problems: list[str]) -> None:
        self.who, self.where = who, where
        self.zones = {s.code: ZoneInfo(s.time_zone) for s in who.sites}
        self.problems = problems

    def build(self) -> None:
        choices = read(self.who, lambda s, c: order_views.customers(s, c, self.who.site_ids))
        if self.where.customer and self.where.customer not in (STOCK, *choices):
            self.problems.append(f"customer: no customer {self.where.customer!r} at these sites")
            self.where = replace(self.where, customer=None)
        self._filters(choices)
        self.message = ui.label().classes("text-negative").mark("orders-problems")
        self.count = ui.label().classes("text-grey-8").props('data-testid="orders-count"')
        one_site = len(self.who.site_ids) == 1  # its code in every row would say nothing
        columns = [c | {"hide": one_site} if c["field"] == "site" else c for c in COLUMNS]
        self.grid = (
            ui.aggrid(
                {
                    "columnDefs": columns,
                    "rowData": [],
                    "defaultColDef": {
                        "sortable": True,
                        "filter": True,
                        "resizable": True,
                        "wrapHeaderText": True,
                        "autoHeaderHeight": True,
                    },
                    ":getRowId": "params => String(params.data.id)",
                    "pagination": True,
                    "paginationPageSize": 50,
                    "paginationPageSizeSelector": [50, 100, 500],
                    "tooltipShowDelay": 300,
                },
                auto_size_columns=False,  # fitted to the width, columns were cut; they scroll
            )
            .classes("w-full")
            .style("height: 70vh")
            .props('data-testid="orders-grid"')
        )
        self.grid.on("cellClicked", self._open)
        # the rows come once the page is there: a large site's list is read off the event loop
        ui.timer(0, self.refresh, once=True)

    def _filters(self, choices: dict[str, str]) -> None:
        where = self.where
        options = {s.value: STATUS_LABELS[s.value] for s in OrderStatus}
        customers = {"": "Any customer", STOCK: "Stock (no customer)"} | {
            code: f"{name} ({code})" for code, name in choices.items()
        }
        with ui.row().classes("w-full items-end gap-3"):
            ui.select(
                options,
                multiple=True,
                label="Status",
                value=[s.value for s in where.statuses],
                on_change=lambda e: self.change(
                    statuses=tuple(OrderStatus(v) for v in e.value or [])
                ),
            ).props("dense outlined use-chips clearable").classes("min-w-56").mark("filter-status")
            ui.switch(
                "Late only", value=where.late, on_change=lambda e: self.change(late=e.value)
            ).mark("filter-late")
            ui.select(
                customers, label="Customer", value=where.customer or "",
                on_change=lambda e: self.change(customer=e.value or None),
            ).props("dense outlined").classes("min-w-48").mark("filter-customer")  # fmt: skip
            ui.input(
                "Item",
                value=where.item or "",
                on_change=lambda e: self.change(item=(e.value or "").strip() or None),
            ).props("dense outlined clearable debounce=400").classes("w-40").mark("filter-item")
            for label, name in (("Due from", "due_from"), ("Due until", "due_until")):
                self._date(label, name)

    def _date(self, label: str, name: str) -> None:
        chosen = getattr(self.where, name)

        async def changed(value: str | None) -> None:
            problems: list[str] = []
            found = day(label.lower(), value, problems)
            if problems:
                self.message.set_text("; ".join(problems))
                return
            await self.change(**{name: found})

        ui.date_input(
            label, value=chosen.isoformat() if chosen else "",
            on_change=lambda e: changed(e.value),
        ).props("dense outlined clearable").classes("w-44").mark(f"filter-{name}")  # fmt: skip

    async def change(self, **changed: Any) -> None:
        self.where = replace(self.where, **changed)
        self.problems = []
        ui.navigate.history.replace(self.address())
        await self.refresh()

    def address(self) -> str:
        w = self.where
        query = {
            "status": ",".join(w.statuses) or None, "late": "1" if w.late else None,
            "customer": w.customer, "item": w.item,
            "due_from": w.due_from.isoformat() if w.due_from else None,
            "due_until": w.due_until.isoformat() if w.due_until else None,
        }  # fmt: skip
        return link("/orders", self.who, **query)

    async def refresh(self) -> None:
        now, where = datetime.now(UTC), self.where
        found = await run.io_bound(
            read, self.who, lambda s, c: order_views.list_orders(s, c, where, now)
        )
        if found is None or where is not self.where:
            return  # shutting down, or another filter changed meanwhile (its refresh shows it)
        self.message.set_text("; ".join(self.problems))
        shown = len(found.lines)
        # only what is loaded sorts in the browser: say which orders those are
        self.count.set_text(
            f"{found.total} orders" if shown == found.total
            else f"Only the first {LIMIT} of {found.total} orders are loaded (open orders first, "
            "then by due date): sorting and the column filters work on these only. Narrow the "
            "filters above to reach the rest."
        )  # fmt: skip
        self.count.classes(replace="text-grey-8" if shown == found.total else "text-orange-10")
        self.grid.options["rowData"] = [self.row(line) for line in found.lines]
        self.grid.update()

    def row(self, line: OrderLine) -> dict[str, Any]:
        end = line.scheduled_end
        zone = self.zones.get(line.site_code, UTC)
        seconds = late_seconds(line, zone, datetime.now(UTC))
        return {
            "id": line.id, "code": line.code, "site": line.site_code,
            "item": f"{line.item_code} · {line.item_name}",
            "customer": customer_words(line.customers),
            "customers": ", ".join(line.customers) or "stock",
            "quantity": float(line.quantity), "made": float(line.made),
            "status": STATUS_LABELS[line.status.value], "due": line.due_date.isoformat(),
            "scheduled_end": f"{end.astimezone(zone):%Y-%m-%d %H:%M}" if end else "",
            "late": late_by(seconds) if line.lateness else "", "late_s": seconds,
            "lateness": line.lateness, "late_why": WHY.get(line.lateness or "", ""),
            "priority": line.priority,
        }  # fmt: skip

    def _open(self, event: Any) -> None:
        data = (event.args or {}).get("data") or {}
        if "code" in data:
            ui.navigate.to(link(f"/orders/{quote(str(data['code']), safe='')}", self.who))


def customer_words(names: tuple[str, ...] | list[str]) -> str:
    """The first customer and how many more: "Bike shop +5" (the cell's tooltip lists all)."""
    if not names:
        return "stock"
    more = len(names) - SHOWN_CUSTOMERS
    return ", ".join(names[:SHOWN_CUSTOMERS]) + (f" +{more}" if more > 0 else "")


def late_seconds(line: OrderLine, zone: tzinfo, now: datetime) -> float:
    """How late the order is: since its due day ended at the site (overdue), or by how much
    the plan ends it after its due day (at risk); 0 when on time."""
    if line.lateness == "overdue":
        return overdue_seconds(line.due_date, zone, now)
    return float(line.late_seconds) if line.lateness == "at risk" else 0.0
