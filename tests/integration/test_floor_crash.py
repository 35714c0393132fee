"""kill -9 of the server during continuous writes (reference/reliability.md T4), on both
databases: every event the server acknowledged is in the ledger once, every one it did not
answer is sent again and recorded once, and the database is intact. benchmarks/reliability.py
kills it more often."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, select, text

from plantops.execution import verify
from plantops.execution.models import ShopEvent
from plantops.storage.engine import make_session_factory
from tests.floor_scenarios import Served, crash_and_recover, prepared


def test_killed_twice_while_writing_loses_and_doubles_nothing(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    token, operations = prepared(url, orders=5)
    served = Served(url)
    served.start()
    try:
        told = crash_and_recover(served, token, operations, kills=2)
    finally:
        served.stop()
    assert set(told.statuses) == {201} and len(told.acknowledged) > 20, told.statuses
    with make_session_factory(engine)() as session:
        keys = Counter(session.scalars(select(ShopEvent.idempotency_key)))
        assert all(keys[k] == 1 for k in told.acknowledged)
        assert verify.problems(session) == []
        if engine.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
