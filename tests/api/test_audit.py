"""The audit trail: written with every change, in its transaction; readable per record and
exported as CSV within scope; append-only in the database; tampering detected."""

from __future__ import annotations

import csv
import io
import threading
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from plantops.access import audit
from plantops.storage.engine import unit_of_work
from tests.accounts import add_user
from tests.api.builder import Plant
from tests.api.http import if_match, problem

Bound = tuple[sessionmaker[Session], str]


def _item(plant: Plant, name: str) -> dict[str, Any]:
    answer = plant.client.post("/items", json=plant.payload("items") | {"name": name})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _verify(sessions: sessionmaker[Session]) -> audit.Verdict:
    with unit_of_work(sessions) as session:
        return audit.verify(session)


def test_every_change_leaves_who_when_old_and_new(api: httpx.Client, bound: Bound) -> None:
    item = _item(Plant(api), "bracket")
    reason = {"X-Change-Reason": "drawing rev. C"}
    changed = api.patch(
        f"/items/{item['id']}", json={"name": "bracket v2"}, headers=if_match(1) | reason
    )
    assert changed.status_code == 200
    assert api.delete(f"/items/{item['id']}", headers=if_match(2)).status_code == 204
    trail = api.get("/audit", params={"entity": "items", "record_id": item["id"]}).json()
    create, update, delete = reversed(trail["items"])  # newest first
    assert [create["action"], update["action"], delete["action"]] == ["create", "update", "delete"]
    assert {e["username"] for e in (create, update, delete)} == {"admin"}
    assert create["old"] is None and create["new"]["name"] == "bracket"
    assert update["old"]["name"] == "bracket" and update["new"]["name"] == "bracket v2"
    assert update["changed"] == ["name", "version"]
    assert update["reason"] == "drawing rev. C" and create["reason"] is None
    assert delete["new"] is None and delete["old"]["version"] == 2
    assert create["at"] <= update["at"] <= delete["at"]
    assert _verify(bound[0]).intact


def test_a_records_history_is_oldest_first(api: httpx.Client) -> None:
    item = Plant(api).create("items")
    for version in (1, 2):
        api.patch(
            f"/items/{item['id']}", json={"name": f"v{version + 1}"}, headers=if_match(version)
        )
    history = api.get(f"/items/{item['id']}/history").json()
    assert [h["action"] for h in history] == ["create", "update", "update"]
    assert [h["new"]["name"] for h in history[1:]] == ["v2", "v3"]


def test_a_refused_change_leaves_no_audit_record(api: httpx.Client) -> None:
    item = Plant(api).create("items")
    before = api.get("/audit").json()["total"]
    stale = api.patch(f"/items/{item['id']}", json={"name": "x"}, headers=if_match(7))
    assert problem(stale, 412)
    bad = api.patch(f"/items/{item['id']}", json={"lead_time_days": -1}, headers=if_match(1))
    assert problem(bad, 422)
    assert api.get("/audit").json()["total"] == before


def test_the_database_refuses_to_edit_or_delete_audit_records(
    api: httpx.Client, engine: Engine
) -> None:
    Plant(api).create("items")
    for statement in ("UPDATE audit_record SET username = 'mallory'", "DELETE FROM audit_record"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))


def _drop_guard(engine: Engine) -> None:
    """What someone with the database owner's password could do behind the application."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_record_append_only ON audit_record"))
        else:
            connection.execute(text("DROP TRIGGER audit_record_no_update"))
            connection.execute(text("DROP TRIGGER audit_record_no_delete"))


def test_verify_finds_an_altered_or_removed_record(
    api: httpx.Client, engine: Engine, bound: Bound
) -> None:
    plant = Plant(api)
    for _ in range(3):
        plant.create("items")
    assert _verify(bound[0]).intact
    _drop_guard(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_record SET username = 'mallory' WHERE id = 2"))
    assert _verify(bound[0]).problems == ["record 2 was altered after it was written"]
    with engine.begin() as connection:
        last = connection.execute(text("SELECT max(id) FROM audit_record")).scalar_one()
        connection.execute(text("DELETE FROM audit_record WHERE id = :id"), {"id": last})
    problems = _verify(bound[0]).problems
    assert problems[-1].startswith(f"the trail ends at record {last - 1} but its head says {last}")


def test_concurrent_writers_keep_one_unbroken_chain(
    api: httpx.Client, bound: Bound, engine: Engine
) -> None:
    site = Plant(api).site()
    payloads = [Plant(api, site_id=site).payload("areas") for _ in range(12)]
    headers = dict(api.headers)
    answers: list[int] = []
    start = threading.Barrier(4)

    def write(chunk: list[dict[str, Any]]) -> None:
        with httpx.Client(base_url=str(api.base_url), timeout=60, headers=headers) as client:
            start.wait()
            answers.extend(client.post("/areas", json=body).status_code for body in chunk)

    threads = [threading.Thread(target=write, args=(payloads[k::4],)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers.count(201) >= 1
    verdict = _verify(bound[0])
    assert verdict.intact, verdict.problems
    created = api.get("/audit", params={"entity": "areas", "limit": 500}).json()["total"]
    assert created == answers.count(201)


def test_the_csv_export_is_scoped_and_needs_the_audit_permission(
    api: httpx.Client, bound: Bound
) -> None:
    a = Plant(api)
    b = Plant(api)
    a.create("items")
    b.create("items")
    auditor = add_user(bound[0], "aud", "auditor", site_ids=(a.site(),))
    operator = add_user(bound[0], "op", "operator", site_ids=(a.site(),))
    base = str(api.base_url)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {auditor}"}) as client:
        answer = client.get("/audit/export")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows and {r["site_id"] for r in rows} == {str(a.site())}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {operator}"}) as client:
        assert problem(client.get("/audit/export"), 403)
        assert problem(client.get("/audit"), 403)
