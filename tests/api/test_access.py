"""Sign-in, tokens, roles and site scope over real HTTP, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.models import ApiToken, User
from plantops.catalog import BY_NAME, RESOURCES
from plantops.storage.engine import unit_of_work
from tests.accounts import add_user
from tests.api.builder import Plant
from tests.api.http import if_match, problem

Bound = tuple[sessionmaker[Session], str]


def client_for(bound: Bound, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=f"{bound[1]}/api/v1", timeout=30, headers=headers)


@pytest.fixture
def two_sites(api: httpx.Client) -> Iterator[dict[str, Any]]:
    """Sites A and B in one region and C in another, each with an item."""
    plant = Plant(api)
    north = api.post("/regions", json={"code": "NORTH", "name": "North"}).json()
    south = api.post("/regions", json={"code": "SOUTH", "name": "South"}).json()
    found: dict[str, Any] = {"north": north, "south": south}
    for name, region in (("a", north), ("b", north), ("c", south)):
        site = plant.create("sites", code=name.upper(), region_id=region["id"])
        found[name] = site
        found[f"item_{name}"] = Plant(api, site_id=site["id"]).create("items")
    yield found


def test_no_credentials_is_401_naming_both_ways_in(bound: Bound) -> None:
    with client_for(bound, None) as anonymous:
        answer = anonymous.get("/items")
    body = problem(answer, 401)
    assert "Bearer" in answer.headers["WWW-Authenticate"]
    assert "API token" in body["detail"]
    with client_for(bound, "pot_not-a-real-token") as forged:
        assert problem(forged.get("/items"), 401)["detail"].startswith("the API token is unknown")


def test_the_health_check_needs_no_sign_in(bound: Bound) -> None:
    with client_for(bound, None) as anonymous:
        assert anonymous.get("/health").status_code == 200


def test_revoked_expired_and_disabled_tokens_stop_working(bound: Bound, api: httpx.Client) -> None:
    sessions, _ = bound
    revoked = add_user(sessions, "ann", "operator", everywhere=True)
    expired = add_user(sessions, "bob", "operator", everywhere=True)
    disabled = add_user(sessions, "cy", "operator", everywhere=True)
    with client_for(bound, revoked) as ann:
        assert ann.get("/items").status_code == 200
        mine = ann.get("/me/tokens").json()
        assert [t["name"] for t in mine] == ["test ann"] and "token" not in mine[0]
        assert ann.delete(f"/me/tokens/{mine[0]['id']}").status_code == 204
        assert problem(ann.get("/items"), 401)
    with unit_of_work(sessions) as session:
        past = datetime.now(UTC) - timedelta(seconds=1)
        bob = session.query(User).filter_by(username="bob").one()
        session.execute(update(ApiToken).where(ApiToken.user_id == bob.id).values(expires_at=past))
        session.execute(update(User).where(User.username == "cy").values(active=False))
    for token in (expired, disabled):
        with client_for(bound, token) as client:
            assert problem(client.get("/items"), 401)


def test_a_new_token_is_shown_once_and_works(bound: Bound, api: httpx.Client) -> None:
    made = api.post("/me/tokens", json={"name": "line 3 terminal", "days": 30})
    assert made.status_code == 201, made.text
    secret = made.json()["token"]
    assert secret.startswith("pot_") and len(secret) > 40
    listed = api.get("/me/tokens").json()
    assert all("token" not in t for t in listed)
    assert secret not in api.get("/me/tokens").text
    with client_for(bound, secret) as terminal:
        assert terminal.get("/me").json()["username"] == "admin"
    too_long = api.post("/me/tokens", json={"name": "x", "days": 4000})
    assert "/days" in [e.get("pointer") for e in problem(too_long, 422)["errors"]]


def test_an_operator_reads_but_does_not_change_master_data(
    bound: Bound, two_sites: dict[str, Any]
) -> None:
    token = add_user(bound[0], "op", "operator", site_ids=(two_sites["a"]["id"],))
    item = two_sites["item_a"]
    with client_for(bound, token) as operator:
        assert operator.get(f"/items/{item['id']}").status_code == 200
        refused = operator.patch(f"/items/{item['id']}", json={"name": "x"}, headers=if_match(1))
        assert problem(refused, 403)["detail"] == "an operator may not update items"
        body = {"site_id": two_sites["a"]["id"], "code": "NEW", "name": "new"}
        assert problem(operator.post("/areas", json=body), 403)
        me = operator.get("/me").json()
        assert me["role"] == "operator" and me["site_ids"] == [two_sites["a"]["id"]]
        assert me["permissions"]["masterdata"] == ["read"]


def test_records_of_other_sites_do_not_exist_for_a_scoped_user(
    bound: Bound, two_sites: dict[str, Any]
) -> None:
    token = add_user(bound[0], "pm", "production_manager", site_ids=(two_sites["a"]["id"],))
    other = two_sites["item_b"]
    with client_for(bound, token) as manager:
        listed = manager.get("/items", params={"limit": 500}).json()
        assert {i["site_id"] for i in listed["items"]} == {two_sites["a"]["id"]}
        assert listed["total"] == len(listed["items"])
        for answer in (
            manager.get(f"/items/{other['id']}"),
            manager.get(f"/items/{other['id']}/history"),
            manager.patch(f"/items/{other['id']}", json={"name": "x"}, headers=if_match(1)),
            manager.delete(f"/items/{other['id']}", headers=if_match(1)),
        ):
            assert problem(answer, 404)["detail"] == f"item {other['id']} not found"
        body = Plant(manager, site_id=two_sites["b"]["id"]).payload("areas")
        refused = manager.post("/areas", json=body)
        assert "/site_id" in [e.get("pointer") for e in problem(refused, 422)["errors"]]
        sites = manager.get("/sites").json()["items"]
        assert [s["code"] for s in sites] == ["A"]
        assert [r["code"] for r in manager.get("/regions").json()["items"]] == ["NORTH"]
        created = manager.post(
            "/areas", json=Plant(manager, site_id=two_sites["a"]["id"]).payload("areas")
        )
        assert created.status_code == 201, created.text


def test_a_regional_manager_sees_the_plants_of_the_region(
    bound: Bound, two_sites: dict[str, Any]
) -> None:
    token = add_user(bound[0], "rm", "regional_manager", region_ids=(two_sites["north"]["id"],))
    with client_for(bound, token) as regional:
        codes = [s["code"] for s in regional.get("/sites").json()["items"]]
        assert codes == ["A", "B"]
        assert regional.get(f"/items/{two_sites['item_b']['id']}").status_code == 200
        assert problem(regional.get(f"/items/{two_sites['item_c']['id']}"), 404)
        body = {"code": "D", "name": "D", "region_id": two_sites["north"]["id"]}
        body |= {"time_zone": "Europe/Berlin", "currency": "EUR"}
        assert problem(regional.post("/sites", json=body), 403)


SERVER_OWNED = ("id", "version", "created_by", "created_at", "approved_by", "recorded_at", "status")


@pytest.mark.parametrize("name", [spec.name for spec in RESOURCES])
def test_server_owned_fields_are_refused_by_name(api: httpx.Client, name: str) -> None:
    """T9: no writable schema accepts a field the server owns; the 422 names it. A record's
    site is set once, at creation: a change of site_id is refused the same way."""
    plant = Plant(api)
    record = plant.create(name)
    for field in SERVER_OWNED:
        created = api.post(f"/{name}", json=plant.payload(name) | {field: 1})
        changed = api.patch(f"/{name}/{record['id']}", json={field: 1}, headers=if_match(1))
        for answer in (created, changed):
            assert f"/{field}" in [e.get("pointer") for e in problem(answer, 422)["errors"]]
    if BY_NAME[name].site_owned:
        moved = api.patch(f"/{name}/{record['id']}", json={"site_id": 1}, headers=if_match(1))
        assert "/site_id" in [e.get("pointer") for e in problem(moved, 422)["errors"]]
    assert api.get(f"/{name}/{record['id']}").json()["version"] == 1  # nothing changed
