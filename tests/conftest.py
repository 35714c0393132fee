"""Fixtures shared by the suite: a fresh, migrated database per test on each backend, and the
API served over real HTTP by uvicorn."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from plantops.api.app import create_app
from plantops.config import settings
from plantops.storage.engine import make_engine, make_session_factory
from plantops.storage.migrate import upgrade
from tests.accounts import admin_token
from tests.postgres import DatabasePool, migrated_template, postgres_server

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "plantops.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The session's PostgreSQL server (tests/postgres.py says where it comes from); skips,
    or fails when required, if there is none."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_databases(postgres_url: str) -> Iterator[DatabasePool]:
    """Fresh migrated PostgreSQL databases, one per test, copied from a template."""
    with migrated_template(postgres_url) as template:
        pool = DatabasePool(postgres_url, template)
        yield pool
        pool.close()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite file or throwaway PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "plantops.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
    else:
        pool: DatabasePool = request.getfixturevalue("postgres_databases")
        with pool.database() as database_url:
            engine = make_engine(database_url)
            yield engine
            engine.dispose()


@pytest.fixture
def sqlite_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """SQLite only, for tests of SQLite-specific behaviour."""
    path = tmp_path / "plantops.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def configured(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The CLI reads PLANTOPS_DATABASE_URL: point it at this test's database."""
    monkeypatch.setenv("PLANTOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    settings.cache_clear()
    yield engine
    settings.cache_clear()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[tuple[object, str]]:
    """One uvicorn server for the session; each test points it at its own database."""
    app = create_app(make_engine("sqlite://"))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield app, f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def bound(server: tuple[object, str], engine: Engine) -> tuple[sessionmaker[Session], str]:
    """The session server bound to this test's database: its sessions and base URL."""
    app, base = server
    factory = make_session_factory(engine)
    app.state.engine = engine  # type: ignore[attr-defined]
    app.state.sessions = factory  # type: ignore[attr-defined]
    return factory, base


@pytest.fixture
def api(bound: tuple[sessionmaker[Session], str]) -> Iterator[httpx.Client]:
    """An HTTP client for /api/v1, signed in as an administrator granted every site."""
    factory, base = bound
    headers = {"Authorization": f"Bearer {admin_token(factory)}"}
    with httpx.Client(base_url=f"{base}/api/v1", timeout=30, headers=headers) as client:
        yield client
