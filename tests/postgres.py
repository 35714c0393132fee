"""A throwaway PostgreSQL database per test.

Where the server comes from, in order: PLANTOPS_TEST_POSTGRES_URL (CI starts Debian's cluster
as the postgres user); else a server started once per session from Debian's binaries. Absent
both, the test is skipped with the reason, or fails when PLANTOPS_TEST_POSTGRES=required."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from plantops.storage.engine import make_engine
from plantops.storage.migrate import upgrade

_counter = itertools.count()
_TEMPLATE = "plantops_template"
_template_ready: set[str] = set()


def _unavailable(request: pytest.FixtureRequest, why: str) -> None:
    if os.environ.get("PLANTOPS_TEST_POSTGRES") == "required":
        pytest.fail(f"PostgreSQL is required (PLANTOPS_TEST_POSTGRES=required) but {why}")
    pytest.skip(f"PostgreSQL tests skipped: {why}")


def server_url(request: pytest.FixtureRequest) -> str:
    url = os.environ.get("PLANTOPS_TEST_POSTGRES_URL")
    if url:
        return url
    _unavailable(request, "PLANTOPS_TEST_POSTGRES_URL is not set")
    raise AssertionError("unreachable")


def _admin(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _ensure_template(url: str) -> None:
    if url in _template_ready:
        return
    admin = _admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{_TEMPLATE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{_TEMPLATE}"'))
    admin.dispose()
    engine = make_engine(make_url(url).set(database=_TEMPLATE).render_as_string(False))
    upgrade(engine)
    engine.dispose()
    _template_ready.add(url)


@contextmanager
def postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    url = server_url(request)
    _ensure_template(url)
    name = f"plantops_test_{os.getpid()}_{next(_counter)}"
    admin = _admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
