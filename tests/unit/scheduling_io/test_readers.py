"""Benchmark readers: real files from ../shared/benchmarks, the format traps, and malformed
files that must fail with the file, the line and the problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantops.scheduling.checker import check, objective_value
from plantops.scheduling.problem import Changeover, Link, Term
from plantops.scheduling.readers import BenchmarkFormatError, read_instance
from plantops.scheduling.schedule import Assignment, Schedule, Status

DATA = Path("/work/shared/benchmarks")
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="the shared benchmark set is absent")


def durations(instance_path: Path) -> dict[str, list[tuple[str, int]]]:
    problem = read_instance(instance_path).problem
    return {op.id: [(m.resource, m.duration) for m in op.modes] for op in problem.operations}


@needs_data
def test_jssp_ft06_sizes_routes_and_times() -> None:
    instance = read_instance(DATA / "jssp" / "ft06.txt")
    problem = instance.problem
    assert (instance.name, instance.format) == ("ft06", "jssp")
    assert len(problem.jobs) == 6 and len(problem.resources) == 6 and len(problem.operations) == 36
    assert [r.id for r in problem.resources] == [f"M{m}" for m in range(6)]  # 0-indexed
    ops = durations(DATA / "jssp" / "ft06.txt")
    assert ops["J0.0"] == [("M2", 1)] and ops["J0.1"] == [("M0", 3)] and ops["J1.0"] == [("M1", 8)]
    assert len(problem.precedences) == 6 * 5
    assert all(p.link is Link.finish_start for p in problem.precedences)
    assert problem.objective.terms == ((Term.makespan, 1),)


@needs_data
def test_fjsp_mk01_alternatives_are_one_indexed() -> None:
    problem = read_instance(DATA / "fjsp" / "mk01.fjs").problem
    assert len(problem.jobs) == 10 and len(problem.resources) == 6
    assert [r.id for r in problem.resources] == [f"M{m}" for m in range(1, 7)]
    ops = durations(DATA / "fjsp" / "mk01.fjs")
    # first job line: "6 2 1 5 3 4 3 5 3 3 5 2 1 ...": 6 operations, the first on M1 (5) or M3 (4)
    assert ops["J0.0"] == [("M1", 5), ("M3", 4)]
    assert ops["J0.1"] == [("M5", 3), ("M3", 5), ("M2", 1)]
    assert sum(1 for op in ops if op.startswith("J0.")) == 6


@needs_data
def test_fjsp_mk06_keeps_its_header_of_fifteen_machines() -> None:
    problem = read_instance(DATA / "fjsp" / "mk06.fjs").problem
    used = {m.resource for op in problem.operations for m in op.modes}
    assert len(problem.resources) == 15  # the original header "10 15 ..."
    assert used == {f"M{m}" for m in range(1, 11)}  # only machines 1-10 occur


@needs_data
def test_pfsp_tt_due_dates_objective_and_flow_line() -> None:
    instance = read_instance(DATA / "pfsp_tt" / "tt_50x10_001.txt")
    problem = instance.problem
    assert len(problem.jobs) == 50 and len(problem.operations) == 500
    assert problem.jobs[0].due == 2142 and problem.jobs[49].due == 2549
    assert durations(DATA / "pfsp_tt" / "tt_50x10_001.txt")["J0.1"] == [("M1", 4)]
    assert problem.objective.terms == ((Term.weighted_tardiness, 1),)
    assert problem.flow_lines[0].resources == tuple(f"M{m}" for m in range(10))


@needs_data
def test_pfsp_sdst_setups_and_processing_times() -> None:
    problem = read_instance(DATA / "pfsp_sdst" / "ta001_sdst10.txt").problem
    assert len(problem.jobs) == 20 and len(problem.resources) == 5
    assert problem.operations[5].modes[0].duration == 83  # job 1 on machine 0 (Taillard ta001)
    assert problem.operations[5].modes[0].setup_family == "J1"
    # block 0, row 0: "0 5 8 2 ...": on M0, job 1 after job 0 needs 5
    assert Changeover("J0", "J1", 5) in problem.resources[0].changeovers
    assert problem.objective.terms == ((Term.makespan, 1),)
    assert len(problem.flow_lines[0].resources) == 5


def write(tmp_path: Path, folder: str, text: str, name: str = "tiny.txt") -> Path:
    path = tmp_path / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_sdst_orientation_row_is_the_predecessor(tmp_path: Path) -> None:
    """Block k, row i, column j: setup on machine k when job j follows job i."""
    text = "2\n2\n3 4\n5 6\n" + "0 7\n1 0\n" + "0 20\n30 0\n"
    problem = read_instance(write(tmp_path, "pfsp_sdst", text)).problem
    m0, m1 = problem.resources
    assert set(m0.changeovers) == {Changeover("J0", "J1", 7), Changeover("J1", "J0", 1)}
    assert set(m1.changeovers) == {Changeover("J0", "J1", 20), Changeover("J1", "J0", 30)}
    # J1 then J0 on both machines: 1 on M0, 30 on M1; no setup before the first job
    plan = (("J1.0", 0, 5), ("J0.0", 6, 9), ("J1.1", 5, 11), ("J0.1", 41, 45))
    schedule = Schedule(Status.feasible, tuple(Assignment(o, 0, s, e) for o, s, e in plan))
    assert check(problem, schedule) == []
    assert objective_value(problem, schedule) == 45
    early = tuple(Assignment(o, 0, s - (o == "J0.1"), e - (o == "J0.1")) for o, s, e in plan)
    assert [v.constraint for v in check(problem, Schedule(Status.feasible, early))] == [
        "changeover"
    ]


MALFORMED = [
    ("jssp", "2 2\n0 1 1 2\n", 3, "file ends early"),
    ("jssp", "2 2\n0 1 1 2\n1 x 0 2\n", 3, "'x' is not an integer"),
    ("jssp", "2 2\n0 1 1 2 7\n1 1 0 2\n", 2, "expected 4 numbers, found 5"),
    ("jssp", "2 2\n0 1 1 2\n\n1 1 2 2\n", 4, "machine 2 is out of range 0..1"),
    ("jssp", "2\n0 1 1 2\n", 1, "expected 2 numbers"),
    ("jssp", "2 2\n0 1 1 2\n1 1 0 2\n5 5\n", 4, "unexpected data"),
    ("jssp", "2 2\n0 1 1 -2\n1 1 0 2\n", 2, "negative"),
    ("fjsp", "1 2 1.5\n1 1 0 5\n", 2, "machine 0 is out of range 1..2"),
    ("fjsp", "1 2 1.5\n2 1 1 5 2 1\n", 2, "line ends early"),
    ("fjsp", "1 2 1.5\n1 1 1 5 9\n", 2, "extra numbers after the job's last operation: 1"),
    ("fjsp", "2 2 1\n1 1 1 5\n", 3, "file ends early: expected job 1"),
    ("fjsp", "0 2 1\n", 1, "at least 1"),
    ("pfsp_tt", "2\n2\n10 20\n1 2\n3\n", 5, "expected 2 numbers, found 1"),
    ("pfsp_sdst", "2\n2\n1 2\n3 4\n0 1\n1 0\n0 1\n", 8, "file ends early: expected setup"),
]


@pytest.mark.parametrize(("folder", "text", "line", "problem"), MALFORMED)
def test_malformed_files_name_file_line_and_problem(
    tmp_path: Path, folder: str, text: str, line: int, problem: str
) -> None:
    path = write(tmp_path, folder, text)
    with pytest.raises(BenchmarkFormatError) as caught:
        read_instance(path)
    assert caught.value.line == line
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_missing_file_and_unknown_folder(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkFormatError, match="cannot read the file"):
        read_instance(tmp_path / "jssp" / "absent.txt")
    with pytest.raises(BenchmarkFormatError, match="unknown benchmark folder 'openshop'"):
        read_instance(write(tmp_path, "openshop", "1 1\n0 1\n"))
    with pytest.raises(ValueError, match="cannot read"):  # a ValueError for every caller
        read_instance(write(tmp_path, "jssp", "x", name="dir/inner.txt").parent)
