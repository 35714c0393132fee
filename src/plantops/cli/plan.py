"""`plantops plan run [--site S] [--horizon 6w]`: plan sites from the command line, one run
per site, with the run's progress on screen."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plantops.cli.errors import SHOWN_PROBLEMS, console, user_errors
from plantops.errors import ValidationFailed

if TYPE_CHECKING:
    from plantops.org.models import Site
    from plantops.planning.models import PlanRun
    from plantops.planning.schemas import PlanRunIn

plan_app = typer.Typer(no_args_is_help=True, help="Plan runs: MRP and schedules")
_HORIZON = re.compile(r"^\s*(\d+)\s*([dw]?)\s*$")


def horizon_days(text: str) -> int:
    """'6w' is 42 days, '10d' and '10' are 10."""
    found = _HORIZON.match(text.lower())
    if found is None:
        raise ValidationFailed.one(("horizon",), f"{text!r}: give days (42 or 42d) or weeks (6w)")
    number, unit = int(found[1]), found[2]
    return number * 7 if unit == "w" else number


@plan_app.command("run")
def run_command(
    site: list[str] | None = typer.Option(
        None, "--site", "-s", help="site code (repeat for several); default every site"
    ),
    horizon: str | None = typer.Option(
        None, help="how far ahead to plan: 6w, 42d (default the site's planning policy)"
    ),
    today: str | None = typer.Option(
        None, help="plan as of this date, YYYY-MM-DD (default the site's date today)"
    ),
    schedule_seconds: float = typer.Option(
        10.0, min=0.5, max=3600, help="time to improve each site's schedule"
    ),
) -> None:
    """Run the plan: MRP from demand, stock and open orders; proposed orders and exceptions."""
    from sqlalchemy import select

    from plantops.access.caller import SYSTEM
    from plantops.org.models import Site
    from plantops.planning import models as m
    from plantops.planning.runs import execute_run, request_run
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    failed = 0
    with user_errors():
        days = horizon_days(horizon) if horizon is not None else None
        as_of = _date(today) if today is not None else None
        engine = make_engine()
        upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            sites = _sites(session.scalars(select(Site).order_by(Site.code)).all(), site)
        table = _table()
        for code, site_id in sites:
            with unit_of_work(factory) as session:
                wanted = _request(site_id, as_of, days, schedule_seconds)
                run_id = request_run(session, SYSTEM, wanted).id
            with _bar(code) as report:
                execute_run(factory, run_id, report)
            with factory() as session:
                run = session.get_one(m.PlanRun, run_id)
            _row(table, code, run)
            if run.problems:
                failed += 1
                _problems(code, run.problems)
            unscheduled = ((run.summary or {}).get("schedule") or {}).get("reason")
            if unscheduled:
                console.print(f"[yellow]site {escape(code)}: no schedule[/]: {escape(unscheduled)}")
        console.print(table)
    if failed:
        raise typer.Exit(1)


def _request(site_id: int, today: date | None, days: int | None, seconds: float) -> PlanRunIn:
    from pydantic import ValidationError

    from plantops.planning.schemas import PlanRunIn

    try:
        return PlanRunIn(site_id=site_id, today=today, horizon_days=days, schedule_seconds=seconds)
    except ValidationError as error:
        raise ValidationFailed.from_pydantic("plan run", error) from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.one(("today",), f"{text!r} is not a date (YYYY-MM-DD)") from None


def _sites(rows: Sequence[Site], wanted: list[str] | None) -> list[tuple[str, int]]:
    known = {s.code: s.id for s in rows}
    if not wanted:
        return list(known.items())
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ValidationFailed.one(("site",), f"no site {', '.join(unknown)}")
    return [(code, known[code]) for code in wanted]


@contextmanager
def _bar(code: str) -> Iterator[Callable[[str, float], None]]:
    columns = (TextColumn(f"{code:<8}" + "{task.description:<22}"), BarColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("queued", total=1.0)

        def report(phase: str, share: float) -> None:
            bar.update(task, description=phase, completed=share)

        yield report


def _table() -> Table:
    table = Table(
        "site", "run", "status", "production orders", "purchase orders", "exceptions",
        "schedule", "late orders",
    )  # fmt: skip
    table.title = "plan runs"
    return table


def _row(table: Table, code: str, run: PlanRun) -> None:
    summary = run.summary or {}
    exceptions = sum(summary.get("exceptions", {}).values())
    schedule = summary.get("schedule") or {}
    table.add_row(
        code,
        str(run.id),
        run.status.value,
        str(summary.get("production_orders", "-")),
        str(summary.get("purchase_orders", "-")),
        str(exceptions if summary else "-"),
        schedule.get("status", "-"),
        str(schedule.get("late_orders", "-")),
    )


def _problems(code: str, problems: list[dict[str, str]]) -> None:
    console.print(f"[red]site {escape(code)} was not planned[/] ({len(problems)} problem(s)):")
    for problem in problems[:SHOWN_PROBLEMS]:
        field = problem["field"].strip("/").replace("/", ".")
        console.print(f"  {escape(field)}: {escape(problem['message'])}", soft_wrap=True)
    if len(problems) > SHOWN_PROBLEMS:
        console.print(f"  ... and {len(problems) - SHOWN_PROBLEMS} more")


@plan_app.command("work", hidden=True)
def work_command(run: int = typer.Argument(..., help="the queued plan run to do")) -> None:
    """Do one queued plan run (the API starts this in a process of its own)."""
    from plantops.planning.runs import execute_run
    from plantops.storage.engine import make_engine, make_session_factory

    with user_errors():
        execute_run(make_session_factory(make_engine()), run)


@plan_app.command("capacity")
def capacity_command(
    site: str = typer.Option(..., "--site", "-s", help="site code"),
    weeks: int = typer.Option(8, min=1, max=52, help="how many weeks"),
    first: str | None = typer.Option(None, help="a day of the first week (default today)"),
) -> None:
    """Rough-cut capacity: load against available hours per work center and week."""
    from sqlalchemy import select

    from plantops.access.caller import SYSTEM
    from plantops.org.models import Site
    from plantops.planning.rough_cut import rough_cut
    from plantops.planning.runs import site_today
    from plantops.storage.engine import make_engine, make_session_factory
    from plantops.storage.migrate import upgrade

    with user_errors():
        engine = make_engine()
        upgrade(engine)
        with make_session_factory(engine)() as session:
            found = session.scalars(select(Site).where(Site.code == site)).first()
            if found is None:
                raise ValidationFailed.one(("site",), f"no site {site}")
            start = _date(first) if first else site_today(found)
            rows = rough_cut(session, SYSTEM, found.id, start, weeks)
        mondays = sorted({r.week for r in rows})
        table = Table(
            "work center", *(f"{d:%d %b}" for d in mondays), title=f"{site}: load / available hours"
        )
        by_center: dict[str, list[str]] = {}
        for r in rows:
            cell = f"{r.load_hours:.0f}/{r.available_hours:.0f}"
            by_center.setdefault(r.work_center, []).append(
                f"[red]{cell}[/]" if r.overloaded else cell
            )
        for center, cells in by_center.items():
            table.add_row(center, *cells)
        console.print(table)
