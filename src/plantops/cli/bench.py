"""`plantops bench schedule FILE...`: solve published benchmark instances, verify every
result with the independent checker and report the checker's objective (docs/scheduling.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from plantops.cli.errors import console
from plantops.scheduling.checker import check, objective_value
from plantops.scheduling.problem import Problem
from plantops.scheduling.readers import BenchmarkFormatError, Instance, read_instance
from plantops.scheduling.schedule import Schedule

bench = typer.Typer(no_args_is_help=True, help="Benchmarks on published instances")
SHOWN_VIOLATIONS = 5


def _solve(problem: Problem, time_limit: float, workers: int) -> Schedule:
    from plantops.scheduling.solver import solve  # the engine; imported when first needed

    schedule: Schedule = solve(problem, time_limit=time_limit, workers=workers)
    return schedule


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(1)


def _read_all(files: list[Path]) -> list[Instance]:
    """Every file read before anything is solved: a bad file stops the run at once."""
    try:
        return [read_instance(path) for path in files]
    except BenchmarkFormatError as error:
        raise _fail(str(error)) from None


def run_instance(instance: Instance, time_limit: float, workers: int) -> dict[str, Any]:
    """Solve one instance and judge the result with the checker, not the solver."""
    started = time.perf_counter()
    try:
        schedule = _solve(instance.problem, time_limit, workers)
    except ValueError as error:  # the engine's ProblemError: invalid input, named
        raise _fail(f"{instance.name}: {error}") from None
    seconds = time.perf_counter() - started
    violations = check(instance.problem, schedule) if schedule.assignments else []
    if not schedule.assignments:
        why = f"no schedule ({schedule.status}): {schedule.reason or 'no reason given'}"
        console.print(f"[yellow]{escape(instance.name)}:[/] {escape(why)}", soft_wrap=True)
    for violation in violations[:SHOWN_VIOLATIONS]:
        what = f"{violation.constraint} {violation.subject}: {violation.message}"
        console.print(f"[yellow]{escape(instance.name)}:[/] {escape(what)}", soft_wrap=True)
    feasible = bool(schedule.assignments) and not violations
    return {
        "instance": instance.name,
        "format": instance.format,
        "operations": len(instance.problem.operations),
        "objective": objective_value(instance.problem, schedule) if feasible else None,
        "lower_bound": schedule.lower_bound,
        "feasible": feasible,
        "seconds": round(seconds, 3),
    }


def _best_known(files: list[Path]) -> dict[str, Any]:
    """bounds.json of the benchmark folder the files come from, if it is there."""
    for path in {f.resolve().parent.parent / "bounds.json" for f in files}:
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return {}


def _table(rows: list[dict[str, Any]], bounds: dict[str, Any]) -> Table:
    table = Table(caption="bound: the engine's lower bound; best: best known (bounds.json)")
    table.add_column("instance", no_wrap=True)
    table.add_column("format", no_wrap=True)
    for name in ("ops", "objective", "bound", "best", "verified", "seconds"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in rows:
        known = bounds.get(row["instance"], {}).get("ub")
        cells = [row[k] for k in ("instance", "format", "operations", "objective", "lower_bound")]
        verdict = "[green]yes[/]" if row["feasible"] else "[red]no[/]"
        shown = ["-" if c is None else str(c) for c in [*cells, known]]
        table.add_row(*shown, verdict, f"{row['seconds']:.1f}")
    return table


@bench.command("schedule")
def schedule_command(
    files: list[Path] = typer.Argument(
        ...,
        metavar="FILE...",
        help="instance files in a jssp/, fjsp/, pfsp_tt/ or pfsp_sdst/ folder",
    ),
    time_limit: float = typer.Option(10.0, "--time-limit", min=0.1, help="seconds per instance"),
    workers: int = typer.Option(2, "--workers", min=1, help="solver threads"),
    as_json: bool = typer.Option(False, "--json", help="one JSON line per instance"),
) -> None:
    """Solve benchmark instances and verify each schedule with the independent checker."""
    instances = _read_all(files)
    rows = []
    for instance in instances:
        if as_json:
            row = run_instance(instance, time_limit, workers)
            typer.echo(json.dumps(row))
        else:
            with console.status(f"solving {escape(instance.name)}"):
                row = run_instance(instance, time_limit, workers)
        rows.append(row)
    if not as_json:
        Console().print(_table(rows, _best_known(files)))
