"""KPI queries: the pre-aggregated rows (kpi.models) summed by any grouping, within the
caller's sites. Sums are taken by the database, grouped by the grouping's own column, so a
query reads one index range of (site, day) and returns one row per group: its cost follows
the span asked for, not the history kept. Weeks and months are folded from days here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound, ValidationFailed
from plantops.kpi import models as k
from plantops.kpi.totals import NAMES, Totals
from plantops.masterdata.models import Item, WorkCenter
from plantops.org.models import Area, Region, Site
from plantops.planning.sites import visible_site

GROUPINGS = ("all", "region", "site", "area", "work_center", "shift", "day", "week", "month",
             "product")  # fmt: skip
LONGEST = timedelta(days=3 * 366)  # a query's span at most
EARLIEST, LATEST = date(1970, 1, 1), date(2199, 12, 31)
_SUMMED = tuple(n for n in NAMES if n not in ("apwt", "apat"))  # labour: kpi.orders


@dataclass(frozen=True)
class Selection:
    """What a query covers: local production days first..last of these sites, narrowed to
    an area or a work center when given. Built by `select_scope`, inside the caller's scope."""

    first: date
    last: date
    site_ids: frozenset[int]
    area_id: int | None = None
    work_center_id: int | None = None
    shift: str | None = None  # one shift's periods ("" the time between shifts)


@dataclass(frozen=True)
class Group:
    key: str  # "DE-STR-CNC-01", "2026-12-02", "2026-W49", "2026-12", "Early", "all"
    name: str  # a longer name, or the key again
    totals: Totals


def select_scope(
    session: Session,
    caller: Caller,
    first: date,
    last: date,
    *,
    region_id: int | None = None,
    site_id: int | None = None,
    area_id: int | None = None,
    work_center_id: int | None = None,
    shift: str | None = None,
) -> Selection:
    """The sites, area or work center asked for, each checked against the caller's scope (one
    not granted is not found, as elsewhere); nothing asked for: every site the caller sees."""
    caller.require(Domain.execution, Action.read, "KPIs")
    check_day("first", first)
    check_day("last", last)
    if last < first:
        raise ValidationFailed.field("last", "is before first")
    if last - first > LONGEST:
        raise ValidationFailed.field("last", "spans more than three years from first")
    sites = select(Site.id).where(*caller.scope.conditions(Site.id))
    if region_id is not None:
        region = session.get(Region, region_id)
        if region is None or not caller.scope.sees_region(region_id):
            raise NotFound(f"region {region_id} not found")
        sites = sites.where(Site.region_id == region_id)
    if work_center_id is not None:
        center = session.get(WorkCenter, work_center_id)
        if center is None or not caller.scope.allows(center.site_id):
            raise NotFound(f"work center {work_center_id} not found")
        site_id = _same(site_id, center.site_id, "work_center_id")
    if area_id is not None:
        area = session.get(Area, area_id)
        if area is None or not caller.scope.allows(area.site_id):
            raise NotFound(f"area {area_id} not found")
        site_id = _same(site_id, area.site_id, "area_id")
    if site_id is not None:
        sites = sites.where(Site.id == visible_site(session, caller, site_id).id)
    found = frozenset(session.scalars(sites))
    if region_id is not None and site_id is not None and not found:
        raise ValidationFailed.field("site_id", "is not in the region asked for")
    return Selection(first, last, found, area_id, work_center_id, shift)


def check_day(name: str, day: date) -> None:
    """A production day PlantOps can hold: 1970 to 2199 (so a day before or after it, and
    its midnights in any time zone, are still dates)."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationFailed.field(name, f"{day} is not between {EARLIEST} and {LATEST}")


def _same(site_id: int | None, owner: int, name: str) -> int:
    if site_id is not None and site_id != owner:
        raise ValidationFailed.field(name, "is not at the site asked for")
    return owner


def where(selection: Selection, table: Any) -> list[ColumnElement[bool]]:
    """The conditions of a selection on one of the booked tables."""
    found: list[ColumnElement[bool]] = [
        table.site_id.in_(selection.site_ids),
        table.day >= selection.first,
        table.day <= selection.last,
    ]
    if selection.work_center_id is not None:
        found.append(table.work_center_id == selection.work_center_id)
    if selection.shift is not None:
        found.append(table.shift == selection.shift)
    if selection.area_id is not None:
        found.append(
            table.work_center_id.in_(
                select(WorkCenter.id).where(WorkCenter.area_id == selection.area_id)
            )
        )
    return found


def totals(session: Session, selection: Selection, by: str = "all") -> list[Group]:
    """The elements summed per group, in the grouping's natural order (time, or code). Work
    centers and areas are keyed by code, "SITE/code" when the selection spans sites."""
    if by not in GROUPINGS:
        raise ValidationFailed.field("group_by", f"is not one of {', '.join(GROUPINGS)}")
    if not selection.site_ids:
        return [Group("all", "all", Totals())] if by == "all" else []
    if by == "product":
        return _products(session, selection)
    p = k.KpiPeriod
    sums = [func.coalesce(func.sum(getattr(p, n)), 0).label(n) for n in _SUMMED]
    key, name, joined = _grouping(by)
    owner = (Site.code if by in ("area", "work_center") else literal("")).label("owner")
    statement: Select[Any] = select(key.label("key"), name.label("name"), owner, *sums)
    statement = joined(statement.select_from(p)).where(*where(selection, p))
    if by in ("area", "work_center"):  # codes repeat across sites: one row per record
        ident = WorkCenter.id if by == "work_center" else Area.id
        statement = statement.join(Site, Site.id == p.site_id).group_by(ident, key, name, owner)
    elif by != "all":
        statement = statement.group_by(key, name)
    several = len(selection.site_ids) > 1
    rows = [
        (f"{r.owner}/{r.key}" if several and r.owner else str(r.key), str(r.name), _totals(r))
        for r in session.execute(statement)
    ]
    if by in ("week", "month"):
        return _fold(rows, by)
    if by == "all" and not rows:
        return [Group("all", "all", Totals())]
    order = (lambda g: g.key) if by in ("day", "all") else (lambda g: (g.key != "", g.key))
    return sorted((Group(key, name, t) for key, name, t in rows), key=order)


def _totals(row: Any) -> Totals:
    return Totals(**{n: float(getattr(row, n) or 0) for n in _SUMMED})


_Join = Callable[[Select[Any]], Select[Any]]


def _grouping(by: str) -> tuple[Any, Any, _Join]:
    """The column grouped on, its display name, and the joins that bring them."""
    p = k.KpiPeriod

    def same(s: Select[Any]) -> Select[Any]:
        return s

    def centers(s: Select[Any]) -> Select[Any]:
        return s.join(WorkCenter, WorkCenter.id == p.work_center_id)

    def sites(s: Select[Any]) -> Select[Any]:
        return s.join(Site, Site.id == p.site_id)

    if by == "all":
        return literal("all"), literal("all"), same
    if by == "site":
        return Site.code, Site.name, sites
    if by == "region":
        return (
            Region.code,
            Region.name,
            lambda s: sites(s).join(Region, Region.id == Site.region_id),
        )
    if by == "area":
        return Area.code, Area.name, lambda s: centers(s).join(Area, Area.id == WorkCenter.area_id)
    if by == "work_center":
        return WorkCenter.code, WorkCenter.name, centers
    if by == "shift":
        return p.shift, p.shift, same
    return p.day, p.day, same  # day, and week and month folded from it


def _fold(rows: list[tuple[str, str, Totals]], by: str) -> list[Group]:
    found: dict[str, Totals] = {}
    for key, _, t in rows:
        day = date.fromisoformat(key[:10])
        if by == "week":
            year, week, _ = day.isocalendar()
            label = f"{year}-W{week:02d}"
        else:
            label = f"{day:%Y-%m}"
        found[label] = found.get(label, Totals()) + t
    return [Group(label, label, t) for label, t in sorted(found.items())]


def _products(session: Session, selection: Selection) -> list[Group]:
    """Per item made: its running time, quantities and planned time (no shift time: POT
    belongs to the work center, so availability is not a product's figure)."""
    p = k.KpiProduct
    statement = (
        select(
            Item.code,
            Item.name,
            func.sum(p.apt),
            func.sum(p.good),
            func.sum(p.scrap),
            func.sum(p.rework),
            func.sum(p.planned_run),
        )
        .join(Item, Item.id == p.item_id)
        .where(*where(selection, p))
        .group_by(Item.code, Item.name)
        .order_by(Item.code)
    )
    groups = []
    for code, name, apt, good, scrap, rework, planned in session.execute(statement):
        produced = float(good or 0) + float(scrap or 0) + float(rework or 0)
        share = float(planned or 0) / produced if produced else 0.0  # PRU of a unit
        t = Totals(apt=float(apt or 0), good=float(good or 0), scrap=float(scrap or 0),
                   rework=float(rework or 0), planned_good=share * float(good or 0),
                   planned_scrap=share * float(scrap or 0),
                   planned_rework=share * float(rework or 0))  # fmt: skip
        groups.append(Group(str(code), str(name), t))
    return groups
