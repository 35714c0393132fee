"""The orders a plan proposes, as a planner acts on them from the plan page: tick orders and
approve, firm, release or send them back, all or none (one refused move changes nothing)."""

from __future__ import annotations

from datetime import date
from html import escape

from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import ValidationFailed
from plantops.execution.release import set_production_order_status
from plantops.planning import models as m
from plantops.planning.orders import OrderKind, set_status
from plantops.types import OrderStatus

SHOWN = 200  # rows per table: the API has them all
MOST = 1000  # orders moved in one go
MOVES = (  # the buttons: status, label
    (OrderStatus.approved, "Approve"),
    (OrderStatus.firm, "Firm"),
    (OrderStatus.released, "Release"),
    (OrderStatus.proposed, "Back to proposed"),
)
KINDS: dict[str, OrderKind] = {"production": "production_order", "purchase": "purchase_order"}


def _tick(kind: str, order: m.ProductionOrder | m.PurchaseOrder) -> str:
    label = f"select {kind} order {order.code}"
    return (
        f'<td><input type="checkbox" name="order" value="{kind}:{order.id}" '
        f'aria-label="{escape(label)}"></td>'
    )


def _table(
    kind: str,
    dated: str,
    orders: list[tuple[m.ProductionOrder | m.PurchaseOrder, date]],
    items: dict[int, str],
) -> str:
    """`kind` orders, each with the day it starts from (release, or order by: `dated`)."""
    rows = "".join(
        f"<tr>{_tick(kind, o)}<td><code>{escape(o.code)}</code></td>"
        f"<td>{escape(items.get(o.item_id, '?'))}</td>"
        f'<td class="number">{o.quantity.normalize():f}</td><td>{day}</td>'
        f"<td>{o.due_date}</td><td>{escape(o.status.value)}</td></tr>"
        for o, day in orders[:SHOWN]
    )
    head = (
        f"<tr><th></th><th>{kind.title()} order</th><th>Item</th>"
        f'<th class="number">Quantity</th><th>{dated}</th><th>Due</th><th>Status</th></tr>'
    )
    return f'<table class="wide"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def orders_box(
    made: list[m.ProductionOrder],
    bought: list[m.PurchaseOrder],
    items: dict[int, str],
    site_code: str,
    csrf: str,
) -> str:
    """The site's plan orders, by due date, in one form with a button per move."""
    buttons = "".join(
        f'<button type="submit" name="status" value="{status.value}">{label}</button> '
        for status, label in MOVES
    )
    more = ""
    if len(made) > SHOWN or len(bought) > SHOWN:
        more = f"<p>The first {SHOWN} of each by due date; the API lists them all.</p>"
    return (
        f'<section class="box"><h2>Orders <small>{len(made)} production, {len(bought)} '
        "purchase</small></h2>"
        '<form method="post" action="/plan/orders">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="site" value="{escape(site_code)}">'
        f"<p>{buttons}the ticked orders.</p>{more}"
        f"{_table('production', 'Release', [(o, o.release_date) for o in made], items)}"
        f"{_table('purchase', 'Order by', [(o, o.order_date) for o in bought], items)}"
        "</form></section>"
    )


def move_orders(session: Session, caller: Caller, ticked: list[str], wanted: OrderStatus) -> int:
    """Move every ticked order ("production:12", "purchase:7") to `wanted`, in the caller's
    unit of work: the first refusal raises and the caller rolls all of them back."""
    if not ticked:
        raise ValidationFailed.field("order", "tick at least one order")
    if len(ticked) > MOST:
        raise ValidationFailed.field("order", f"at most {MOST} orders at once")
    for value in ticked:
        kind, _, ident = value.partition(":")
        number = ident.isascii() and ident.isdecimal() and len(ident) <= 19
        if kind not in KINDS or not number or not 0 < int(ident) < 2**62:
            raise ValidationFailed.field("order", f"not an order: {value[:40]}")
        if KINDS[kind] == "production_order":  # released: onto the floor
            set_production_order_status(session, caller, int(ident), wanted, "from the plan page")
        else:
            set_status(session, caller, KINDS[kind], int(ident), wanted, "from the plan page")
    return len(ticked)
