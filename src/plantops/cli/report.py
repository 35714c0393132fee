"""`plantops report daily|shift|weekly|monthly --format pdf|xlsx` writes a report file;
`plantops kpi refresh` brings the KPI rows up to the ledger, `plantops kpi show` prints KPIs
by any grouping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from plantops.cli.errors import console, user_errors
from plantops.cli.plan import parse_date
from plantops.errors import ValidationFailed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from plantops.access.caller import Caller

kpi_app = typer.Typer(no_args_is_help=True, help="KPIs: refresh and show")
out = Console(soft_wrap=True)


class Kind(StrEnum):
    daily = "daily"
    shift = "shift"
    weekly = "weekly"
    monthly = "monthly"


class Format(StrEnum):
    pdf = "pdf"
    xlsx = "xlsx"


def _date(text: str | None, name: str = "date") -> date | None:
    return None if text is None else parse_date(text, name)


def _caller(session: Session, username: str | None) -> Caller:
    from plantops.access.caller import SYSTEM
    from plantops.access.users import caller_of, find

    return SYSTEM if username is None else caller_of(session, find(session, username))


def _id(session: Session, model: type, code: str | None, name: str) -> int | None:
    from sqlalchemy import select

    if code is None:
        return None
    found = session.scalar(select(model.id).where(model.code == code))  # type: ignore[attr-defined]
    if found is None:
        raise ValidationFailed.field(name, f"no {name} has the code {code!r}")
    return int(found)


def report(
    kind: Kind = typer.Argument(..., help="daily, shift (handover), weekly (a region), monthly"),
    file_format: Format = typer.Option(..., "--format", "-f", help="pdf or xlsx"),
    site: str | None = typer.Option(None, help="site code; default the first site you see"),
    region: str | None = typer.Option(None, help="weekly: region code; default the first"),
    day: str | None = typer.Option(
        None,
        "--date",
        help="YYYY-MM-DD; default yesterday (shift: today; packs: the last whole week or month)",
    ),
    shift: str | None = typer.Option(None, help="shift: its name; default the last begun"),
    output: Path | None = typer.Option(None, "--output", "-o", help="file or folder"),
    user: str | None = typer.Option(None, help="as this user sees it (their sites)"),
) -> None:
    """Write the daily production report, the shift handover, or a weekly or monthly pack."""
    from plantops.kpi.render_pdf import pdf
    from plantops.kpi.render_xlsx import xlsx
    from plantops.kpi.reports import Ask, build
    from plantops.org.models import Region, Site
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    with user_errors():
        asked_day = _date(day)
        engine = make_engine()
        upgrade(engine)
        with unit_of_work(make_session_factory(engine)) as session:
            ask = Ask(kind.value, _id(session, Site, site, "site"),
                      _id(session, Region, region, "region"), asked_day, shift)  # fmt: skip
            made = build(session, _caller(session, user), ask, datetime.now(UTC))
        body = pdf(made) if file_format is Format.pdf else xlsx(made)
        name = f"{made.kind}-{made.scope.replace('/', '-')}-{made.first_day:%Y-%m-%d}"
        target = output or Path(".")
        if target.is_dir():
            target = target / f"{name}.{file_format.value}"
        target.write_bytes(body)
    console.print(f"{escape(made.title)}: wrote {escape(str(target))} ({len(body):,} bytes)")


@kpi_app.command("refresh")
def refresh_command(
    site: list[str] | None = typer.Option(None, "--site", "-s", help="default every site"),
) -> None:
    """Bring the pre-aggregated KPI rows up to the event ledger."""
    from sqlalchemy import select

    from plantops.kpi.refresh import refresh
    from plantops.org.models import Site
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    with user_errors():
        engine = make_engine()
        upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            sites = session.execute(select(Site.id, Site.code).order_by(Site.code)).all()
        unknown = sorted(set(site or ()) - {code for _, code in sites})
        if unknown:
            raise ValidationFailed.field("site", f"no site has the code {unknown[0]!r}")
        for site_id, code in sites:
            if site and code not in site:
                continue
            started = datetime.now(UTC)
            with unit_of_work(factory) as session:
                found = session.get(Site, site_id)
                assert found is not None
                days = refresh(session, found, started)
            took = (datetime.now(UTC) - started).total_seconds()
            what = "no events yet" if days is None else f"{days[0]} to {days[1]} rebuilt"
            out.print(f"{code}: {what} in {took:.1f} s")


SHOWN = ("oee", "availability", "effectiveness", "quality_ratio", "scrap_ratio", "mtbf", "mttr")


@kpi_app.command("show")
def show_command(
    site: str | None = typer.Option(None, help="site code; default every site you see"),
    region: str | None = typer.Option(None, help="region code"),
    first: str | None = typer.Option(None, "--from", help="YYYY-MM-DD; default 29 days back"),
    last: str | None = typer.Option(None, "--to", help="YYYY-MM-DD; default today"),
    by: str = typer.Option(
        "all", "--by", help="all, region, site, area, work_center, shift, day, week, month, product"
    ),
    user: str | None = typer.Option(None, help="as this user sees it (their sites)"),
) -> None:
    """KPIs by any grouping, from the pre-aggregated rows (refreshed first)."""
    from plantops.kpi import catalog, query
    from plantops.kpi.refresh import ensure_fresh
    from plantops.org.models import Region, Site
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    with user_errors():
        to = _date(last, "to") or datetime.now(UTC).date()
        since = _date(first, "from") or to - timedelta(days=29)
        engine = make_engine()
        upgrade(engine)
        with unit_of_work(make_session_factory(engine)) as session:
            selection = query.select_scope(
                session, _caller(session, user), since, to,
                site_id=_id(session, Site, site, "site"),
                region_id=_id(session, Region, region, "region"),
            )  # fmt: skip
            ensure_fresh(session, selection.site_ids, datetime.now(UTC))
            groups = query.totals(session, selection, by)
    table = Table(title=f"KPIs {since} to {to}, by {by.replace('_', ' ')}")
    table.add_column(by.replace("_", " "))
    for key in SHOWN:
        table.add_column(catalog.BY_KEY[key].name, justify="right")
    for group in groups:
        values = catalog.values(group.totals)
        table.add_row(escape(group.key or "(off shift)"),
                      *(_shown(values[k], catalog.BY_KEY[k].unit) for k in SHOWN))  # fmt: skip
    out.print(table)


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value * 100:.1f} %" if unit == "%" else f"{value:.1f} {unit}"
