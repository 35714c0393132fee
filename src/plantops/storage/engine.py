"""Engines and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
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
    # executemany (pipelined by psycopg) rather than one INSERT of many VALUES: psycopg
    # rewrites a long statement's placeholders in Python, a third of a 1,000-event batch
    return create_engine(url, pool_pre_ping=True, use_insertmanyvalues=False, **kwargs)


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


# One writer at a time per SQLite database within this process, queued on a lock: SQLite's
# own busy handler polls with sleeps of up to 100 ms, which a burst of terminals would wait
# out; the lock hands the database to the next writer the moment the last one commits.
_SQLITE_WRITERS: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()


def _writer_lock(engine: Engine) -> threading.Lock:
    with _WRITERS_GUARD:
        lock = _SQLITE_WRITERS.get(engine)
        if lock is None:
            lock = _SQLITE_WRITERS[engine] = threading.Lock()
        return lock


@contextmanager
def serialized_write(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work that decides on what it reads (is this operation still in progress?):
    on SQLite it takes the write lock at its start (BEGIN IMMEDIATE), so no other writer
    commits between its reads and its writes; on PostgreSQL it locks the rows it decides
    on (SELECT ... FOR UPDATE, in the services). Commit on success, roll back on error."""
    session = factory()
    bind = session.get_bind()
    lock = _writer_lock(bind.engine) if bind.dialect.name == "sqlite" else None
    if lock is not None:
        lock.acquire()
    try:
        if lock is not None:
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        else:
            session.connection()
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if lock is not None:
            lock.release()


# PostgreSQL's "try again" answers: a serialization failure, a deadlock broken by the server.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
T = TypeVar("T")


def transient(error: DBAPIError) -> bool:
    """Whether the database refused the transaction only for its timing: worth another try."""
    return getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def with_retries(
    factory: sessionmaker[Session], work: Callable[[Session], T], attempts: int = 3
) -> T:
    """`work` in a serialized write, tried again (a bounded number of times) when the
    database broke a deadlock or a serialization conflict by aborting it."""
    for attempt in range(1, attempts + 1):
        try:
            with serialized_write(factory) as session:
                return work(session)
        except DBAPIError as error:
            if attempt == attempts or not transient(error):
                raise
    raise AssertionError("unreachable")


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
