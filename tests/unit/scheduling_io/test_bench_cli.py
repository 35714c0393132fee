"""`plantops bench schedule`: JSON lines judged by the checker, a table, and one clear line for
a bad file. The plumbing runs on a list-scheduling stand-in; the engine itself runs when there."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plantops.cli import bench
from plantops.cli.main import app
from plantops.scheduling.problem import Problem
from plantops.scheduling.schedule import Schedule
from tests.unit.scheduling_io.builders import greedy

FT06 = Path("/work/shared/benchmarks/jssp/ft06.txt")
KEYS = ["instance", "format", "operations", "objective", "lower_bound", "feasible", "seconds"]
needs_data = pytest.mark.skipif(not FT06.exists(), reason="the shared benchmark set is absent")
ENGINE = importlib.util.find_spec("plantops.scheduling.solver") is not None


def boasting(problem: Problem, time_limit: float, workers: int) -> Schedule:
    """A valid schedule whose solver claims an objective it does not have."""
    return replace(greedy(problem), objective=1, lower_bound=50)


@needs_data
def test_json_line_reports_the_checkers_verdict_and_objective(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bench, "_solve", boasting)
    result = CliRunner().invoke(app, ["bench", "schedule", str(FT06), "--json"])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    row = json.loads(line)
    assert list(row) == KEYS
    assert row["instance"] == "ft06" and row["format"] == "jssp" and row["operations"] == 36
    assert row["feasible"] is True and row["lower_bound"] == 50
    assert row["objective"] == 152  # the greedy schedule's makespan, not the claimed 1


@needs_data
def test_a_broken_schedule_is_reported_infeasible(monkeypatch: pytest.MonkeyPatch) -> None:
    def overlapping(problem: Problem, time_limit: float, workers: int) -> Schedule:
        schedule = greedy(problem)
        moved = [replace(a, start=0, end=a.end - a.start) for a in schedule.assignments]
        return replace(schedule, assignments=tuple(moved))

    monkeypatch.setattr(bench, "_solve", overlapping)
    result = CliRunner().invoke(app, ["bench", "schedule", str(FT06), "--json"])
    row = json.loads(result.stdout.splitlines()[-1])
    assert row["feasible"] is False and row["objective"] is None
    assert "precedence" in result.stderr


@needs_data
def test_table_without_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "_solve", boasting)
    result = CliRunner().invoke(app, ["bench", "schedule", str(FT06)])
    assert result.exit_code == 0, result.output
    assert "ft06" in result.stdout and "152" in result.stdout and "55" in result.stdout


def test_malformed_file_exits_1_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "fjsp" / "bad.fjs"
    bad.parent.mkdir()
    bad.write_text("1 2 1.5\n1 1 3 5\n")
    result = CliRunner().invoke(app, ["bench", "schedule", str(bad), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:2: machine 3 is out of range 1..2" in lines[0]


def test_unknown_folder_exits_1(tmp_path: Path) -> None:
    odd = tmp_path / "openshop" / "x.txt"
    odd.parent.mkdir()
    odd.write_text("1 1\n0 1\n")
    result = CliRunner().invoke(app, ["bench", "schedule", str(odd)])
    assert result.exit_code == 1 and "unknown benchmark folder 'openshop'" in result.stderr


@needs_data
@pytest.mark.skipif(not ENGINE, reason="the engine (plantops.scheduling.solver) is not built yet")
def test_the_engine_through_the_command() -> None:
    args = ["bench", "schedule", str(FT06), "--json", "--time-limit", "5"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.splitlines()[-1])
    assert row["feasible"] is True and row["objective"] == 55
