"""Storage guarantees on both databases: the migrations build what the models describe, SQLite
runs with its safety settings, concurrent editors never overwrite each other silently (T5), and
a use case that fails writes nothing."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session

from plantops.access.caller import SYSTEM
from plantops.masterdata.models import Bom, BomLine, Item
from plantops.storage.registry import Base
from tests.api.builder import Plant
from tests.api.http import if_match, pointers, problem


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_sqlite_runs_with_its_safety_pragmas(sqlite_engine: Engine) -> None:
    expected = {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000, "synchronous": 2}
    with sqlite_engine.connect() as first, sqlite_engine.connect() as second:
        for connection in (first, second):  # every pooled connection, not just the first
            for pragma, value in expected.items():
                assert connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() == value, pragma
        with pytest.raises(Exception, match="FOREIGN KEY"):
            orphan = "INSERT INTO area (site_id, code, name, version) VALUES (999, 'A', 'A', 1)"
            first.execute(text(orphan))


def _counts(engine: Engine) -> tuple[int, int, int]:
    """Rows as a separate connection sees them."""
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (Item, Bom, BomLine)
        )


def _bom_body(plant: Plant, parent: dict[str, Any], *components: dict[str, Any]) -> dict[str, Any]:
    lines = [{"component_item_id": c["id"], "quantity_per": "1"} for c in components]
    return {
        "site_id": plant.site(),
        "code": plant.code("BOM"),
        "item_id": parent["id"],
        "lines": lines,
    }


def test_a_failing_multi_row_create_writes_nothing(api: httpx.Client, engine: Engine) -> None:
    plant = Plant(api)
    a, b, c = (plant.create("items", code=code) for code in ("A", "B", "C"))
    foreign = Plant(api).create("items")
    assert api.post("/boms", json=_bom_body(plant, b, c)).status_code == 201
    before = _counts(engine)
    # Found once the BOM and its lines are flushed: the second line closes c -> b -> c.
    answer = problem(api.post("/boms", json=_bom_body(plant, c, a, b)), 422)
    assert "BOM cycle" in answer["detail"]
    assert pointers(answer) == ["/lines/1/component_item_id"]
    assert _counts(engine) == before
    # Found before any SQL: a line of another site, a quantity with more digits than kept.
    body = _bom_body(plant, a, c, foreign)
    assert pointers(problem(api.post("/boms", json=body), 422)) == ["/lines/1/component_item_id"]
    body["lines"][1] = body["lines"][0] | {"quantity_per": "1234567890123.123456"}  # 19 digits
    assert pointers(problem(api.post("/boms", json=body), 422)) == ["/lines/1/quantity_per"]
    assert _counts(engine) == before


def test_a_failing_change_of_lines_keeps_the_old_ones(api: httpx.Client, engine: Engine) -> None:
    plant = Plant(api)
    a, b, c = (plant.create("items", code=code) for code in ("A", "B", "C"))
    first = api.post("/boms", json=_bom_body(plant, a, b)).json()
    second = api.post("/boms", json=_bom_body(plant, b, c)).json()
    before = _counts(engine)
    lines = [{"component_item_id": i["id"], "quantity_per": 3} for i in (c, a)]  # b -> a -> b
    url = f"/boms/{second['id']}"
    problem(api.patch(url, json={"lines": lines}, headers=if_match(1)), 422)
    assert api.get(url).json() == second
    assert api.get(f"/boms/{first['id']}").json() == first
    assert _counts(engine) == before


def test_t5_two_editors_of_one_version_never_overwrite_silently(
    api: httpx.Client, server: tuple[Any, str]
) -> None:
    """Two clients change the same record from the same version at the same moment, over their
    own connections: one wins, the other gets 412 with the winner's version; 10 rounds."""
    base = f"{server[1]}/api/v1"
    signed = {"Authorization": api.headers["Authorization"]}
    record = Plant(api).create("routings")
    url = f"/routings/{record['id']}"
    for version in range(1, 11):
        start = threading.Barrier(2)
        answers: dict[str, httpx.Response] = {}

        def edit(
            name: str,
            version: int = version,
            start: threading.Barrier = start,
            answers: dict[str, httpx.Response] = answers,
        ) -> None:
            with httpx.Client(base_url=base, timeout=60, headers=signed) as client:
                start.wait()
                body = {"code": f"{name}-{version}"}
                answers[name] = client.patch(url, json=body, headers=if_match(version))

        threads = [threading.Thread(target=edit, args=(name,)) for name in ("ann", "bob")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        statuses = sorted(a.status_code for a in answers.values())
        assert statuses == [200, 412], {n: a.text for n, a in answers.items()}
        winner = next(a for a in answers.values() if a.status_code == 200).json()
        loser = problem(next(a for a in answers.values() if a.status_code == 412), 412)
        assert loser["current_version"] == winner["version"] == version + 1
        assert loser["current"] == winner
        assert api.get(url).json() == winner


def test_t5_the_writer_that_loses_the_race_gets_the_winners_version(
    api: httpx.Client, engine: Engine, server: tuple[Any, str]
) -> None:
    """Deterministic interleaving: the competing change runs while the first one is between its
    read and its write. PostgreSQL makes it wait for the first (row lock); SQLite lets it commit
    first, and the first one's UPDATE then matches no row of its version."""
    app, base = server
    item = Plant(api).create("items")
    url = f"{base}/api/v1/items/{item['id']}"
    other: dict[str, httpx.Response] = {}

    def compete() -> None:
        signed = if_match(1) | {"Authorization": api.headers["Authorization"]}
        other["answer"] = httpx.patch(url, json={"name": "other"}, headers=signed, timeout=60)

    competitor = threading.Thread(target=compete)

    def between_read_and_write(*_: Any) -> None:
        if not competitor.is_alive() and "answer" not in other:
            competitor.start()
            competitor.join(timeout=0.5 if engine.dialect.name == "postgresql" else 60)

    event.listen(app.state.sessions, "before_flush", between_read_and_write)
    try:
        mine = api.patch(f"/items/{item['id']}", json={"name": "mine"}, headers=if_match(1))
    finally:
        event.remove(app.state.sessions, "before_flush", between_read_and_write)
    competitor.join(timeout=60)
    answers = {"mine": mine, "other": other["answer"]}
    assert sorted(a.status_code for a in answers.values()) == [200, 412]
    winner = next(a for a in answers.values() if a.status_code == 200).json()
    loser = problem(next(a for a in answers.values() if a.status_code == 412), 412)
    assert (loser["current_version"], loser["current"]) == (2, winner)
    assert api.get(f"/items/{item['id']}").json() == winner


def test_a_database_full_of_plans_migrates_down_and_up_again(engine: Engine) -> None:
    """SQLite alters tables by copying them: with rows referring to them (orders to their
    plan run, everything to its site), that must still work, and keep every row."""
    from plantops.demo.loader import load_demo
    from plantops.planning.run_requests import request_run
    from plantops.planning.runs import execute_run
    from plantops.planning.schemas import PlanRunIn
    from plantops.storage.engine import make_session_factory, unit_of_work
    from plantops.storage.migrate import current_revision, upgrade

    load_demo(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        run = request_run(session, SYSTEM, PlanRunIn(site_id=1, schedule_seconds=1)).id
    execute_run(factory, run)
    counted = "SELECT (SELECT count(*) FROM production_order), (SELECT count(*) FROM item)"
    with engine.connect() as connection:
        before = connection.execute(text(counted)).one()
    assert before[0] > 0
    _downgrade(engine, "0003")
    assert current_revision(engine) == "0003"
    upgrade(engine)
    assert current_revision(engine) == _head(engine)
    with engine.connect() as connection:
        assert connection.execute(text(counted)).one() == before
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _head(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    from plantops.storage.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    from plantops.storage.migrate import alembic_config

    command.downgrade(alembic_config(engine), revision)
