"""Schemathesis over the whole OpenAPI document against the live uvicorn server (T11).

Every operation gets the examples, coverage and fuzzing phases, valid and invalid data: no
answer may be a 5xx, and every answer must be what the document says (status, content type,
headers, body schema); invalid requests must be refused. SQLite only and bounded: the record
rules themselves are tested on both databases in test_records.py."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import DateTime, Time

from plantops.access.logins import COOKIE, sign_in
from plantops.api.app import create_app
from plantops.catalog import RESOURCES
from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
from tests.accounts import PASSWORD, add_user
from tests.api.builder import Plant

# A test dependency (DESIGN.md, Stack): where it is missing, a reported skip, not an error.
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from schemathesis.specs.openapi.checks import negative_data_rejection  # noqa: E402

MAX_EXAMPLES = 12
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
]


def local_time_fields() -> Iterator[tuple[str, str]]:
    """(schema name, field) of every field stored in a column without time zone: site-local
    wall-clock values, sent without a UTC offset."""
    specs: list[Any] = [*RESOURCES]
    while specs:
        spec = specs.pop()
        specs.extend(spec.children)
        schema_class = getattr(spec, "schema", None) or spec.create
        table = spec.model.__table__
        for name in schema_class.model_fields:
            column = table.c.get(name)
            kind = getattr(column, "type", None)
            if isinstance(kind, DateTime | Time) and not kind.timezone:
                yield schema_class.__name__, name


@pytest.fixture(scope="module")
def live(
    server: tuple[Any, str], sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    """The session's server, bound for this module to one SQLite database holding a record of
    every resource (ids 1, 2... exist, so generated ids sometimes hit one), and the headers
    of a signed-in administrator."""
    app, base = server
    path = tmp_path_factory.mktemp("fuzz") / "plantops.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    app.state.engine, app.state.sessions = engine, make_session_factory(engine)
    add_user(app.state.sessions, "admin", "admin", everywhere=True)
    with unit_of_work(app.state.sessions) as session:
        signed = sign_in(session, "admin", PASSWORD, "fuzz")
        assert signed is not None
    # A web session, not a token: the fuzzer revokes tokens it finds (DELETE /me/tokens/1).
    headers = {"Cookie": f"{COOKIE}={signed.secret}", "X-CSRF-Token": signed.csrf_token}
    with httpx.Client(base_url=f"{base}/api/v1", timeout=30, headers=headers) as client:
        plant = Plant(client)
        for spec in RESOURCES:
            plant.create(spec.name, full=True)
    yield base, headers
    engine.dispose()


@pytest.fixture(scope="module")
def served_document(live: tuple[str, dict[str, str]]) -> dict[str, Any]:
    """The OpenAPI document as the server serves it."""
    response = httpx.get(f"{live[0]}/api/openapi.json", timeout=30)
    assert response.status_code == 200
    return dict(response.json())


# pytest 9 breaks schemathesis' lazy schemas (from_fixture), so the document is built at import,
# from the app as it is served; test_the_document_fuzzed_is_the_one_served checks they agree.
OPENAPI = create_app(make_engine("sqlite://"), web_ui=False).openapi()
schema = schemathesis.openapi.from_dict(copy.deepcopy(OPENAPI))
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
schema.config.checks.update(included_check_names=CHECKS)


def test_the_document_fuzzed_is_the_one_served(served_document: dict[str, Any]) -> None:
    assert served_document == OPENAPI


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi(case: schemathesis.Case, live: tuple[str, dict[str, str]]) -> None:
    # A file in the body (a YAML or spreadsheet plant file) is "a string" to the document: an
    # "invalid" one generated from it is any text, maybe a valid file. Its content is checked by
    # the importer's own tests; only JSON bodies must be refused when the schema refuses them.
    files = case.media_type not in (None, "application/json")
    skip = [negative_data_rejection] if files else []
    base, headers = live
    case.call_and_validate(base_url=base, timeout=30, headers=headers, excluded_checks=skip)


def test_local_times_are_documented_as_local(served_document: dict[str, Any]) -> None:
    fields = set(local_time_fields())
    for component, body in served_document["components"]["schemas"].items():
        for field, definition in body.get("properties", {}).items():
            if (component.split("-")[0], field) in fields:
                assert definition.get("format") not in ("date-time", "time"), (component, field)
