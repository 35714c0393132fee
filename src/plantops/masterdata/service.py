"""Master data records and the rules that need the database (BOM cycles, make items)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.errors import FieldError, ValidationFailed
from plantops.masterdata import models as m
from plantops.masterdata import schemas as s
from plantops.masterdata.bom_graph import find_cycle
from plantops.resources.spec import ChildSpec, ResourceSpec
from plantops.types import MakeOrBuy


def bom_edges(session: Session, site_id: int) -> dict[int, list[int]]:
    """parent item -> component items over every BOM of the site."""
    rows = session.execute(
        select(m.Bom.item_id, m.BomLine.component_item_id)
        .join(m.BomLine, m.BomLine.bom_id == m.Bom.id)
        .where(m.Bom.site_id == site_id)
        .order_by(m.Bom.id, m.BomLine.id)
    )
    edges: dict[int, list[int]] = {}
    for parent, component in rows:
        edges.setdefault(parent, []).append(component)
    return edges


def item_codes(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(m.Item.id, m.Item.code).where(m.Item.id.in_(ids)))
    return {ident: code for ident, code in rows}


def bought_item_problem(code: str, label: str) -> str:
    """Why a bought item cannot have a BOM or routing; the importer checks it set-wise."""
    return f"item {code} is bought, not made: it takes no {label}"


def _must_be_made(session: Session, label: str, item_id: int) -> None:
    item = session.get(m.Item, item_id)
    if item is not None and item.make_or_buy is not MakeOrBuy.make:
        raise ValidationFailed.one(("item_id",), bought_item_problem(item.code, label))


def check_item(session: Session, item: m.Item) -> None:
    """A bought item cannot keep the BOM or routing that made it: remove those first."""
    if item.make_or_buy is MakeOrBuy.make:
        return
    for model, label in ((m.Bom, "BOM"), (m.Routing, "routing")):
        code = session.scalar(select(model.code).where(model.item_id == item.id).limit(1))
        if code is not None:
            raise ValidationFailed.one(
                ("make_or_buy",), f"item {item.code} has {label} {code}: a bought item takes none"
            )


def check_bom(session: Session, bom: m.Bom) -> None:
    _must_be_made(session, "BOM", bom.item_id)
    cycle = find_cycle(bom_edges(session, bom.site_id))
    if cycle is None:
        return
    codes = item_codes(session, cycle)
    path = " -> ".join(codes[i] for i in cycle)
    errors = [
        FieldError(("lines", index, "component_item_id"), f"BOM cycle: {path}")
        for index, line in enumerate(bom.lines)
        if line.component_item_id in cycle
    ] or [FieldError(("lines",), f"BOM cycle: {path}")]
    raise ValidationFailed(f"BOM cycle: {path}", errors)


def check_routing(session: Session, routing: m.Routing) -> None:
    _must_be_made(session, "routing", routing.item_id)


CALENDARS = ResourceSpec(
    "calendars",
    "calendar",
    m.Calendar,
    s.CalendarIn,
    s.CalendarOut,
    children=(
        ChildSpec("shifts", m.CalendarShift, s.CalendarShiftIn),
        ChildSpec("exceptions", m.CalendarException, s.CalendarExceptionIn),
    ),
)
WORK_CENTERS = ResourceSpec(
    "work_centers",
    "work center",
    m.WorkCenter,
    s.WorkCenterIn,
    s.WorkCenterOut,
    children=(
        ChildSpec("setup_matrix", m.SetupTransition, s.SetupTransitionIn),
        ChildSpec("downtime_windows", m.DowntimeWindow, s.DowntimeWindowIn),
    ),
    filters=("area_id", "kind", "calendar_id"),
)
ITEMS = ResourceSpec(
    "items",
    "item",
    m.Item,
    s.ItemIn,
    s.ItemOut,
    filters=("item_type", "make_or_buy"),
    check=check_item,
)
BOMS = ResourceSpec(
    "boms",
    "BOM",
    m.Bom,
    s.BomIn,
    s.BomOut,
    children=(ChildSpec("lines", m.BomLine, s.BomLineIn),),
    filters=("item_id",),
    check=check_bom,
)
ROUTINGS = ResourceSpec(
    "routings",
    "routing",
    m.Routing,
    s.RoutingIn,
    s.RoutingOut,
    children=(
        ChildSpec(
            "operations",
            m.Operation,
            s.OperationIn,
            children=(ChildSpec("alternatives", m.OperationAlternative, s.OperationAlternativeIn),),
        ),
    ),
    filters=("item_id",),
    check=check_routing,
)
REASON_CODES = ResourceSpec(
    "reason_codes",
    "reason code",
    m.ReasonCode,
    s.ReasonCodeIn,
    s.ReasonCodeOut,
    filters=("kind", "loss_category"),
)
