"""`plantops plan run [--site S] [--horizon 6w]`: plan sites from the command line, one run
per site, with the run's progress on screen."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plantops.cli.errors import SHOWN_PROBLEMS, console, user_errors
from plantops.errors import ValidationFailed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from plantops.execution.schemas import RescheduleIn
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
    from plantops.execution.runs import execute
    from plantops.org.models import Site
    from plantops.planning import models as m
    from plantops.planning.run_requests import request_run
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    failed = 0
    with user_errors():
        days = horizon_days(horizon) if horizon is not None else None
        as_of = parse_date(today) if today is not None else None
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
                execute(factory, run_id, report)
            with factory() as session:
                run = session.get_one(m.PlanRun, run_id)
            _row(table, code, run)
            if run.problems:
                failed += 1
                _problems(code, run.problems)
            unscheduled = ((run.summary or {}).get("schedule") or {}).get("reason")
            if unscheduled:  # planned, but nothing a floor could follow: a script must know
                failed += 1
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


def parse_date(text: str, name: str = "today") -> date:
    """A YYYY-MM-DD option, or a user error naming it."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.one((name,), f"{text!r} is not a date (YYYY-MM-DD)") from None


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
    """Do one queued plan run or reschedule (the API starts this in a process of its own)."""
    from plantops.execution.runs import execute
    from plantops.storage.engine import make_engine, make_session_factory

    with user_errors():
        execute(make_session_factory(make_engine()), run)


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
    from plantops.planning.run_requests import site_today
    from plantops.storage.engine import make_engine, make_session_factory
    from plantops.storage.migrate import upgrade

    with user_errors():
        engine = make_engine()
        upgrade(engine)
        with make_session_factory(engine)() as session:
            found = session.scalars(select(Site).where(Site.code == site)).first()
            if found is None:
                raise ValidationFailed.one(("site",), f"no site {site}")
            start = parse_date(first) if first else site_today(found)
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


@plan_app.command("reschedule")
def reschedule_command(
    site: str = typer.Option(..., "--site", "-s", help="site code"),
    down: list[str] | None = typer.Option(
        None,
        help="a work center down: CODE=UNTIL (UNTIL an ISO time, the site's clock if no offset)",
    ),
    rush: list[str] | None = typer.Option(
        None, help="a rush order: ITEM:QUANTITY:DUE (DUE a date, YYYY-MM-DD)"
    ),
    reason: str = typer.Option("", help="what happened, for the record"),
    schedule_seconds: float = typer.Option(10.0, min=0.5, max=600, help="time to repair"),
) -> None:
    """Reschedule a site from the floor's state after a disruption, and show what moved."""
    from sqlalchemy import select

    from plantops.access.caller import SYSTEM
    from plantops.execution.reschedule import request_reschedule
    from plantops.execution.reschedule_moves import moves_of
    from plantops.execution.runs import execute
    from plantops.org.models import Site
    from plantops.planning import models as m
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    with user_errors():
        engine = make_engine()
        upgrade(engine)
        factory = make_session_factory(engine)
        with unit_of_work(factory) as session:
            found = session.scalars(select(Site).where(Site.code == site)).first()
            if found is None:
                raise ValidationFailed.one(("site",), f"no site {site}")
            wanted = _reschedule_request(session, found, down or [], rush or [], reason,
                                         schedule_seconds)  # fmt: skip
            run_id = request_reschedule(session, SYSTEM, wanted).id
        with _bar(site) as report:
            execute(factory, run_id, report)
        with factory() as session:
            run = session.get_one(m.PlanRun, run_id)
            if run.problems:
                _problems(site, run.problems)
                raise typer.Exit(1)
            moves = moves_of(session, SYSTEM, run_id)
            zone = found.time_zone
        console.print(_moves_table(run, moves, zone))


def _reschedule_request(
    session: Session,
    site: Site,
    down: list[str],
    rush: list[str],
    reason: str,
    seconds: float,
) -> RescheduleIn:
    """The request from the command line's CODE=UNTIL and ITEM:QUANTITY:DUE, by codes."""
    from zoneinfo import ZoneInfo

    from pydantic import ValidationError
    from sqlalchemy import select

    from plantops.execution.schemas import RescheduleIn
    from plantops.masterdata.models import Item, WorkCenter

    def id_of(model: type[Item] | type[WorkCenter], code: str, where: str) -> int:
        found = session.scalar(select(model.id).where(model.site_id == site.id, model.code == code))
        if found is None:
            raise ValidationFailed.one((where,), f"no {code} at site {site.code}")
        return int(found)

    downs = []
    for text in down:
        code, _, until = text.partition("=")
        try:
            at = datetime.fromisoformat(until)
        except ValueError:
            raise ValidationFailed.one(("down",), f"{text!r}: give CODE=2026-12-03T14:00") from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=ZoneInfo(site.time_zone))
        downs.append({"work_center_id": id_of(WorkCenter, code, "down"), "until": at})
    rushes = []
    for text in rush:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValidationFailed.one(("rush",), f"{text!r}: give ITEM:QUANTITY:YYYY-MM-DD")
        item, quantity, due = parts
        rushes.append({"item_id": id_of(Item, item, "rush"), "quantity": quantity, "due_date": due})
    try:
        return RescheduleIn(site_id=site.id, reason=reason, down=downs, rush=rushes,
                            schedule_seconds=seconds)  # fmt: skip
    except ValidationError as error:
        raise ValidationFailed.from_pydantic("reschedule", error) from None


def _moves_table(run: PlanRun, moves: list[dict[str, Any]], zone: str) -> Table:
    from zoneinfo import ZoneInfo

    local = ZoneInfo(zone)
    summary = run.summary or {}
    table = Table("order", "op", "why", "from", "to", "shift (min)", "detail")
    table.title = (
        f"reschedule {run.id}: {summary.get('moved', 0)} moved, {summary.get('added', 0)} "
        f"added, {summary.get('unchanged', 0)} unchanged; late orders "
        f"{summary.get('late_orders_before', '-')} -> {summary.get('late_orders_after', '-')}"
    )
    for move in moves:
        was = move["from_start"]
        table.add_row(
            move["order"],
            str(move["sequence"]),
            move["why"],
            f"{move['from_work_center']} {was.astimezone(local):%a %H:%M}" if was else "-",
            f"{move['to_work_center']} {move['to_start'].astimezone(local):%a %H:%M}",
            "-" if move["shift_minutes"] is None else str(move["shift_minutes"]),
            move["detail"],
        )
    return table
