"""Shop-floor events over real HTTP, on both databases: an order run through its operations,
refusals that name what is allowed, bad input that names the field and keeps nothing,
re-sendings answered as the first time, batches, late events flagged, work center states
and clocking in."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import TextClause, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.caller import SYSTEM
from plantops.api.execution import single_events
from plantops.execution.models import ShopEvent
from plantops.execution.recording import record
from plantops.execution.schemas import EventIn
from tests.accounts import add_user
from tests.floor import Floor
from tests.polling import until


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return dict(response.json())


def pointers(body: dict[str, Any]) -> set[str]:
    return {e["pointer"] for e in body.get("errors", [])}


def operations(floor: Floor, order_id: int) -> list[dict[str, Any]]:
    return list(floor.api.get(f"/production_orders/{order_id}/operations").json())


def test_an_order_runs_through_its_operations(floor: Floor, factory: sessionmaker[Session]) -> None:
    cut, weld = floor.release(factory, quantity=10)
    order = cut["production_order_id"]
    assert (cut["status"], weld["status"]) == ("ready", "released")
    assert cut["work_center_id"] == floor.center["SAW"] and cut["planned_quantity"] == "10.000000"
    e1, e2 = floor.employee["E1"], floor.employee["E2"]
    started = ok(floor.send("operation_start", order_operation_id=cut["id"], employee_id=e1))
    assert (
        started["operation"]["status"] == "in_progress" and started["order_status"] == "in_progress"
    )
    assert (
        started["operation"]["started"] == "10.000000"
    )  # the first start takes the whole operation
    joined = ok(floor.send("operation_start", order_operation_id=cut["id"], employee_id=e2))
    assert joined["operation"]["started"] == "10.000000"  # a second operator starts nothing more
    ok(floor.send("operation_report", order_operation_id=cut["id"], good=6, scrap=1,
                  scrap_reason_code_id=floor.reason["SCR"]))  # fmt: skip
    paused = ok(floor.send("operation_pause", order_operation_id=cut["id"],
                           reason_code_id=floor.reason["BRK"]))  # fmt: skip
    assert paused["operation"]["status"] == "paused" and paused["order_status"] == "paused"
    ok(floor.send("operation_resume", order_operation_id=cut["id"]))
    done = ok(floor.send("operation_complete", order_operation_id=cut["id"], good=3))
    assert done["operation"] == {
        "id": cut["id"], "status": "completed", "started": "10.000000", "good": "9.000000",
        "scrap": "1.000000", "rework": "0.000000",
    }  # fmt: skip
    cut, weld = operations(floor, order)
    assert weld["status"] == "ready" and cut["actual_start"] and cut["actual_end"]
    # welded on the alternative work center: the operation follows it there
    ok(floor.send("operation_start", order_operation_id=weld["id"], quantity=9,
                  work_center_id=floor.center["WELD2"]))  # fmt: skip
    (line,) = floor.api.get(f"/work_centers/{floor.center['WELD2']}/dispatch_list").json()
    assert (line["operation"]["id"], line["item_code"], line["uom"]) == (weld["id"], "FRAME", "pcs")
    finished = ok(floor.send("operation_complete", order_operation_id=weld["id"], good=8, rework=1,
                             reason_code_id=floor.reason["RW"]))  # fmt: skip
    assert finished["order_status"] == "completed"
    closed = ok(floor.send("order_close", production_order_id=order))
    assert closed["order_status"] == "closed"
    late_report = floor.send("operation_report", order_operation_id=weld["id"], good=1)
    assert "closed" in problem(late_report, 409)["detail"]
    assert floor.api.get(f"/production_orders/{order}").json()["status"] == "closed"
    history = floor.api.get("/events", params={"production_order_id": order}).json()
    assert history["total"] == 9 and history["items"][0]["kind"] == "order_close"


def test_refused_moves_answer_409_naming_the_allowed_ones(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    cut, _ = floor.release(factory)
    refused = floor.send("operation_pause", order_operation_id=cut["id"],
                         reason_code_id=floor.reason["BRK"])  # fmt: skip
    body = problem(refused, 409)
    assert "is ready: operation_pause is not allowed (allowed: operation_start)" in body["detail"]
    closing = floor.send("order_close", production_order_id=cut["production_order_id"])
    assert "cannot become closed" in problem(closing, 409)["detail"]
    ok(floor.send("operation_start", order_operation_id=cut["id"]))
    cancel = floor.send("order_cancel", production_order_id=cut["production_order_id"],
                        note="customer cancelled")  # fmt: skip
    assert "(allowed: completed, on_hold, paused)" in problem(cancel, 409)["detail"]
    again = floor.api.post(f"/production_orders/{cut['production_order_id']}/release", json={})
    assert problem(again, 409)["detail"].startswith("production order MO-")
    events = floor.api.get("/events", params={"order_operation_id": cut["id"]}).json()
    assert events["total"] == 1  # only the start: nothing of a refused event is kept


def test_bad_events_are_422s_naming_the_field_and_keep_nothing(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    cut, _ = floor.release(factory, quantity=5)
    ok(floor.send("operation_start", order_operation_id=cut["id"], quantity=5))
    op = {"order_operation_id": cut["id"]}
    scrap, brk = floor.reason["SCR"], floor.reason["BRK"]
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("operation_report", {"order_operation_id": 999_999, "good": 1}, "/order_operation_id"),
        ("operation_report", op | {"good": -1}, "/good"),
        ("operation_report", op | {"good": 5, "scrap": 1, "scrap_reason_code_id": scrap}, "/good"),
        ("operation_report", op, "/good"),
        ("operation_report", op | {"scrap": 1}, "/scrap_reason_code_id"),
        ("operation_report", op | {"scrap": 1, "scrap_reason_code_id": brk},
         "/scrap_reason_code_id"),
        ("operation_pause", op, "/reason_code_id"),
        ("operation_start", op | {"work_center_id": floor.center["WELD"]}, "/work_center_id"),
        ("operation_report", op | {"good": 1, "colour": "red"}, "/colour"),
        ("clock_in", {"employee_id": floor.employee["E1"], "good": 1}, "/good"),
        ("clock_in", {"employee_id": 999_999}, "/employee_id"),
        ("work_center_state", {"work_center_id": floor.center["SAW"], "state": "down"},
         "/reason_code_id"),
        ("work_center_state", {"work_center_id": 999_999, "state": "idle"}, "/work_center_id"),
        ("order_hold", {"production_order_id": cut["production_order_id"]}, "/note"),
    ]  # fmt: skip
    for kind, fields, pointer in cases:
        body = problem(floor.send(kind, **fields), 422)
        assert pointer in pointers(body), (kind, fields, body)
        assert pointer[1:] in body["detail"], body
    naive = floor.event("clock_in", employee_id=floor.employee["E1"]) | {
        "occurred_at": "2026-12-02T10:00:00"
    }
    assert "/occurred_at" in pointers(problem(floor.api.post("/events", json=naive), 422))
    (after,) = [o for o in operations(floor, cut["production_order_id"]) if o["id"] == cut["id"]]
    assert (after["good"], after["scrap"], after["status"]) == (
        "0.000000",
        "0.000000",
        "in_progress",
    )
    assert floor.api.get("/events").json()["total"] == 1


def test_a_resent_event_is_answered_as_the_first_time(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    cut, _ = floor.release(factory)
    ok(floor.send("operation_start", order_operation_id=cut["id"]))
    report = floor.event("operation_report", order_operation_id=cut["id"], good=2)
    first = floor.api.post("/events", json=report)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    for _ in range(3):
        again = floor.api.post("/events", json=report)
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
    assert operations(floor, cut["production_order_id"])[0]["good"] == "2.000000"
    other = report | {"good": 3}
    body = problem(floor.api.post("/events", json=other), 422)
    assert pointers(body) == {"/idempotency_key"} and "different event" in body["detail"]
    same_number = report | {"good": 2.0}  # the same quantity written otherwise
    written_otherwise = floor.api.post("/events", json=same_number)
    assert written_otherwise.headers["Idempotent-Replayed"] == "true", written_otherwise.text
    assert floor.api.get("/events", params={"kind": "operation_report"}).json()["total"] == 1


def test_a_batch_takes_each_event_as_if_sent_alone(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    cut, _ = floor.release(factory)
    start = floor.event("operation_start", order_operation_id=cut["id"])
    events = [
        start,
        floor.event("operation_report", order_operation_id=cut["id"], good=4),
        floor.event("operation_pause", order_operation_id=cut["id"]),  # no reason
        floor.event("operation_report", order_operation_id=cut["id"], good=20),  # beyond started
        floor.event("operation_report", order_operation_id=cut["id"], good=1),
        start,  # sent twice
    ]
    answer = floor.api.post("/events/batch", json={"events": events})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [r["status"] for r in body["results"]] == [201, 201, 422, 422, 201, 201]
    assert (body["recorded"], body["replayed"], body["refused"]) == (3, 1, 2)
    assert (
        body["results"][5]["replayed"]
        and body["results"][5]["event"] == body["results"][0]["event"]
    )
    assert pointers(body["results"][2]["problem"]) == {"/events/2/reason_code_id"}
    assert pointers(body["results"][3]["problem"]) == {"/events/3/good"}
    assert operations(floor, cut["production_order_id"])[0]["good"] == "5.000000"
    too_many = [floor.event("clock_in", employee_id=floor.employee["E1"]) for _ in range(1001)]
    refused = problem(floor.api.post("/events/batch", json={"events": too_many}), 422)
    assert "/events" in pointers(refused)
    assert floor.api.get("/events", params={"kind": "clock_in"}).json()["total"] == 0


def test_a_batch_writes_its_ledger_rows_before_anything_reads_them(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    """A batch's plain operation events are written together at its end (execution.journal);
    an event that reads the ledger (a buffered one refolds its operation's history) or runs
    in a savepoint (a clock-in) must still find the batch's earlier events there."""
    cut, _ = floor.release(factory, quantity=10)
    three_hours_ago = datetime.now(UTC) - timedelta(hours=3)
    events = [
        floor.event("operation_start", order_operation_id=cut["id"]),
        floor.event("operation_report", order_operation_id=cut["id"], good=2),
        floor.event("operation_report", order_operation_id=cut["id"], good=3, at=three_hours_ago),
        floor.event("clock_in", employee_id=floor.employee["E1"]),
        floor.event("operation_report", order_operation_id=cut["id"], good=1),
    ]
    body = floor.api.post("/events/batch", json={"events": events}).json()
    assert [r["status"] for r in body["results"]] == [201] * 5, body
    answers = [r["event"] for r in body["results"]]
    assert answers[2]["late"] and answers[2]["operation"]["good"] == "5.000000"
    assert answers[4]["operation"]["good"] == "6.000000"
    ids = [a["id"] for a in answers]
    assert ids == sorted(ids) and len(set(ids)) == 5
    listed = floor.api.get("/events", params={"limit": 10}).json()["items"]
    assert {e["idempotency_key"]: e["id"] for e in listed} == {
        a["idempotency_key"]: a["id"] for a in answers
    }
    assert operations(floor, cut["production_order_id"])[0]["good"] == "6.000000"
    again = floor.api.post("/events/batch", json={"events": events}).json()
    assert again["replayed"] == 5 and [r["event"] for r in again["results"]] == answers


def test_late_events_are_accepted_and_flagged_for_a_supervisor(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    cut, _ = floor.release(factory, quantity=10)
    now = datetime.now(UTC)
    ok(floor.send("operation_start", order_operation_id=cut["id"], at=now - timedelta(minutes=1)))
    ok(
        floor.send(
            "operation_pause", order_operation_id=cut["id"], reason_code_id=floor.reason["BRK"]
        )
    )
    # an offline terminal's report from before the pause, and its resume that no longer fits
    old = ok(floor.send("operation_report", order_operation_id=cut["id"], good=3,
                        at=now - timedelta(seconds=30)))  # fmt: skip
    assert old["late"] and any(f.startswith("out of order") for f in old["flags"])
    assert old["operation"]["good"] == "3.000000" and old["operation"]["status"] == "paused"
    stale = ok(floor.send("operation_complete", order_operation_id=cut["id"],
                          at=now - timedelta(hours=3), good=1))  # fmt: skip
    assert stale["late"] and any("does not fit" in f for f in stale["flags"])
    assert any(f.startswith("delayed: recorded 3 h") for f in stale["flags"])
    assert stale["operation"]["good"] == "4.000000"  # counted, though it did not fit
    ahead = ok(floor.send("operation_resume", order_operation_id=cut["id"],
                          at=datetime.now(UTC) + timedelta(minutes=30)))  # fmt: skip
    assert not ahead["late"] and any(f.startswith("clock ahead") for f in ahead["flags"])
    flagged = floor.api.get("/events", params={"late": True}).json()
    assert flagged["total"] == 2


def test_work_center_states_and_who_is_clocked_in(floor: Floor) -> None:
    saw, e1 = floor.center["SAW"], floor.employee["E1"]
    ok(floor.send("work_center_state", work_center_id=saw, state="running"))
    again = floor.send("work_center_state", work_center_id=saw, state="running")
    assert "already running" in problem(again, 409)["detail"]
    down = ok(floor.send("work_center_state", work_center_id=saw, state="down",
                         reason_code_id=floor.reason["BRK"]))  # fmt: skip
    assert down["work_center_state"] == "down"
    ok(floor.send("clock_in", employee_id=e1, work_center_id=saw))
    assert "already clocked in" in problem(floor.send("clock_in", employee_id=e1), 409)["detail"]
    now = {c["code"]: c for c in floor.api.get("/floor/work_centers").json()}
    assert now["SAW"]["state"] == "down" and now["SAW"]["reason_code_id"] == floor.reason["BRK"]
    assert now["SAW"]["clocked_in"] == [e1] and now["WELD"]["state"] is None
    present = floor.api.get("/floor/clocked_in", params={"site_id": floor.site_id}).json()
    assert [(p["code"], p["work_center_id"]) for p in present] == [("E1", saw)]
    ok(floor.send("clock_out", employee_id=e1))
    assert floor.api.get("/floor/clocked_in").json() == []
    assert "already clocked out" in problem(floor.send("clock_out", employee_id=e1), 409)["detail"]


def test_a_batch_of_states_sees_its_own_earlier_states_and_the_ledger_before_it(
    floor: Floor,
) -> None:
    """A work center's latest state is read once per transaction and then kept in memory
    (execution.stations): each state of a batch must still see the ones before it, and an
    earlier one that occurred later stays the current state."""
    saw, weld = floor.center["SAW"], floor.center["WELD"]
    ok(floor.send("work_center_state", work_center_id=saw, state="idle"))
    at = datetime.now(UTC) - timedelta(minutes=5)
    events = [
        floor.event("work_center_state", work_center_id=saw, state="idle"),  # as the ledger
        floor.event("work_center_state", work_center_id=saw, state="running"),
        floor.event("work_center_state", work_center_id=saw, state="running"),  # as before
        floor.event(
            "work_center_state",
            work_center_id=saw,
            state="down",
            reason_code_id=floor.reason["BRK"],
        ),
        floor.event("work_center_state", work_center_id=weld, state="running"),
        floor.event(
            "work_center_state", at + timedelta(minutes=1), work_center_id=weld, state="idle"
        ),  # occurred before the running one: flagged, not current
    ]
    answer = floor.api.post("/events/batch", json={"events": events}).json()
    assert [r["status"] for r in answer["results"]] == [409, 201, 409, 201, 201, 201]
    assert "already idle" in answer["results"][0]["problem"]["detail"]
    assert "already running" in answer["results"][2]["problem"]["detail"]
    assert answer["results"][5]["event"]["late"] is True
    now = {c["code"]: c["state"] for c in floor.api.get("/floor/work_centers").json()}
    assert now["SAW"] == "down" and now["WELD"] == "running"
    after = floor.send("work_center_state", work_center_id=saw, state="down",
                       reason_code_id=floor.reason["BRK"])  # fmt: skip
    assert "already down" in problem(after, 409)["detail"]


def test_single_events_that_arrive_together_are_written_together_each_as_if_sent_alone(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    """While one single event is being written, those that arrive wait and are then written
    in one transaction (api.execution.single_events): each still answered as if sent alone,
    with its own sender checked, and a refused one keeping nothing and spoiling nothing."""
    cut, _ = floor.release(factory)
    ok(floor.send("operation_start", order_operation_id=cut["id"]))  # 10 started
    operator = add_user(factory, "floor-op", "operator", site_ids=(floor.site_id,))
    group = single_events(factory)
    engine = factory.kw["bind"]
    report = floor.event("operation_report", order_operation_id=cut["id"], good=1)
    sent = {
        "first": (floor.api.headers["Authorization"], floor.event("operation_report",
                  order_operation_id=cut["id"], good=1)),
        "report": (floor.api.headers["Authorization"], report),
        "again": (floor.api.headers["Authorization"], report),  # two tabs, one event
        "too_many": (floor.api.headers["Authorization"], floor.event("operation_report",
                     order_operation_id=cut["id"], good=100)),
        "stranger": ("Bearer pot_nobody", floor.event("operation_report",
                     order_operation_id=cut["id"], good=1)),
        "operator": (f"Bearer {operator}", floor.event("operation_report",
                     order_operation_id=cut["id"], good=1)),
    }  # fmt: skip
    answers: dict[str, httpx.Response] = {}

    def post(name: str) -> None:
        authorization, body = sent[name]
        headers = {"Authorization": authorization}
        answers[name] = floor.api.post("/events", json=body, headers=headers)

    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    with engine.connect() as holder:  # holds the order: the first event waits for it
        if engine.dialect.name == "sqlite":
            holder.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            holder.execute(
                text("SELECT id FROM production_order WHERE id = :id FOR UPDATE"),
                {"id": cut["production_order_id"]},
            )
        threads = {name: threading.Thread(target=post, args=(name,)) for name in sent}
        threads["first"].start()
        until(lambda: group.busy)
        for name, thread in threads.items():
            if name != "first":
                thread.start()
        until(lambda: group.waiting == len(sent) - 1)
        event.listen(engine, "commit", committed)
        try:
            holder.rollback()
            for thread in threads.values():
                thread.join(timeout=30)
        finally:
            event.remove(engine, "commit", committed)
    assert len(commits) == 2  # the first event's transaction, then the others' together
    assert {name: a.status_code for name, a in answers.items()} == {
        "first": 201, "report": 201, "again": 201, "too_many": 422, "stranger": 401,
        "operator": 201,
    }  # fmt: skip
    assert answers["again"].json() == answers["report"].json()
    replays = [answers[n].headers.get("Idempotent-Replayed") for n in ("report", "again")]
    assert sorted(replays, key=str) == [None, "true"]
    assert pointers(answers["too_many"].json()) == {"/good"}
    assert "unknown" in answers["stranger"].json()["detail"]
    with factory() as session:
        by = select(ShopEvent.recorded_by).where(
            ShopEvent.idempotency_key == sent["operator"][1]["idempotency_key"]
        )
        assert session.scalar(by) == "floor-op"
    assert operations(floor, cut["production_order_id"])[0]["good"] == "3.000000"
    assert floor.api.get("/events", params={"kind": "operation_report"}).json()["total"] == 3


def _fresh_look(factory: sessionmaker[Session], query: TextClause) -> object:
    """A statistics view read in a transaction of its own (one keeps its first snapshot)."""
    with factory() as session:
        return session.execute(query).scalar()


def test_a_batch_meeting_a_key_another_connection_is_recording_answers_it_as_a_replay(
    floor: Floor, factory: sessionmaker[Session]
) -> None:
    """The batch's rows go in at its end (PostgreSQL: by COPY); a key another connection
    recorded meanwhile fails them, and the batch is taken again event by event, where that
    one is found and answered as a re-sending."""
    cut, _ = floor.release(factory)
    ok(floor.send("operation_start", order_operation_id=cut["id"]))
    events = [
        floor.event("operation_report", order_operation_id=cut["id"], good=1) for _ in range(3)
    ]
    answers: list[httpx.Response] = []
    other = factory()
    with other.begin():
        record(other, SYSTEM, EventIn.model_validate(events[1]), datetime.now(UTC))
        batch = threading.Thread(
            target=lambda: answers.append(floor.api.post("/events/batch", json={"events": events}))
        )
        batch.start()
        if other.get_bind().dialect.name == "postgresql":
            # the batch has looked its keys up (not found yet) and waits on the order
            waiting = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            until(lambda: _fresh_look(factory, waiting) == 1)
        else:  # SQLite: on the write lock, before it reads anything
            time.sleep(0.5)
    other.close()
    batch.join(timeout=30)
    body = answers[0].json()
    assert answers[0].status_code == 200, body
    assert [r["status"] for r in body["results"]] == [201, 201, 201]
    assert [r["replayed"] for r in body["results"]] == [False, True, False]
    assert (body["recorded"], body["replayed"]) == (2, 1)
    assert operations(floor, cut["production_order_id"])[0]["good"] == "3.000000"
