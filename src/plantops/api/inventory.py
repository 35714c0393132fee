"""Stock over HTTP: posting stock moves (exactly once, as shop-floor events), balances, the
ledger, lots and their genealogy, each site's inventory policy, an order's material."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field
from sqlalchemy.orm import Session

from plantops.api.auth import caller, sessions
from plantops.api.problems import problem_responses
from plantops.api.records import strict_body
from plantops.execution import stock as floor_stock
from plantops.inventory import service
from plantops.inventory.schemas import (
    GenealogyOut,
    InventoryPolicyIn,
    InventoryPolicyOut,
    LinkedLotOut,
    LotOut,
    MaterialLineOut,
    StockMoveIn,
    StockMoveOut,
    StockMovePage,
    StockMovesOut,
    StockPage,
)
from plantops.storage.engine import unit_of_work, with_retries
from plantops.types import StockMoveKind

router = APIRouter(tags=["inventory"])
Ident = Annotated[int, Field(ge=1, le=2**62)]
Filter = Annotated[int | None, Query(ge=1, le=2**62)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10**9)]


@router.post(
    "/stock_moves",
    response_model=StockMovesOut,
    status_code=201,
    summary="Post a stock move",
    description="receipt, issue (to a production order), scrap, transfer, adjustment (signed, "
    "with a reason) or cycle count (what was counted). Recorded exactly once per "
    "idempotency_key, as shop-floor events are; a move that would take stock below zero "
    "where the site forbids it answers 409. What it brings lets orders waiting for it start.",
    responses=problem_responses(409),
)
def post_move(
    request: Request,
    body: StockMoveIn,
    data: Annotated[StockMoveIn, Depends(strict_body(StockMoveIn))],
    response: Response,
) -> Any:
    who, now = caller(request), datetime.now(UTC)

    def post(session: Session) -> tuple[StockMovesOut, bool]:
        posted = floor_stock.post_move(session, who, data, now)
        moves = [StockMoveOut.model_validate(m) for m in posted.moves]
        return StockMovesOut(moves=moves), posted.replayed

    out, replayed = with_retries(sessions(request), post)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("/stock_moves", response_model=StockMovePage, summary="The stock ledger")
def get_moves(
    request: Request,
    site_id: Filter = None,
    item_id: Filter = None,
    location_id: Filter = None,
    production_order_id: Filter = None,
    kind: StockMoveKind | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    where = service.MoveFilter(site_id, item_id, location_id, production_order_id, kind)
    with unit_of_work(sessions(request)) as session:
        rows, total = service.moves(session, caller(request), where, limit, offset)
        items = [StockMoveOut.model_validate(r) for r in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/stock", response_model=StockPage, summary="On hand per location, item and lot")
def get_stock(
    request: Request,
    site_id: Filter = None,
    item_id: Filter = None,
    location_id: Filter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    with unit_of_work(sessions(request)) as session:
        items, total = service.stock(
            session, caller(request), site_id, item_id, location_id, limit, offset
        )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/lots", response_model=list[LotOut], summary="Lots, newest first")
def get_lots(
    request: Request, site_id: Filter = None, item_id: Filter = None, limit: Limit = 100
) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = service.lots(session, caller(request), site_id, item_id, limit)
        return [LotOut.model_validate(lot) for lot in found]


@router.get(
    "/lots/{ident}/genealogy",
    response_model=GenealogyOut,
    summary="Which lots went into a lot, and which it went into",
    responses=problem_responses(404),
)
def get_genealogy(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        found = service.genealogy(session, caller(request), ident)

        def linked(pairs: list[Any]) -> list[LinkedLotOut]:
            return [LinkedLotOut(lot=LotOut.model_validate(lot), quantity=q) for lot, q in pairs]

        return GenealogyOut(
            lot=LotOut.model_validate(found.lot),
            made_from=linked(found.made_from),
            went_into=linked(found.went_into),
        )


@router.get(
    "/production_orders/{ident}/material",
    response_model=list[MaterialLineOut],
    summary="What an order needs, has had, lacks, and which orders are to bring it",
    responses=problem_responses(404),
)
def get_material(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        lines = floor_stock.check_material(session, caller(request), ident)
        return [MaterialLineOut.model_validate(line, from_attributes=True) for line in lines]


@router.get(
    "/sites/{ident}/inventory_policy",
    response_model=InventoryPolicyOut,
    summary="A site's inventory policy (defaults when never set)",
    responses=problem_responses(404),
)
def get_policy(request: Request, ident: Ident) -> Any:
    with unit_of_work(sessions(request)) as session:
        return service.get_policy(session, caller(request), ident)


@router.put(
    "/sites/{ident}/inventory_policy",
    response_model=InventoryPolicyOut,
    summary="Set a site's inventory policy",
    responses=problem_responses(404),
)
def put_policy(
    request: Request,
    ident: Ident,
    body: InventoryPolicyIn,
    data: Annotated[InventoryPolicyIn, Depends(strict_body(InventoryPolicyIn))],
) -> Any:
    with unit_of_work(sessions(request)) as session:
        return service.set_policy(session, caller(request), ident, data)
