"""The reports managers live by, as report_model.Report ready for any renderer: the daily
production report of a site, the shift handover report, the weekly KPI pack of a region and
the monthly pack of every site the caller sees. Each refreshes its sites' KPI rows first, so
it says what the ledger says when it is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import NotFound, ValidationFailed
from plantops.kpi import catalog, floor_facts, query
from plantops.kpi.dashboard import Dashboard, dashboard, span
from plantops.kpi.query import Group, Selection
from plantops.kpi.refresh import ensure_fresh
from plantops.kpi.report_model import Line, LossLine, Report
from plantops.org.models import Region, Site
from plantops.planning.sites import visible_site

HOUR = 3600.0
KINDS = ("daily", "shift", "weekly", "monthly")


@dataclass(frozen=True)
class Ask:
    """What a report is asked for; None takes the default (see `build`)."""

    kind: str
    site_id: int | None = None
    region_id: int | None = None
    day: date | None = None  # any day of the week or month for the packs
    shift: str | None = None


def build(session: Session, caller: Caller, ask: Ask, now: datetime) -> Report:
    """Daily and shift: the site asked for or the first the caller may see (by code), the day
    asked for or yesterday (shift: today), the shift asked for or the last one begun. Weekly:
    the region asked for or the first one the caller sees, the week of the day asked for or
    the last whole week. Monthly: the month of the day asked for or the last whole month."""
    if ask.kind not in KINDS:
        raise ValidationFailed.field("kind", f"is not one of {', '.join(KINDS)}")
    if ask.day is not None:
        query.check_day("day", ask.day)
    if ask.kind in ("daily", "shift"):
        site = _site(session, caller, ask.site_id)
        today = now.astimezone(ZoneInfo(site.time_zone)).date()
        if ask.kind == "daily":
            return daily(session, caller, site, ask.day or today - timedelta(days=1), now)
        return handover(session, caller, site, ask.day or today, ask.shift, now)
    if ask.kind == "weekly":
        region = _region(session, caller, ask.region_id)
        day = ask.day or now.date() - timedelta(days=7)
        monday = day - timedelta(days=day.weekday())
        return pack(session, caller, "weekly", monday, monday + timedelta(days=6), now, region)
    day = ask.day or now.date().replace(day=1) - timedelta(days=1)
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return pack(session, caller, "monthly", first, last, now, None)


def _site(session: Session, caller: Caller, site_id: int | None) -> Site:
    if site_id is not None:
        return visible_site(session, caller, site_id)
    statement = select(Site).where(*caller.scope.conditions(Site.id)).order_by(Site.code)
    first = session.scalars(statement.limit(1)).first()
    if first is None:
        raise NotFound("no site is granted to you")
    return first


def _region(session: Session, caller: Caller, region_id: int | None) -> Region:
    if region_id is not None:
        region = session.get(Region, region_id)
        if region is None or not caller.scope.sees_region(region_id):
            raise NotFound(f"region {region_id} not found")
        return region
    statement = select(Region).order_by(Region.code)
    for region in session.scalars(statement):
        if caller.scope.sees_region(region.id):
            return region
    raise NotFound("no region is granted to you")


def daily(session: Session, caller: Caller, site: Site, day: date, now: datetime) -> Report:
    selection = query.select_scope(session, caller, day, day, site_id=site.id)
    ensure_fresh(session, selection.site_ids, now)
    board = dashboard(session, selection)
    start, end = span(day, day, site.time_zone)
    shifts = floor_facts.shift_spans(session, site.id, day)
    return _report(
        board, "daily", f"Daily production report, {site.code} {site.name}, {day:%A %d %B %Y}",
        site.code, site.time_zone, now, "Shifts", board.shifts,
        products=tuple(floor_facts.products(session, site, start, end)),
        incidents=tuple(floor_facts.incidents(session, site, start, end, now)),
        open_problems=tuple(floor_facts.open_problems(session, site, now)),
        staffing=tuple(floor_facts.staffing(session, site, shifts)),
    )  # fmt: skip


def handover(
    session: Session, caller: Caller, site: Site, day: date, shift: str | None, now: datetime
) -> Report:
    ensure_fresh(session, {site.id}, now)
    shifts = floor_facts.shift_spans(session, site.id, day)
    if not shifts:
        raise ValidationFailed.field("day", f"{site.code} has no shift on {day:%Y-%m-%d}")
    if shift is None:
        begun = [s for s in shifts if s[1] <= now] or shifts[:1]
        shift = begun[-1][0]
    chosen = next((s for s in shifts if s[0] == shift), None)
    if chosen is None:
        names = ", ".join(s[0] for s in shifts)
        raise ValidationFailed.field("shift", f"{shift!r} is not a shift of the day ({names})")
    selection = query.select_scope(session, caller, day, day, site_id=site.id, shift=shift)
    _, start, end = chosen
    board = dashboard(session, selection, (start, end))
    areas = tuple(query.totals(session, selection, "area"))
    return _report(
        board, "shift", f"Shift handover, {site.code} {site.name}, {shift} shift of "
        f"{day:%A %d %B %Y}", site.code, site.time_zone, now, "Areas", areas, shift=shift,
        products=tuple(floor_facts.products(session, site, start, end)),
        incidents=tuple(floor_facts.incidents(session, site, start, end, now)),
        open_problems=tuple(floor_facts.open_problems(session, site, now)),
        staffing=tuple(floor_facts.staffing(session, site, [chosen])),
    )  # fmt: skip


def pack(
    session: Session, caller: Caller, kind: str, first: date, last: date, now: datetime,
    region: Region | None,
) -> Report:  # fmt: skip
    """A roll-up across sites: by site, with the daily OEE trend."""
    region_id = region.id if region is not None else None
    selection = query.select_scope(session, caller, first, last, region_id=region_id)
    ensure_fresh(session, selection.site_ids, now)
    board = dashboard(session, selection)
    sites = query.totals(session, selection, "site")
    scope = region.code if region is not None else "all"
    where = f"{region.code} {region.name}" if region is not None else "all sites"
    period = f"week {first:%G-W%V}" if kind == "weekly" else f"{first:%B %Y}"
    return _report(
        board, kind, f"{kind.capitalize()} KPI pack, {where}, {period}", scope,
        _zone(session, selection), now, "Sites", tuple(sites), trend=board.days,
    )  # fmt: skip


def _zone(session: Session, selection: Selection) -> str:
    zones = set(session.scalars(select(Site.time_zone).where(Site.id.in_(selection.site_ids))))
    return zones.pop() if len(zones) == 1 else "each site's local time"


def line(group: Group) -> Line:
    t = group.totals
    label = group.key or "(between shifts)"  # the off-shift time of a day
    return Line(
        label, group.name if group.name != group.key else "", t.good, t.scrap, t.rework,
        None, catalog.oee(t), catalog.availability(t), catalog.effectiveness(t),
        catalog.quality_ratio(t), t.adet / HOUR,
    )  # fmt: skip


def _report(
    board: Dashboard, kind: str, title: str, scope: str, zone: str, now: datetime,
    lines_title: str, lines: tuple[Group, ...], **rest: object,
) -> Report:  # fmt: skip
    tree = board.losses
    trend = tuple(line(g) for g in rest.pop("trend", ()))  # type: ignore[attr-defined]
    return Report(
        kind=kind, title=title, scope=scope, first_day=board.selection.first,
        last_day=board.selection.last, time_zone=zone, generated_at=now, kpis=board.kpis,
        planned_busy_hours=tree.planned_busy / HOUR, productive_hours=tree.productive / HOUR,
        losses=tuple(LossLine(x.key, x.name, x.factor, x.seconds / HOUR) for x in tree.losses),
        lines=tuple(line(g) for g in lines), lines_title=lines_title,
        work_centers=tuple(line(g) for g in board.work_centers),
        downtime_pareto=board.downtime_pareto, scrap_pareto=board.scrap_pareto, trend=trend,
        **rest,  # type: ignore[arg-type]
    )  # fmt: skip
