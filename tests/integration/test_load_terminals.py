"""The plant simulation as the load generator (reference/reliability.md T13, small): one
terminal per work center posting the simulated floor's events over real HTTP to a server
in its own process, UI users reading meanwhile, on both databases. benchmarks/load.py runs
it at full size, and with the server killed under it."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from plantops.cli.main import app
from plantops.demo.loader import load_demo
from plantops.execution import verify
from plantops.execution.models import ShopEvent
from plantops.simulation import terminals
from plantops.simulation.rates_file import load
from plantops.storage.engine import make_session_factory
from tests.floor_scenarios import Served


def test_simulated_terminals_post_the_floor_at_the_rate_asked_and_every_answer_is_kept(
    configured: Engine,
) -> None:
    load_demo(configured)
    factory = make_session_factory(configured)
    # three days from now hold weekday shifts whenever the test runs (a Friday evening too)
    prepared = terminals.prepare(factory, load(), ["DE-STR"], days=3, seed=3, readers=3)
    assert len(prepared.terminals) >= 10 and len(prepared.postings) > 300
    served = Served(configured.url.render_as_string(hide_password=False))
    served.start()
    try:
        measured = terminals.run(served.base, prepared, rate=60, seconds=5)
    finally:
        served.stop()
    # five seconds at 60 a second, each event in its turn and answered
    assert 240 <= measured.sent <= 305, measured.summary()
    assert measured.answers == Counter({201: measured.sent}), measured.last_refusal
    assert len(measured.latencies_ms) == measured.sent
    assert measured.reads and set(measured.reads) == {200}, measured.reads
    with factory() as session:
        keys = Counter(session.scalars(select(ShopEvent.idempotency_key)))
        assert all(keys[k] == 1 for k in measured.acknowledged)
        assert sum(1 for k in keys if k.startswith("load-3-")) == len(measured.acknowledged)
        # each event stamped when it was sent: an operation's come in the order made
        events = session.scalars(
            select(ShopEvent).where(ShopEvent.idempotency_key.startswith("load-3-"))
        ).all()
        assert not any(e.late for e in events)
        assert verify.problems(session) == []
    with factory() as session:  # the accounts `plantops user` manages, as any other
        from plantops.access.users import find

        assert find(session, "SIM-TERMINAL-DE-STR").role == "operator"
        assert find(session, "sim-reader-de-str").role == "supervisor"
    figures = measured.summary()
    assert figures["failed"] == 0 and figures["event_ms"]["p95"] > 0


def test_the_load_command_names_what_is_wrong_with_its_server(configured: Engine) -> None:
    runner = CliRunner()
    for given, said in (
        ([], "url"),
        (["--url", "ftp://somewhere"], "http://host:port"),
        (["--url", "http://127.0.0.1:1"], "no PlantOps server answers at http://127.0.0.1:1"),
        (["--url", "http://127.0.0.1:port"], "url"),
    ):
        shown = runner.invoke(app, ["simulate", "--load", *given])
        assert shown.exit_code == 1 and said in shown.output, shown.output
        assert "Traceback" not in shown.output


def test_the_load_command_reports_what_the_server_answered(configured: Engine) -> None:
    load_demo(configured)
    served = Served(configured.url.render_as_string(hide_password=False))
    served.start()
    try:
        shown = CliRunner().invoke(app, [
            "simulate", "--load", "--url", served.base, "--site", "US-MKE", "--days", "1",
            "--rate", "40", "--minutes", "0.05", "--readers", "1", "--json",
        ])  # fmt: skip
    finally:
        served.stop()
    assert shown.exit_code == 0, shown.output
    figures = json.loads(shown.stdout[shown.stdout.index("{") :])
    assert figures["events"] >= 80 and figures["recorded"] == figures["events"], figures
    assert figures["failed"] == 0 and figures["refused"] == 0
