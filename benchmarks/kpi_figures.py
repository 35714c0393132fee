"""The figures benchmarks/kpi.py compares: a dashboard's figures read from the pre-aggregated
KPI rows (kpi.query, kpi.pareto), and the same figures computed straight from the event ledger
(kpi.ledger, kpi.elements), the peer without pre-aggregation; and how far their totals differ."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.kpi import catalog, query
from plantops.kpi.elements import Elements, compute
from plantops.kpi.ledger import read_site
from plantops.kpi.pareto import lines, pareto
from plantops.kpi.totals import Totals, loss_tree, of
from plantops.masterdata.models import ReasonCode
from plantops.org.models import Site
from plantops.types import LossCategory

CHECKED = ("pot", "pdot", "apt", "asut", "breakdown", "minor_stop", "idle", "failures",
           "good", "scrap", "rework", "planned_good")  # fmt: skip


def rows_figures(session: Session, selection: query.Selection) -> dict[str, Any]:
    """The dashboard's figures that come from the pre-aggregated rows (and the stand-in for
    plantops.kpi.dashboard where it is missing): the same queries it makes."""
    whole = query.totals(session, selection, "all")[0].totals
    groups = {by: query.totals(session, selection, by) for by in ("work_center", "day", "shift")}
    return {
        "totals": whole, "kpis": catalog.values(whole), "losses": loss_tree(whole),
        "groups": {by: [catalog.values(g.totals) for g in found] for by, found in groups.items()},
        "downtime": pareto(session, selection, "downtime"),
        "scrap": pareto(session, selection, "scrap"),
    }  # fmt: skip


GROUPS: dict[str, Callable[[Elements], object]] = {
    "work_center": lambda e: e.work_center_id,
    "day": lambda e: e.period.day,
    "shift": lambda e: e.period.shift,
}


def ledger_figures(
    session: Session, site_id: int, first: date, last: date, now: datetime
) -> dict[str, Any]:
    """The peer without pre-aggregation: the same figures from the event ledger."""
    site = session.get(Site, site_id)
    assert site is not None
    booked = [
        (e, of(e))
        for center in read_site(session, site, first, last)
        for e in compute(center.input, center.periods, until=now)
        if first <= e.period.day <= last
    ]
    whole = sum((t for _, t in booked), Totals())
    groups: dict[str, dict[object, Totals]] = {by: defaultdict(Totals) for by in GROUPS}
    for e, t in booked:
        for by, key in GROUPS.items():
            groups[by][key(e)] += t
    downtime, scrap = ledger_paretos(session, site_id, [e for e, _ in booked])
    return {
        "totals": whole, "kpis": catalog.values(whole), "losses": loss_tree(whole),
        "groups": {by: [catalog.values(t) for t in found.values()]
                   for by, found in groups.items()},
        "downtime": downtime, "scrap": scrap,
    }  # fmt: skip


def ledger_paretos(session: Session, site_id: int, booked: list[Elements]) -> tuple[Any, Any]:
    """Downtime hours and scrap units by reason, as plantops.kpi.pareto sums the rows."""
    codes = {
        c.id: c for c in session.scalars(select(ReasonCode).where(ReasonCode.site_id == site_id))
    }
    amounts: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for e in booked:
        for r in e.reasons.values():
            found = amounts[r.reason_id]
            found[0] += r.seconds
            found[1] += float(r.quantity)
            found[2] += r.occurrences
    downtime, scrap = [], []
    for reason, (seconds, quantity, count) in amounts.items():
        code = codes[reason]
        if code.kind.value == "downtime" and code.loss_category != LossCategory.planned_downtime:
            downtime.append((code.code, code.name, seconds / 3600, int(count)))
        elif code.kind.value == "scrap":
            scrap.append((code.code, code.name, quantity, int(count)))
    return lines(downtime), lines(scrap)


def disagreement(rows: Totals, ledger: Totals) -> float:
    """The largest relative difference between the rows' totals and the ledger's."""
    worst = 0.0
    for name in CHECKED:
        a, b = getattr(rows, name), getattr(ledger, name)
        if a or b:
            worst = max(worst, abs(a - b) / max(abs(a), abs(b)))
    return worst
