"""No input yields a 500 or a silent change: hostile values in every field of every resource.

Each field of a full record (and of its first child rows) gets values chosen to break a layer
below the schema: NUL bytes and lone surrogates (PostgreSQL and UTF-8 refuse them), strings
longer than their column, integers beyond 32 and 64 bits, decimals with more digits or places
than their NUMERIC column, instants that leave the calendar once converted to UTC, times with
an offset for a local-time column. The answer must be a 2xx or a problem+json 4xx, and whatever
was accepted must read back exactly as the write answered."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from plantops.catalog import RESOURCES
from plantops.resources.spec import ChildSpec
from tests.api.builder import BY_NAME, Plant, base_type
from tests.api.http import PROBLEM, if_match

Path = tuple[str | int, ...]

ANY = [None, [], {}, True, "", -1]
BY_KIND: dict[Any, list[Any]] = {
    str: ["\x00", "a\x00b", "\ud800", "x" * 5000, "ü" * 65, "\t "],
    int: [0, 2**31, 2**53 + 1, 2**63, -(2**63) - 1, 10**40, 1.5, "7"],
    Decimal: [
        "1e30",
        "123456789012.3456",
        "12345678901234.5",
        "0.12345",
        "NaN",
        "-Infinity",
        1e308,
        "1e-7",
        "-0",
    ],
    float: [1e308, 5e-324, -1e-300, "NaN", "Infinity", 10**400],
    date: ["0001-01-01", "9999-12-31", "2030-02-30", "+10000-01-01", 253402300800],
    datetime: [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59.999999",
        "2030-01-01T00:00:00+23:59",
    ],
    time: ["24:00:00", "23:59:59.999999+14:00", "00:00Z", "06:00:00.000001"],
    Enum: ["\x00", "x" * 1000],
}


def _kind(annotation: Any) -> Any:
    kind = base_type(annotation)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return Enum
    if "Datetime" in getattr(kind, "__name__", ""):
        return datetime
    return kind


def fields(
    schema: type[BaseModel], children: tuple[ChildSpec, ...], at: Path = ()
) -> Iterator[tuple[Path, Any]]:
    """(path in the body, kind of value) of every scalar field, child rows included."""
    nested = {child.field: child for child in children}
    for name, info in schema.model_fields.items():
        child = nested.get(name)
        if child is not None:
            yield from fields(child.schema, child.children, (*at, name, 0))
        else:
            yield (*at, name), _kind(info.annotation)


def _with(body: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _send(api: httpx.Client, method: str, url: str, body: Any, version: int = 0) -> httpx.Response:
    """JSON as any client may send it: escaped lone surrogates included (httpx refuses them)."""
    headers = {"content-type": "application/json", **(if_match(version) if version else {})}
    return api.request(method, url, content=json.dumps(body).encode(), headers=headers)


def _answered_well(api: httpx.Client, response: httpx.Response, sent: Any) -> bool:
    """A problem+json 4xx, or a 2xx whose record reads back as it was answered."""
    assert response.status_code < 500, (sent, response.text)
    if response.status_code >= 400:
        assert response.status_code in (409, 422), (sent, response.text)
        assert response.headers["content-type"] == PROBLEM
        return False
    record = response.json()
    location = f"{response.request.url.path.removeprefix('/api/v1')}"
    if response.request.method == "POST":
        location += f"/{record['id']}"
    assert api.get(location).json() == record, sent
    return True


@pytest.mark.parametrize("name", [spec.name for spec in RESOURCES])
def test_hostile_values_on_create(api: httpx.Client, name: str) -> None:
    plant = Plant(api)
    spec = BY_NAME[name]
    base = plant.payload(name, full=True)
    for path, kind in fields(spec.create, spec.children):
        for value in [*BY_KIND.get(kind, []), *ANY]:
            body = _with(base, path, value)
            if path != ("code",):
                body["code"] = plant.code("H")
            _answered_well(api, _send(api, "POST", f"/{name}", body), (path, value))


@pytest.mark.parametrize("name", [spec.name for spec in RESOURCES])
def test_hostile_values_on_patch(api: httpx.Client, name: str) -> None:
    plant = Plant(api)
    spec = BY_NAME[name]
    record = plant.create(name, full=True)
    url, version = f"/{name}/{record['id']}", 1
    for path, kind in fields(spec.patch, ()):
        if path[0] in spec.child_fields:
            continue
        for value in [*BY_KIND.get(kind, []), None, {}]:
            response = _send(api, "PATCH", url, {path[0]: value}, version)
            if _answered_well(api, response, (path, value)):
                version += 1
                assert response.json()["version"] == version


@pytest.mark.parametrize("zone", ["America", "x" * 300, "../../etc/passwd", "Europe/../UTC"])
def test_time_zone_that_names_no_zone_file_is_422(api: httpx.Client, zone: str) -> None:
    """ZoneInfo("America") opens a directory: an OSError, once a 500."""
    body = Plant(api).payload("sites") | {"time_zone": zone}
    response = api.post("/sites", json=body)
    assert response.status_code == 422, response.text
