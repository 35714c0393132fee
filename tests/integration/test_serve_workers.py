"""`plantops serve --workers N`: on PostgreSQL, several server processes take events at once
and record each exactly once; SQLite, which takes one writer at a time, is served by one."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select

from plantops.execution import verify
from plantops.execution.models import ShopEvent
from plantops.storage.engine import make_session_factory
from tests.floor_scenarios import Served, prepared


def test_two_processes_record_every_event_once(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite is served by one process (the next test)")
    url = engine.url.render_as_string(hide_password=False)
    token, operations = prepared(url, orders=4)
    served = Served(url, workers=2)
    served.start()

    def terminal(n: int) -> list[tuple[str, int]]:
        headers = {"Authorization": f"Bearer {token}"}
        answers = []
        with httpx.Client(base_url=f"{served.base}/api/v1", headers=headers, timeout=60) as c:
            for i in range(20):
                body = {"idempotency_key": uuid.uuid4().hex, "kind": "operation_report",
                        "order_operation_id": operations[(n + i) % len(operations)], "good": 1,
                        "occurred_at": datetime.now(UTC).isoformat()}  # fmt: skip
                for _ in range(2):  # sent again, as a terminal does when an answer is lost
                    answers.append(
                        (body["idempotency_key"], c.post("/events", json=body).status_code)
                    )
        return answers

    try:
        with ThreadPoolExecutor(8) as pool:
            answers = [a for each in pool.map(terminal, range(8)) for a in each]
    finally:
        served.stop()
    assert Counter(status for _, status in answers) == {201: 320}
    with make_session_factory(engine)() as session:
        keys = Counter(session.scalars(select(ShopEvent.idempotency_key)))
        sent = {key for key, _ in answers}
        assert all(keys[key] == 1 for key in sent) and len(sent) == 160
        assert verify.problems(session) == []


def test_sqlite_is_served_by_one_process(tmp_path: Path) -> None:
    env = os.environ | {"PLANTOPS_DATABASE_URL": f"sqlite:///{tmp_path}/plantops.db"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "plantops"), "serve", "--workers", "2"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--workers" in done.stderr and "SQLite is served by one process" in done.stderr
    assert "Traceback" not in done.stderr
