"""benchmarks/schedule.py keeps what it measured: a rerun skips recorded runs, a change of the
engine's code re-measures it, and the table is built from every matching record."""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from plantops.scheduling.problem import Problem
from plantops.scheduling.schedule import Schedule
from tests.unit.scheduling_io.builders import greedy

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "schedule.py"
DATA = Path("/work/shared/benchmarks")
needs_data = pytest.mark.skipif(not DATA.exists(), reason="the shared benchmark set is absent")


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("bench_schedule", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls: list[str] = []

    def stand_in(problem: Problem, time_limit: float, workers: int) -> Schedule:
        calls.append(problem.jobs[0].id)
        return greedy(problem)

    monkeypatch.setattr(module, "methods", lambda: {"plantops": stand_in})
    module.calls = calls  # type: ignore[attr-defined]
    return module


def _args(out: Path, doc: Path, report_only: bool = False) -> argparse.Namespace:
    return argparse.Namespace(
        select=["ft06", "la01"], methods="plantops", time_limits="1", workers=2,
        out=out, doc=doc, data=DATA, label="", full="", report_only=report_only,
    )  # fmt: skip


@needs_data
def test_a_rerun_skips_what_is_recorded_and_an_engine_change_measures_again(
    script: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, doc = tmp_path / "results.jsonl", tmp_path / "benchmarks.md"
    script.quality(_args(out, doc))
    assert len(script.calls) == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["instance"] for r in rows} == {"ft06", "la01"} and all(r["feasible"] for r in rows)
    assert len({r["code"] for r in rows}) == 1
    script.quality(_args(out, doc))  # nothing new to measure
    assert len(script.calls) == 2
    assert "2 instances, 2 of 2 runs measured" in doc.read_text()
    monkeypatch.setattr(script, "fingerprint", lambda method: "changed-engine")
    script.quality(_args(out, doc, report_only=True))  # the table of what is recorded
    assert len(script.calls) == 2
    assert "2 instances, 0 of 2 runs measured" in doc.read_text()
    script.quality(_args(out, doc))
    assert len(script.calls) == 4
    assert len(out.read_text().splitlines()) == 4
    assert "2 instances, 2 of 2 runs measured" in doc.read_text()


@needs_data
def test_the_sample_takes_three_of_every_other_family(script: Any) -> None:
    chosen = script.select(["sample"], DATA)
    names = {p.stem for p in chosen}
    assert {"ft06", "ft10", "ft20", "kacem1"} <= names
    assert not names & {"ta01", "mk01"}  # measured in full elsewhere
    assert len(chosen) == len(names) and len(chosen) <= 3 * 16


def test_the_fingerprint_of_the_engine_follows_its_sources(script: Any) -> None:
    assert script.fingerprint("plantops") == script.fingerprint("plantops")
    assert script.fingerprint("plantops") != script.fingerprint("cpsat")
    assert script.fingerprint("cpsat") != script.fingerprint("pyjobshop")
