"""Assertions on HTTP answers shared by the API tests."""

from __future__ import annotations

from typing import Any

import httpx

PROBLEM = "application/problem+json"


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The RFC 9457 body of an error answer with this status."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = dict(response.json())
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def pointers(body: dict[str, Any]) -> list[str]:
    """The JSON pointers of a 422's field errors."""
    return [e["pointer"] for e in body["errors"] if "pointer" in e]


def parameters(body: dict[str, Any]) -> list[str]:
    return [e["parameter"] for e in body["errors"] if "parameter" in e]


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}
