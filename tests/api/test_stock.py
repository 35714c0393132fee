"""Stock over real HTTP, on both databases: moves and balances, negative stock refused
where the site forbids it, an order waiting for its material until it arrives, backflush
and production receipts from the floor's reports, lot genealogy."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.floor import Floor


@pytest.fixture
def floor(api: httpx.Client) -> Floor:
    return Floor(api, stock=True)


def posted(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 201, response.text
    return list(response.json()["moves"])


def on_hand(floor: Floor, item: str = "TUBE") -> dict[tuple[str, str | None], str]:
    rows = floor.api.get("/stock", params={"item_id": floor.item[item]}).json()["items"]
    return {(r["location_code"], r["lot"]): r["on_hand"] for r in rows}


def operations_of(floor: Floor, order: int) -> list[dict[str, Any]]:
    return list(floor.api.get(f"/production_orders/{order}/operations").json())


def test_moves_change_stock_and_never_below_zero_where_forbidden(floor: Floor) -> None:
    tube, line, store = floor.item["TUBE"], floor.location["LINE"], floor.location["STORE"]
    posted(floor.move("receipt", item_id=tube, location_id=store, quantity=50, lot="L1"))
    (out, into) = posted(floor.move("transfer", item_id=tube, location_id=store,
                                    to_location_id=line, quantity=30, lot="L1"))  # fmt: skip
    assert (out["quantity"], into["quantity"]) == ("-30.000000", "30.000000")
    posted(floor.move("scrap", item_id=tube, location_id=line, quantity=2, lot="L1", reason="bent"))
    (counted,) = posted(floor.move("cycle_count", item_id=tube, location_id=store, lot="L1",
                                   counted=19))  # fmt: skip
    assert counted["quantity"] == "-1.000000" and counted["counted"] == "19.000000"
    assert on_hand(floor) == {("LINE", "L1"): "28.000000", ("STORE", "L1"): "19.000000"}
    too_much = floor.move("scrap", item_id=tube, location_id=line, quantity=29, lot="L1",
                          reason="bent")  # fmt: skip
    assert too_much.status_code == 409
    assert "only 28 m of TUBE of lot L1 on hand at LINE" in too_much.json()["detail"]
    assert on_hand(floor)[("LINE", "L1")] == "28.000000"  # nothing of the refused move
    policy = {"allow_negative_stock": True}
    assert floor.api.put(f"/sites/{floor.site_id}/inventory_policy", json=policy).status_code == 200
    posted(floor.move("adjustment", item_id=tube, location_id=line, quantity=-30, reason="found"))
    assert on_hand(floor)[("LINE", None)] == "-30.000000"


def test_bad_moves_name_the_field_and_re_sendings_count_once(floor: Floor) -> None:
    tube, line = floor.item["TUBE"], floor.location["LINE"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"kind": "receipt", "item_id": tube, "location_id": line}, "/quantity"),
        ({"kind": "receipt", "item_id": tube, "location_id": line, "quantity": -1}, "/quantity"),
        ({"kind": "adjustment", "item_id": tube, "location_id": line, "quantity": 1}, "/reason"),
        ({"kind": "issue", "item_id": tube, "location_id": line, "quantity": 1},
         "/production_order_id"),
        ({"kind": "transfer", "item_id": tube, "location_id": line, "quantity": 1},
         "/to_location_id"),
        ({"kind": "receipt", "item_id": 999_999, "location_id": line, "quantity": 1}, "/item_id"),
        ({"kind": "receipt", "item_id": tube, "location_id": 999_999, "quantity": 1},
         "/location_id"),
        ({"kind": "scrap", "item_id": tube, "location_id": line, "quantity": 1, "lot": "NONE",
          "reason": "x"}, "/lot"),
        ({"kind": "backflush", "item_id": tube, "location_id": line, "quantity": 1}, "/kind"),
    ]  # fmt: skip
    for fields, pointer in cases:
        answer = floor.move(fields.pop("kind"), **fields)
        assert answer.status_code == 422, (fields, answer.text)
        assert pointer in {e["pointer"] for e in answer.json()["errors"]}, (fields, answer.text)
    receipt = floor.event("receipt") | {"item_id": tube, "location_id": line, "quantity": 5}
    first = floor.api.post("/stock_moves", json=receipt)
    again = floor.api.post("/stock_moves", json=receipt)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert floor.api.post("/stock_moves", json=receipt | {"quantity": 6}).status_code == 422
    assert on_hand(floor) == {("LINE", None): "5.000000"}
    assert floor.api.get("/stock_moves", params={"item_id": tube}).json()["total"] == 1


def test_an_order_waits_for_its_material_then_consumes_it_and_makes_a_lot(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    tube, line = floor.item["TUBE"], floor.location["LINE"]
    cut, weld = floor.release(factory, quantity=10, status="waiting_for_material")
    order = cut["production_order_id"]
    assert cut["status"] == "waiting_for_material"
    (need,) = floor.api.get(f"/production_orders/{order}/material").json()
    assert (need["item_code"], need["needed"], need["short"]) == ("TUBE", "20.000000", "20.000000")
    refused = floor.send("operation_start", order_operation_id=cut["id"])
    assert "waiting_for_material" in refused.json()["detail"] and refused.status_code == 409
    posted(floor.move("receipt", item_id=tube, location_id=line, quantity=12, lot="L1"))
    assert floor.api.get(f"/production_orders/{order}").json()["status"] == "waiting_for_material"
    posted(floor.move("receipt", item_id=tube, location_id=line, quantity=12, lot="L2"))
    assert floor.api.get(f"/production_orders/{order}").json()["status"] == "ready"
    assert floor.send("operation_start", order_operation_id=cut["id"]).status_code == 201
    # 7 cut (6 good, 1 scrap) take 14 m: the older lot first
    reported = floor.send("operation_report", order_operation_id=cut["id"], good=6, scrap=1,
                          scrap_reason_code_id=floor.reason["SCR"])  # fmt: skip
    assert reported.status_code == 201, reported.text
    assert on_hand(floor) == {("LINE", "L2"): "10.000000"}
    posted(floor.move("scrap", item_id=tube, location_id=line, quantity=5, lot="L2",
                      reason="rusty"))  # fmt: skip
    # 3 more need 6 m, 5 are there: refused whole, nothing taken, nothing reported
    short = floor.send("operation_complete", order_operation_id=cut["id"], good=3)
    assert short.status_code == 409 and "1 m of TUBE short" in short.json()["detail"]
    assert on_hand(floor) == {("LINE", "L2"): "5.000000"}
    assert operations_of(floor, order)[0]["good"] == "6.000000"
    posted(floor.move("receipt", item_id=tube, location_id=line, quantity=1, lot="L3"))
    assert floor.send("operation_complete", order_operation_id=cut["id"], good=3).status_code == 201
    assert floor.send("operation_start", order_operation_id=weld["id"]).status_code == 201
    made = floor.send("operation_complete", order_operation_id=weld["id"], good=8)
    assert made.status_code == 201 and made.json()["order_status"] == "completed"
    frames = on_hand(floor, "FRAME")
    ((where, lot),) = frames
    assert (
        where == "LINE"
        and lot is not None
        and lot.startswith("MO-")
        and frames[where, lot] == "8.000000"
    )
    (produced,) = floor.api.get("/lots", params={"item_id": floor.item["FRAME"]}).json()
    tree = floor.api.get(f"/lots/{produced['id']}/genealogy").json()
    assert [(x["lot"]["code"], x["quantity"]) for x in tree["made_from"]] == [
        ("L1", "12.000000"), ("L2", "7.000000"), ("L3", "1.000000")
    ]  # fmt: skip
    (l1,) = [
        x for x in floor.api.get("/lots", params={"item_id": tube}).json() if x["code"] == "L1"
    ]
    used = floor.api.get(f"/lots/{l1['id']}/genealogy").json()["went_into"]
    assert [x["lot"]["code"] for x in used] == [lot]
    ledger = floor.api.get("/stock_moves", params={"production_order_id": order}).json()
    assert {m["kind"] for m in ledger["items"]} == {"backflush", "production_receipt"}


def test_a_hold_released_before_anything_started_checks_the_material_again(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    cut, _ = floor.release(factory, quantity=5, status="waiting_for_material")
    order = cut["production_order_id"]
    held = floor.send("order_hold", production_order_id=order, note="drawing revised")
    assert held.status_code == 201 and held.json()["order_status"] == "on_hold"
    back = floor.send("order_release_hold", production_order_id=order)
    assert back.json()["order_status"] == "waiting_for_material"  # still no tube
    tube, line = floor.item["TUBE"], floor.location["LINE"]
    posted(floor.move("receipt", item_id=tube, location_id=line, quantity=10))
    floor.send("order_hold", production_order_id=order, note="again")
    assert floor.send("order_release_hold", production_order_id=order).json()[
        "order_status"
    ] == "ready"  # fmt: skip
    assert operations_of(floor, order)[0]["status"] == "ready"
