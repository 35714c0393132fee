"""Pieces are counted whole: a fraction of one (good 1.5 of frames counted in pcs) is refused
with a 422 naming the field and its unit, and nothing of it is kept; an item measured in kg
keeps its decimals. On both databases, over the API."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from plantops.execution.checks import counts_pieces
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.masterdata.models import Item
from tests.floor import Floor


def _events(sessions: sessionmaker[Session], operation_id: int) -> int:
    with sessions() as session:
        query = select(func.count()).where(ShopEvent.order_operation_id == operation_id)
        return int(session.scalar(query) or 0)


def _good(sessions: sessionmaker[Session], operation_id: int) -> Decimal:
    with sessions() as session:
        op = session.get(OrderOperation, operation_id)
        assert op is not None
        return op.good


def test_a_fraction_of_a_piece_is_refused_naming_the_field(
    api: httpx.Client, sessions: sessionmaker[Session]
) -> None:
    floor = Floor(api)  # FRAME is counted in pcs
    cut, _ = floor.release(sessions, quantity=15)
    started = floor.send("operation_start", order_operation_id=cut["id"], quantity=2.5)
    assert started.status_code == 422, started.text
    assert started.json()["detail"] == "quantity: 2.5 is not a whole number of pcs"
    assert floor.send("operation_start", order_operation_id=cut["id"]).status_code == 201

    half = floor.send("operation_report", order_operation_id=cut["id"], good=1.5)
    assert half.status_code == 422, half.text
    problem = half.json()
    assert problem["detail"] == "good: 1.5 is not a whole number of pcs"
    assert problem["errors"][0]["pointer"] == "/good"
    scrap = floor.send(
        "operation_complete", order_operation_id=cut["id"], good=3, scrap=0.25,
        scrap_reason_code_id=floor.reason["SCR"],
    )  # fmt: skip
    assert scrap.status_code == 422 and scrap.json()["detail"].startswith("scrap: 0.25 is not")
    assert _events(sessions, cut["id"]) == 1  # the start only: nothing of the refused kept

    whole = floor.send("operation_report", order_operation_id=cut["id"], good=3.0)
    assert whole.status_code == 201, whole.text  # 3.0 is three pieces
    assert _good(sessions, cut["id"]) == Decimal(3)


def test_an_item_measured_in_kg_keeps_its_decimals(
    api: httpx.Client, sessions: sessionmaker[Session]
) -> None:
    floor = Floor(api)
    with sessions.begin() as session:
        session.execute(update(Item).where(Item.id == floor.item["FRAME"]).values(uom="kg"))
    cut, _ = floor.release(sessions, quantity=15)
    assert floor.send("operation_start", order_operation_id=cut["id"]).status_code == 201
    half = floor.send("operation_report", order_operation_id=cut["id"], good=1.5)
    assert half.status_code == 201, half.text
    assert _good(sessions, cut["id"]) == Decimal("1.5")


@pytest.mark.parametrize(
    ("uom", "pieces"),
    [("pcs", True), ("PC", True), ("ea", True), ("Stk.", True), ("kg", False), ("m", False),
     ("l", False)],
)  # fmt: skip
def test_which_units_count_pieces(uom: str, pieces: bool) -> None:
    assert counts_pieces(uom) is pieces
