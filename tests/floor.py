"""A small shop floor for the execution tests: frames are cut on SAW, then welded on WELD
(or WELD2); reason codes for breakdowns, scrap and rework; two operators. Orders are put
straight into the database as a planner approved them, then released by the tests."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.masterdata.models import Item
from plantops.org.models import Site
from plantops.planning.models import ProductionOrder
from plantops.types import OrderStatus

SITE = "F1"
NUMBERS = itertools.count(1)


def floor_plant(site: str = SITE, region: str = "EU", *, stock: bool = False) -> dict[str, Any]:
    """With `stock`, frames are cut from 2 m of TUBE each (a fifth lost as scrap), and the
    site keeps stock at two locations: LINE (line side, where backflush takes from, the first
    by code) and STORE."""
    plant = _plant(site, region)
    if stock:
        plant["items"].append({"site": site, "code": "TUBE", "name": "Tube", "uom": "m",
                               "item_type": "raw_material", "make_or_buy": "buy"})  # fmt: skip
        plant["boms"] = [{"site": site, "code": "FRAME", "item": "FRAME", "lines": [
            {"component_item": "TUBE", "quantity_per": 1.6, "scrap_factor": 0.2}]}]  # fmt: skip
        plant["locations"] = [
            {"site": site, "code": code, "name": code.title()} for code in ("LINE", "STORE")
        ]
    return plant


def _plant(site: str, region: str) -> dict[str, Any]:
    return {
        "format": "plantops-plant",
        "regions": [{"code": region, "name": region}],
        "sites": [{"code": site, "name": "Frames", "region": region,
                   "time_zone": "Europe/Berlin", "currency": "EUR"}],
        "areas": [{"site": site, "code": "SHOP", "name": "Shop floor"}],
        "calendars": [{"site": site, "code": "DAY", "name": "Day", "shifts": [
            {"name": "day", "weekday": d, "start_time": "06:00:00", "end_time": "22:00:00"}
            for d in ("mon", "tue", "wed", "thu", "fri")
        ]}],
        "work_centers": [
            {"site": site, "code": code, "name": code.title(), "kind": "machine",
             "area": "SHOP", "calendar": "DAY"}
            for code in ("SAW", "WELD", "WELD2")
        ],
        "items": [{"site": site, "code": "FRAME", "name": "Frame",
                   "item_type": "manufactured_part", "make_or_buy": "make", "uom": "pcs"}],
        "routings": [{"site": site, "code": "FRAME", "item": "FRAME", "operations": [
            {"sequence": 10, "name": "cut", "alternatives": [
                {"work_center": "SAW", "run_seconds_per_unit": 60}]},
            {"sequence": 20, "name": "weld", "alternatives": [
                {"work_center": "WELD", "run_seconds_per_unit": 120},
                {"work_center": "WELD2", "run_seconds_per_unit": 150, "preference": 2}]},
        ]}],
        "reason_codes": [
            {"site": site, "code": "BRK", "name": "Breakdown", "kind": "downtime",
             "loss_category": "breakdown"},
            {"site": site, "code": "SCR", "name": "Bad cut", "kind": "scrap",
             "loss_category": "scrap"},
            {"site": site, "code": "RW", "name": "Re-weld", "kind": "rework",
             "loss_category": "rework"},
        ],
        "employees": [
            {"site": site, "code": code, "name": name, "shift_calendar": "DAY"}
            for code, name in (("E1", "Ada"), ("E2", "Ben"))
        ],
    }  # fmt: skip


def approved_order(
    sessions: sessionmaker[Session], site_code: str = SITE, quantity: int = 10
) -> int:
    """A production order of FRAME as a planner approved it: its id."""
    with sessions.begin() as session:
        site = session.scalars(select(Site).where(Site.code == site_code)).one()
        item = session.scalars(
            select(Item).where(Item.site_id == site.id, Item.code == "FRAME")
        ).one()
        order = ProductionOrder(
            site_id=site.id, code=f"MO-{site_code}-{next(NUMBERS)}", item_id=item.id,
            quantity=Decimal(quantity), status=OrderStatus.approved,
            release_date=date(2026, 12, 1), due_date=date(2026, 12, 20), priority=3,
        )  # fmt: skip
        session.add(order)
        session.flush()
        return order.id


class Floor:
    """The floor plant imported over the API, and the ids the tests name."""

    def __init__(self, api: httpx.Client, site: str = SITE, *, stock: bool = False) -> None:
        self.api = api
        imported = api.post("/plant/import", json=floor_plant(site, stock=stock))
        assert imported.status_code == 201, imported.text
        self.site_id = _id(api, "sites", site)
        self.center = {
            c: _id(api, "work_centers", c, self.site_id) for c in ("SAW", "WELD", "WELD2")
        }
        self.reason = {r: _id(api, "reason_codes", r, self.site_id) for r in ("BRK", "SCR", "RW")}
        self.employee = {e: _id(api, "employees", e, self.site_id) for e in ("E1", "E2")}
        self.item = {i: _id(api, "items", i, self.site_id) for i in ("FRAME", "TUBE")[: 1 + stock]}
        names = ("LINE", "STORE") if stock else ()
        self.location = {code: _id(api, "locations", code, self.site_id) for code in names}
        self.keys = itertools.count(1)

    def release(
        self, sessions: sessionmaker[Session], quantity: int = 10, status: str = "ready"
    ) -> list[dict[str, Any]]:
        """A released order's operations (cut, then weld)."""
        order = approved_order(sessions, quantity=quantity)
        released = self.api.post(f"/production_orders/{order}/release", json={})
        assert released.status_code == 200, released.text
        assert released.json()["status"] == status, released.text
        return list(self.api.get(f"/production_orders/{order}/operations").json())

    def event(self, kind: str, at: datetime | None = None, **fields: Any) -> dict[str, Any]:
        """An event body with a fresh key, occurring now unless `at` says when."""
        moment = (at or datetime.now(UTC)).isoformat()
        key = f"test-{id(self)}-{next(self.keys)}"
        return {"idempotency_key": key, "kind": kind, "occurred_at": moment, **fields}

    def send(self, kind: str, **fields: Any) -> httpx.Response:
        return self.api.post("/events", json=self.event(kind, **fields))

    def move(self, kind: str, **fields: Any) -> httpx.Response:
        """Post a stock move with a fresh key, occurring now."""
        body = self.event(kind) | fields
        return self.api.post("/stock_moves", json=body)


def _id(api: httpx.Client, resource: str, code: str, site_id: int | None = None) -> int:
    params: dict[str, Any] = {"q": code, "limit": 500}
    items = api.get(f"/{resource}", params=params).json()["items"]
    found = [r for r in items if r["code"] == code and site_id in (None, r.get("site_id"))]
    assert found, (resource, code, items)
    return int(found[0]["id"])
