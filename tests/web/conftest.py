"""Fixtures of the web page tests: the session's uvicorn server bound to this test's database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from plantops.storage.engine import make_session_factory


def bind(server: tuple[object, str], engine: Engine) -> str:
    app, base = server
    app.state.engine = engine  # type: ignore[attr-defined]
    app.state.sessions = make_session_factory(engine)  # type: ignore[attr-defined]
    return base


@pytest.fixture
def base_url(server: tuple[object, str], engine: Engine) -> str:
    """Root URL of the server (no /api/v1), on this test's database, both backends."""
    return bind(server, engine)


@pytest.fixture
def sqlite_base_url(server: tuple[object, str], sqlite_engine: Engine) -> str:
    """The same on SQLite only: for the browser test, which needs no second backend."""
    return bind(server, sqlite_engine)
