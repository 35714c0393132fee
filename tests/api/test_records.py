"""The record API of every resource in the catalog, over real HTTP, on both databases.

Generated from plantops.catalog: a new resource is covered without a new test (see builder.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from plantops.catalog import RESOURCES
from plantops.config import settings
from tests.api.builder import BY_NAME, Plant, uses_of
from tests.api.http import if_match, parameters, pointers, problem

NAMES = [spec.name for spec in RESOURCES]
SITE_OWNED = [spec.name for spec in RESOURCES if spec.site_owned]
IN_USE = [spec.name for spec in RESOURCES if uses_of(spec)]


@pytest.fixture
def plant(api: httpx.Client) -> Plant:
    return Plant(api)


@pytest.mark.parametrize("name", NAMES)
def test_create_answers_201_with_etag_and_location_then_get(
    api: httpx.Client, plant: Plant, name: str
) -> None:
    body = plant.payload(name)
    created = api.post(f"/{name}", json=body)
    assert created.status_code == 201, created.text
    record = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/api/v1/{name}/{record['id']}"
    assert record["version"] == 1
    assert record["code"] == body["code"]
    fetched = api.get(created.headers["location"].removeprefix("/api/v1"))
    assert fetched.status_code == 200
    assert fetched.headers["etag"] == '"1"'
    assert fetched.json() == record


@pytest.mark.parametrize("name", NAMES)
def test_list_filters_sorts_searches_and_pages(api: httpx.Client, plant: Plant, name: str) -> None:
    codes = ["Find-B", "Find-A", "Find-C"]
    records = [plant.create(name, code=code) for code in codes]
    scope = {"q": "find-"}  # only these three, whatever their dependencies created

    def listed(**params: Any) -> dict[str, Any]:
        response = api.get(f"/{name}", params=scope | params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    page = listed(sort="code")
    assert [r["code"] for r in page["items"]] == sorted(codes)
    assert page["total"] == 3
    assert [r["code"] for r in listed(sort="-code")["items"]] == sorted(codes, reverse=True)
    assert [r["code"] for r in listed(q="ND-a")["items"]] == ["Find-A"]
    first, rest = listed(sort="code", limit=2), listed(sort="code", limit=2, offset=2)
    assert [r["code"] for r in first["items"]] == ["Find-A", "Find-B"]
    assert [r["code"] for r in rest["items"]] == ["Find-C"]
    assert (rest["total"], rest["limit"], rest["offset"]) == (3, 2, 2)
    assert listed(limit=1_000_000)["limit"] == settings().max_page_size == 500
    assert listed(q="%")["total"] == 0  # a wildcard is only text
    for field in BY_NAME[name].filters:
        value = records[0][field]
        matches = listed(**{field: value})["items"]
        assert records[0]["id"] in [r["id"] for r in matches]
        assert all(r[field] == value for r in matches)
    if name in SITE_OWNED:
        assert listed(site_id=records[0]["site_id"])["total"] == 3
        assert listed(site_id=2**40)["total"] == 0
    for params, parameter in [
        ({"sort": "no_such_field"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"q": "a\x00"}, "q"),
        ({"bogus": "1"}, "bogus"),
    ]:
        body = problem(api.get(f"/{name}", params=params), 422)
        assert parameter in parameters(body), (params, body)


@pytest.mark.parametrize("name", NAMES)
def test_patch_with_if_match_makes_a_new_version(
    api: httpx.Client, plant: Plant, name: str
) -> None:
    record = plant.create(name)
    url = f"/{name}/{record['id']}"
    changed = api.patch(url, json={"code": "Renamed-1"}, headers=if_match(1))
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    assert changed.json() == record | {"code": "Renamed-1", "version": 2}
    assert api.get(url).json() == changed.json()
    unchanged = api.patch(url, json={}, headers=if_match(2))
    assert unchanged.status_code == 200
    assert unchanged.json()["version"] == 2
    version = 2
    for child in BY_NAME[name].child_fields:  # rows replaced by rows with the same keys
        again = api.patch(url, json={child: record[child]}, headers=if_match(version))
        assert again.status_code == 200, again.text
        version += 1
        assert again.json() == changed.json() | {"version": version}


@pytest.mark.parametrize("name", NAMES)
def test_patch_needs_the_current_version(api: httpx.Client, plant: Plant, name: str) -> None:
    record = plant.create(name)
    url = f"/{name}/{record['id']}"
    problem(api.patch(url, json={"code": "Nope"}), 428)
    body = problem(api.patch(url, json={"code": "Nope"}, headers={"If-Match": "abc"}), 422)
    assert parameters(body) == ["If-Match"]
    winner = api.patch(url, json={"code": "Winner"}, headers=if_match(1))
    assert winner.status_code == 200
    stale = api.patch(url, json={"code": "Loser"}, headers=if_match(1))
    body = problem(stale, 412)
    assert body["current_version"] == 2
    assert body["current"] == winner.json()
    assert stale.headers["etag"] == '"2"'
    problem(api.delete(url, headers=if_match(1)), 412)
    assert api.get(url).json() == winner.json()


@pytest.mark.parametrize("name", NAMES)
def test_invalid_fields_are_422_with_a_pointer(api: httpx.Client, plant: Plant, name: str) -> None:
    body = plant.payload(name)
    cases: list[tuple[dict[str, Any], str]] = [
        (body | {"code": "two words"}, "/code"),
        (body | {"code": None}, "/code"),
        (body | {"bogus": 1}, "/bogus"),
        (body | {"id": 7}, "/id"),
        (body | {"version": 7}, "/version"),
        ({k: v for k, v in body.items() if k != "code"}, "/code"),
    ]
    for field, value in body.items():  # JSON as the document says: no true or "7" for 7
        if isinstance(value, int) and not isinstance(value, bool):
            cases += [
                (body | {field: True}, f"/{field}"),
                (body | {field: str(value)}, f"/{field}"),
            ]
    for child in BY_NAME[name].child_fields:
        if body.get(child):
            field = next(iter(body[child][0]))
            rows = [{**body[child][0], field: {"not": "a value"}}]
            cases.append((body | {child: rows}, f"/{child}/0/{field}"))
    for payload, pointer in cases:
        answer = problem(api.post(f"/{name}", json=payload), 422)
        assert pointer in pointers(answer), (payload, answer)
    assert api.get(f"/{name}", params={"q": body["code"]}).json()["total"] == 0


@pytest.mark.parametrize("name", NAMES)
def test_patch_refuses_server_owned_and_invalid_fields(
    api: httpx.Client, plant: Plant, name: str
) -> None:
    record = plant.create(name)
    url = f"/{name}/{record['id']}"
    cases = [({"id": 99}, "/id"), ({"version": 99}, "/version"), ({"code": "a b"}, "/code")]
    cases += [({"code": None}, "/code"), ({"bogus": True}, "/bogus")]
    if name in SITE_OWNED:
        cases.append(({"site_id": record["site_id"]}, "/site_id"))
    for patch, pointer in cases:
        answer = problem(api.patch(url, json=patch, headers=if_match(1)), 422)
        assert pointer in pointers(answer), (patch, answer)
        assert pointer.strip("/") in answer["detail"]
    assert api.get(url).json() == record


@pytest.mark.parametrize("name", NAMES)
def test_duplicate_code_is_409(api: httpx.Client, plant: Plant, name: str) -> None:
    body = plant.payload(name)
    assert api.post(f"/{name}", json=body).status_code == 201
    answer = problem(api.post(f"/{name}", json=body), 409)
    assert body["code"] in answer["detail"]
    other = plant.create(name)
    clash = api.patch(f"/{name}/{other['id']}", json={"code": body["code"]}, headers=if_match(1))
    problem(clash, 409)
    if name in SITE_OWNED:  # codes are unique within a site only
        elsewhere = Plant(api)
        assert elsewhere.create(name, code=body["code"])["site_id"] != body["site_id"]


@pytest.mark.parametrize("name", IN_USE)
def test_delete_of_a_record_in_use_is_409_naming_the_user(
    api: httpx.Client, plant: Plant, name: str
) -> None:
    record = plant.create(name)
    use = uses_of(BY_NAME[name])[0]
    user = plant.create(use.spec.name, use={(use.table, use.column): record["id"]})
    url = f"/{name}/{record['id']}"
    answer = problem(api.delete(url, headers=if_match(1)), 409)
    assert user["code"] in answer["detail"], answer
    assert api.get(url).status_code == 200
    gone = api.delete(f"/{use.spec.name}/{user['id']}", headers=if_match(1))
    assert gone.status_code == 204
    assert api.delete(url, headers=if_match(1)).status_code == 204


@pytest.mark.parametrize("name", NAMES)
def test_delete_with_if_match_then_404(api: httpx.Client, plant: Plant, name: str) -> None:
    record = plant.create(name)
    url = f"/{name}/{record['id']}"
    problem(api.delete(url), 428)
    deleted = api.delete(url, headers=if_match(1))
    assert deleted.status_code == 204
    assert deleted.content == b""
    for unknown in (url, f"/{name}/{2**40}"):  # deleted, never was
        problem(api.get(unknown), 404)
        problem(api.delete(unknown, headers=if_match(1)), 404)
        problem(api.patch(unknown, json={"code": "Back"}, headers=if_match(1)), 404)
    problem(api.get(f"/{name}/0"), 422)
    problem(api.get(f"/{name}/abc"), 422)


def test_unknown_routes_and_methods_are_problems(api: httpx.Client) -> None:
    problem(api.get("/no_such_resource"), 404)
    problem(api.put("/items"), 405)
    answer = problem(
        api.post("/regions", content=b'{"code": ', headers={"content-type": "application/json"}),
        422,
    )
    assert "JSON" in answer["detail"]
    problem(api.post("/regions"), 422)


@pytest.mark.parametrize("name", NAMES)
def test_every_field_and_child_row_round_trips(api: httpx.Client, plant: Plant, name: str) -> None:
    body = plant.payload(name, full=True)
    created = api.post(f"/{name}", json=body)
    assert created.status_code == 201, (body, created.text)
    record = created.json()
    assert set(record) == set(body) | {"id", "version"}
    for child in BY_NAME[name].child_fields:
        assert len(record[child]) == 1
    assert api.get(f"/{name}/{record['id']}").json() == record
    patch = {k: v for k, v in body.items() if k != "site_id"}  # a record never moves
    again = api.patch(f"/{name}/{record['id']}", json=patch, headers=if_match(1))
    assert again.status_code == 200, again.text
    assert again.json() == record | {"version": 2}
