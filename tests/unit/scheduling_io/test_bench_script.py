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


def _args(out: Path, doc: Path, report_only: bool = False, repeat: int = 1) -> argparse.Namespace:
    return argparse.Namespace(
        select=["ft06", "la01"], methods="plantops", time_limits="1", workers=2, repeat=repeat,
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
def test_repeated_runs_are_numbered_and_the_table_takes_each_instance_s_median_run(
    script: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, doc = tmp_path / "results.jsonl", tmp_path / "benchmarks.md"
    script.quality(_args(out, doc))  # one run each, recorded before any repeat
    draws = iter([70, 55, 60, 900])  # ft06 runs 2 and 3, la01 runs 2 and 3: thread timing
    real_run_one = script.run_one

    def run_one(*args: Any, **kwargs: Any) -> dict[str, Any]:
        row: dict[str, Any] = real_run_one(*args, **kwargs)
        return {**row, "objective": next(draws)}

    monkeypatch.setattr(script, "run_one", run_one)
    script.quality(_args(out, doc, repeat=3))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted((r["instance"], r.get("run", 0)) for r in rows) == [
        ("ft06", 0), ("ft06", 1), ("ft06", 2), ("la01", 0), ("la01", 1), ("la01", 2),
    ]  # fmt: skip
    assert len(script.calls) == 2 + 4  # the first runs were not measured again
    text = doc.read_text()
    assert "2 instances, 6 of 6 runs measured (2 instances run three times" in text
    medians = {r["instance"]: r for r in script.report.median_runs(rows)}
    first = {r["instance"]: r["objective"] for r in rows if r.get("run", 0) == 0}
    assert medians["ft06"]["objective"] == sorted([first["ft06"], 70, 55])[1]
    assert medians["la01"]["objective"] == sorted([first["la01"], 60, 900])[1]
    assert medians["ft06"]["runs"] == 3
    table_row = next(line for line in text.splitlines() if "| ft |" in line)
    gap = 100 * (medians["ft06"]["objective"] - 55) / 55
    assert table_row.split(" | ")[4:6] == ["3", f"{gap:.2f}"]


@needs_data
def test_the_sample_takes_three_of_every_other_family_and_runs_each_three_times(
    script: Any, tmp_path: Path
) -> None:
    chosen = script.select(["sample"], DATA)
    names = {p.stem for p in chosen}
    assert {"ft06", "ft10", "ft20", "kacem1"} <= names
    assert not names & {"ta01", "mk01"}  # measured in full elsewhere
    assert len(chosen) == len(names) and len(chosen) <= 3 * 16
    args = _args(tmp_path / "results.jsonl", tmp_path / "benchmarks.md", report_only=True)
    args.select = ["sample", "ta01"]
    script.quality(args)
    header = f"0 of {3 * len(chosen) + 1} runs measured (1 instance run once, {len(chosen)} "
    assert header + "instances run three times" in args.doc.read_text()


def test_the_fingerprint_of_the_engine_follows_its_sources(script: Any) -> None:
    assert script.fingerprint("plantops") == script.fingerprint("plantops")
    assert script.fingerprint("plantops") != script.fingerprint("cpsat")
    assert script.fingerprint("cpsat") != script.fingerprint("pyjobshop")


@needs_data
def test_each_run_names_its_cpu_and_the_table_says_which_cpus_it_mixes(
    script: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, doc = tmp_path / "results.jsonl", tmp_path / "benchmarks.md"
    monkeypatch.setattr(script.report, "cpu", lambda: "Old CPU")
    script.quality(_args(out, doc))
    assert {json.loads(line)["machine"] for line in out.read_text().splitlines()} == {"Old CPU"}
    monkeypatch.setattr(script.report, "cpu", lambda: "New CPU")
    args = _args(out, doc, repeat=2)  # a second run of each, on another machine
    script.quality(args)
    assert "Runs by CPU: New CPU: 2 runs; Old CPU: 2 runs." in doc.read_text()
