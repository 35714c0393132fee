"""Engines and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from plantops.config import settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL for concurrent readers, FULL sync so an acknowledged write survives a power cut,
    # foreign keys on (SQLite's default is off), and a wait instead of "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = url or settings().database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One use case, one transaction: commit on success, roll back everything on error."""
    session = factory()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


@contextmanager
def consistent_read(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose queries all see one state of the database, however many it runs
    (a plan run reads a whole site): REPEATABLE READ on PostgreSQL; on SQLite an explicit
    BEGIN, as pysqlite opens a transaction only before a write. Nothing it does is kept."""
    session = factory()
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        else:
            session.connection().exec_driver_sql("BEGIN")
        yield session
    finally:
        session.rollback()
        session.close()
