"""The KPIs page's choices (span, filters, grouping) read from the address and checked, and
the figures they select, read as the visitor."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from nicegui import ui
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.kpi import query
from plantops.kpi.dashboard import Dashboard, dashboard
from plantops.kpi.query import Group
from plantops.kpi.refresh import refresh_stale
from plantops.masterdata.service import WORK_CENTERS
from plantops.org.service import AREAS
from plantops.resources.service import ListQuery, list_records
from plantops.web import kpi_charts as charts
from plantops.web.nice import sessions
from plantops.web.shell import Visitor, read

HOUR = 3600.0
PRESETS = ((1, "Today"), (7, "7 days"), (30, "30 days"), (90, "90 days"))
FRESH = timedelta(minutes=1)  # KPI rows older than this are refreshed before reading
PLACES = 1000  # areas or work centers of a site offered as filters, at most
ANY = "any"  # the filters' "no narrowing" choice
SHIFT = "shift:"  # a shift's choice is SHIFT + its name ("" is the time between shifts)


@dataclass(frozen=True)
class Choice:
    """What the visitor looks at: local days first..last, narrowed, the trend by `by`."""

    first: date
    last: date
    by: str = "day"
    area_id: int | None = None
    work_center_id: int | None = None
    shift: str | None = None  # "" the time between shifts

    def address(self, who: Visitor) -> str:
        asked = {"site": who.site.code if who.site else "all", "first": self.first,
                 "last": self.last, "by": self.by, "area": self.area_id,
                 "work_center": self.work_center_id, "shift": self.shift or None}  # fmt: skip
        return f"/kpis?{urlencode({k: v for k, v in asked.items() if v is not None})}"


@dataclass(frozen=True)
class Figures:
    board: Dashboard
    groups: tuple[Group, ...]  # the trend's grouping
    shifts: tuple[str, ...]  # the shifts booked in the span: the filter's choices


@dataclass(frozen=True)
class Places:
    areas: dict[int, str]
    work_centers: tuple[tuple[int, int | None, str], ...]  # id, area id, label


def today(who: Visitor) -> date:
    """The chosen site's local day; UTC's for a roll-up of sites."""
    zone = ZoneInfo(who.site.time_zone) if who.site else UTC
    return datetime.now(zone).date()


def asked(who: Visitor, params: dict[str, str | None]) -> tuple[Choice, list[str]]:
    """The choice in the address, and a message naming each part not understood (that part
    keeps its default: the last 7 days, by day, everything)."""
    last, problems = today(who), []
    first, wrong = parse_day("first", params.get("first"), last - timedelta(days=6))
    last, wrong_last = parse_day("last", params.get("last"), last)
    problems += [p for p in (wrong, wrong_last) if p]
    by = params.get("by") or "day"
    if by not in charts.GROUPINGS:
        problems.append(f"by: {by[:40]!r} is not one of {', '.join(charts.GROUPINGS)}")
        by = "day"
    ids: dict[str, int | None] = {}
    for name in ("area", "work_center"):
        text = params.get(name) or ""
        if text and not (text.isdigit() and 0 < int(text) < 2**62):
            problems.append(f"{name}: {text[:40]!r} is not an id")
        ids[name] = int(text) if text.isdigit() and who.site else None  # one site's only
    choice = Choice(first, last, by, ids["area"], ids["work_center"], params.get("shift") or None)
    return choice, problems


def parse_day(
    name: str, text: str | None, default: date, required: bool = False
) -> tuple[date, str | None]:
    """The day typed (default when empty), or the default and what is wrong with it."""
    text = (text or "").strip()
    if required and not text:
        return default, f"{name}: is needed (YYYY-MM-DD)"
    try:
        return (date.fromisoformat(text) if text else default), None
    except ValueError:
        return default, f"{name}: {text[:40]!r} is not a date (YYYY-MM-DD)"


def flag(field: ui.date_input, problem: str | None) -> None:
    """Show the problem at the field (or clear it)."""
    if problem:
        field.props["error-message"] = problem
    field.props["error"] = bool(problem)
    field.update()


def figures(who: Visitor, choice: Choice) -> Figures:
    """The dashboard and the trend's groups of the choice (run in a worker thread)."""

    def scope(session: Session, caller: Caller) -> query.Selection:
        return query.select_scope(
            session, caller, choice.first, choice.last, site_id=who.site.id if who.site else None,
            area_id=choice.area_id, work_center_id=choice.work_center_id, shift=choice.shift,
        )  # fmt: skip

    selection = read(who, scope)
    now = datetime.now(UTC)
    refresh_stale(sessions(), selection.site_ids, now, FRESH)

    def measure(session: Session, caller: Caller) -> Figures:
        every_shift = replace(selection, shift=None)
        shifts = tuple(g.key for g in query.totals(session, every_shift, "shift"))
        groups = tuple(query.totals(session, selection, choice.by))
        return Figures(dashboard(session, selection), groups, shifts)

    return read(who, measure)


def places(who: Visitor) -> Places:
    """The chosen site's areas and work centers, by code (none for a roll-up of sites)."""
    if who.site is None:
        return Places({}, ())
    listed = ListQuery(site_id=who.site.id, sort="code", limit=PLACES)

    def find(session: Session, caller: Caller) -> Places:
        areas = list_records(session, AREAS, caller, listed).items
        centers = list_records(session, WORK_CENTERS, caller, listed).items
        return Places(
            {a.id: f"{a.code} · {a.name}" for a in areas},
            tuple((c.id, c.area_id, f"{c.code} · {c.name}") for c in centers),
        )

    return read(who, find)
