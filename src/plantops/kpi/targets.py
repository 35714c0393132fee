"""Each site's targets per KPI: set by its managers, audited, compared with in every report
and query. A roll-up over sites (a region, all) takes the mean of its sites' targets when
every one of them has one, and none otherwise: a target half the sites never set is no
target of the group."""

from __future__ import annotations

from collections.abc import Collection
from statistics import fmean

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import NotFound, ValidationFailed
from plantops.kpi.catalog import BY_KEY
from plantops.kpi.models import KpiTarget
from plantops.planning.sites import visible_site

ENTITY = "kpi_target"


class TargetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: int
    kpi: str
    target: float


def list_targets(session: Session, caller: Caller, site_id: int | None = None) -> list[TargetOut]:
    caller.require(Domain.execution, Action.read, "KPI targets")
    if site_id is not None:
        visible_site(session, caller, site_id)
    statement = (
        select(KpiTarget)
        .where(*caller.scope.conditions(KpiTarget.site_id, site_id))
        .order_by(KpiTarget.site_id, KpiTarget.kpi)
    )
    return [TargetOut.model_validate(t) for t in session.scalars(statement)]


def check(kpi: str, target: float) -> None:
    """The KPI must be one of the catalog's, and the target inside its range."""
    found = BY_KEY.get(kpi)
    if found is None:
        raise ValidationFailed.field("kpi", f"{kpi!r} is not a KPI (see GET /kpis/catalog)")
    if target != target or target in (float("inf"), float("-inf")):
        raise ValidationFailed.field("target", "is not a number")
    if found.low is not None and target < found.low:
        raise ValidationFailed.field("target", f"is below the KPI's range ({found.low:g})")
    if found.high is not None and target > found.high:
        shown = f"{found.high:g}" + (" = 100 %" if found.unit == "%" else "")
        raise ValidationFailed.field("target", f"is above the KPI's range ({shown})")


def set_target(
    session: Session, caller: Caller, site_id: int, kpi: str, target: float
) -> TargetOut:
    caller.require(Domain.masterdata, Action.update, "KPI targets")
    visible_site(session, caller, site_id)
    check(kpi, target)
    row = session.scalar(
        select(KpiTarget).where(KpiTarget.site_id == site_id, KpiTarget.kpi == kpi)
    )
    old = None if row is None else {"kpi": kpi, "target": row.target}
    if row is None:
        row = KpiTarget(site_id=site_id, kpi=kpi, target=target)
        session.add(row)
    row.target = target
    session.flush()
    audit.append(session, caller, "create" if old is None else "update", ENTITY, row.id,
                 site_id, old, {"kpi": kpi, "target": target})  # fmt: skip
    return TargetOut.model_validate(row)


def delete_target(session: Session, caller: Caller, site_id: int, kpi: str) -> None:
    caller.require(Domain.masterdata, Action.update, "KPI targets")
    visible_site(session, caller, site_id)
    row = session.scalar(
        select(KpiTarget).where(KpiTarget.site_id == site_id, KpiTarget.kpi == kpi)
    )
    if row is None:
        raise NotFound(f"site {site_id} has no target for {kpi!r}")
    audit.append(session, caller, "delete", ENTITY, row.id, site_id,
                 {"kpi": kpi, "target": row.target}, None)  # fmt: skip
    session.delete(row)
    session.flush()


def of_group(session: Session, site_ids: Collection[int]) -> dict[str, float]:
    """The targets of a group of sites, by KPI key (see the module's rule)."""
    if not site_ids:
        return {}
    found: dict[str, list[float]] = {}
    statement = select(KpiTarget.kpi, KpiTarget.target).where(KpiTarget.site_id.in_(site_ids))
    for kpi, target in session.execute(statement):
        found.setdefault(kpi, []).append(target)
    return {kpi: fmean(values) for kpi, values in found.items() if len(values) == len(site_ids)}
