"""The API answers over real HTTP on both databases."""

import httpx


def test_health(api: httpx.Client) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_region_round_trip(api: httpx.Client) -> None:
    created = api.post("/regions", json={"code": "EU", "name": "Europe"})
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    fetched = api.get(created.headers["location"].removeprefix("/api/v1"))
    assert fetched.json() == created.json()
