"""PostgreSQL for the test suite: one server per session, one throwaway database per test.

Where the server comes from, in order:
1. PLANTOPS_TEST_POSTGRES_URL (CI starts Debian's cluster as the postgres user, see .ci/run);
2. else a throwaway server started once per session with pytest-postgresql's executor from
   Debian's binaries (/usr/lib/postgresql/<version>/bin), in a temporary directory on a free
   port, stopped at the end of the session. initdb refuses to run as root: as root the server is
   started as the `postgres` system user (runuser), in a directory that user owns.
Absent both, PostgreSQL tests are skipped with the reason, or fail when
PLANTOPS_TEST_POSTGRES=required.

Each test gets a database copied from a migrated template made once per session (a copy takes
tens of milliseconds; running the migrations takes seconds), made ahead in the background."""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from plantops.storage.engine import make_engine
from plantops.storage.migrate import upgrade

URL_VARIABLE = "PLANTOPS_TEST_POSTGRES_URL"
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
SYSTEM_USER = "postgres"
# A throwaway server may lose everything on a crash: trade durability for speed.
FAST_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

_counter = itertools.count()


def unavailable(why: str) -> None:
    """Skip (or, when PostgreSQL is required, fail) the test asking for PostgreSQL."""
    if os.environ.get("PLANTOPS_TEST_POSTGRES") == "required":
        pytest.fail(f"PostgreSQL is required (PLANTOPS_TEST_POSTGRES=required) but {why}")
    pytest.skip(f"PostgreSQL tests skipped: {why}")


def debian_pg_ctl(root: Path | None = None) -> Path | None:
    """pg_ctl of the newest PostgreSQL installed from Debian's packages, if any."""
    root = root or DEBIAN_BINARIES
    found = [p for p in root.glob("*/bin/pg_ctl") if p.parent.parent.name.isdigit()]
    if not found:
        return None
    return max(found, key=lambda p: int(p.parent.parent.name))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_system_user(pg_ctl: Path, workdir: Path, scripts: Path) -> str:
    """A pg_ctl that runs as the postgres user (for root, whom initdb refuses)."""
    wrapper = scripts / "pg_ctl"
    wrapper.write_text(
        f'#!/bin/sh\ncd "{workdir}" || exit 1\nexec runuser -u {SYSTEM_USER} -- "{pg_ctl}" "$@"\n'
    )
    wrapper.chmod(stat.S_IRWXU)
    return str(wrapper)


@contextmanager
def _workspace() -> Iterator[tuple[Path, Path]]:
    """A temporary directory for the server, and one for scripts: the scripts root runs must
    live where the postgres user cannot write."""
    workdir = Path(tempfile.mkdtemp(prefix="plantops-pg-"))
    scripts = Path(tempfile.mkdtemp(prefix="plantops-pg-ctl-"))
    try:
        yield workdir, scripts
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(scripts, ignore_errors=True)


def _start(
    executable: str, workdir: Path, attempts: int = 3, options: str = FAST_OPTIONS
) -> tuple[Any, int]:
    """A started server on a free port. Another process may bind the port between our probe
    and the server's start (concurrent test sessions): a failed start is tried again, on
    another port, and the last failure says what the server logged."""
    from mirakuru.exceptions import ExecutorError
    from pytest_postgresql.executors import PostgreSQLExecutor

    for attempt in range(1, attempts + 1):
        port = _free_port()
        log = workdir / f"postgresql-{port}.log"
        executor = PostgreSQLExecutor(
            executable=executable,
            host="127.0.0.1",
            port=port,
            datadir=str(workdir / f"data-{port}"),
            unixsocketdir=str(workdir),
            logfile=str(log),
            startparams="-w",
            dbname="postgres",
            user=SYSTEM_USER,
            postgres_options=options,
        )
        try:
            executor.start()  # returns once the port answers, maybe before the server is ready
            code = executor.process.wait(timeout=120)  # pg_ctl start -w: ready, or failed
            if code != 0:
                raise subprocess.CalledProcessError(code, "pg_ctl start")
            return executor, port
        except (ExecutorError, subprocess.SubprocessError) as error:
            with suppress(Exception):
                executor.stop()
            if attempt == attempts:
                logged = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"PostgreSQL did not start: {error}\n{logged}") from error
    raise AssertionError("unreachable")


@contextmanager
def throwaway_server(pg_ctl: Path, options: str = FAST_OPTIONS) -> Iterator[str]:
    """Start a PostgreSQL server in a temporary directory; yield its URL; stop and remove it.
    `options`: the server's settings (the benchmarks run it durable: "")."""
    with _workspace() as (workdir, scripts):
        executable = str(pg_ctl)
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                unavailable(f"running as root and there is no {SYSTEM_USER!r} user for initdb")
            os.chown(workdir, account.pw_uid, account.pw_gid)
            executable = _as_system_user(pg_ctl, workdir, scripts)
        executor, port = _start(executable, workdir, options=options)
        try:
            yield f"postgresql+psycopg://{SYSTEM_USER}@127.0.0.1:{port}/postgres"
        finally:
            executor.stop()


@contextmanager
def postgres_server() -> Iterator[str]:
    """The URL of the server this session uses (see the module docstring)."""
    url = os.environ.get(URL_VARIABLE)
    if url:
        yield url
        return
    pg_ctl = debian_pg_ctl()
    if pg_ctl is None:
        unavailable(
            f"{URL_VARIABLE} is not set and no PostgreSQL binaries were found under "
            f"{DEBIAN_BINARIES} (apt-get install postgresql)"
        )
    assert pg_ctl is not None
    with throwaway_server(pg_ctl) as url:
        yield url


def _admin(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _database_url(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def migrated_template(url: str) -> Iterator[str]:
    """A migrated database to copy, private to this session (other sessions may share the
    server: each has its own template and databases, named after its process id)."""
    name = f"plantops_template_{os.getpid()}"
    admin = _admin(url)
    _drop(admin, name)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_database_url(url, name))
    upgrade(engine)
    engine.dispose()  # a template must have no open connection while it is copied
    try:
        yield name
    finally:
        _drop(admin, name)
        admin.dispose()


class DatabasePool:
    """Fresh copies of the template, made ahead by a background thread and dropped by it after
    use, so a test neither waits for CREATE DATABASE nor for DROP DATABASE (each costs tens to
    hundreds of milliseconds on a server that syncs its writes)."""

    def __init__(self, url: str, template: str, ahead: int = 2) -> None:
        self.url, self.template = url, template
        self._admin = _admin(url)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plantops-pg")
        self._pending = deque(self._worker.submit(self._create) for _ in range(ahead))

    def _create(self) -> str:
        name = f"plantops_test_{os.getpid()}_{next(_counter)}"
        with self._admin.connect() as connection:
            # FILE_COPY copies the files; PostgreSQL 15's default, WAL_LOG, writes the whole
            # template through the WAL, several times slower.
            modern = (connection.dialect.server_version_info or (0,)) >= (15,)
            strategy = " STRATEGY FILE_COPY" if modern else ""
            connection.execute(
                text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"{strategy}')
            )
        return name

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh migrated database for one test; yields its URL."""
        name = self._pending.popleft().result()
        self._pending.append(self._worker.submit(self._create))
        try:
            yield _database_url(self.url, name)
        finally:
            self._worker.submit(_drop, self._admin, name)

    def close(self) -> None:
        for pending in self._pending:
            self._worker.submit(_drop, self._admin, pending.result())
        self._worker.shutdown(wait=True)
        self._admin.dispose()
