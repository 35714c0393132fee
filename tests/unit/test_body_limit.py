"""The body limit answers 413 as problem+json before the app reads a byte, and lets a body
at the limit through."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from plantops.api.problems import MEDIA_TYPE, BodyLimit


def limited(limit: int) -> TestClient:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    app.add_middleware(BodyLimit, limit=limit)
    return TestClient(app)


def test_a_body_over_the_limit_is_413_naming_the_limit() -> None:
    answer = limited(10).post("/echo", content=b"x" * 11)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == MEDIA_TYPE
    assert answer.json()["detail"] == "bodies are limited to 10 bytes"


def test_a_body_at_the_limit_and_a_request_without_one_pass() -> None:
    client = limited(10)
    assert client.post("/echo", content=b"x" * 10).json() == {"bytes": 10}
    assert client.post("/echo").json() == {"bytes": 0}
