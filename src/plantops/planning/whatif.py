"""Scenarios as a planner handles them: keep them (audited), and compare a scenario's last
run with the plan's, figure by figure."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import Conflict, FieldError, NotFound, StaleVersion, ValidationFailed
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.run_outcome import ACTIVE
from plantops.planning.scenarios import CHANGES
from plantops.planning.schemas import ScenarioIn, ScenarioOut
from plantops.types import PlanRunStatus

# (figure, where it is in a run's summary, whether more is better)
FIGURES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("on-time delivery", ("on_time_delivery",), True),
    ("late orders", ("schedule", "late_orders"), False),
    ("hours late", ("schedule", "lateness_hours"), False),
    ("setup hours", ("schedule", "setup_hours"), False),
    ("stock value at the horizon", ("stock_value_at_horizon",), False),
    ("production orders", ("production_orders",), False),
    ("purchase orders", ("purchase_orders",), False),
)


def _changes(data: ScenarioIn) -> list[dict[str, Any]]:
    try:
        return [c.model_dump(mode="json") for c in CHANGES.validate_python(data.changes)]
    except ValidationError as error:
        failed = ValidationFailed.from_pydantic("changes", error)
        located = [FieldError(("changes", *e.location), e.message) for e in failed.errors]
        raise ValidationFailed(failed.detail, located) from None


def _scenario(session: Session, caller: Caller, scenario_id: int) -> m.Scenario:
    scenario = session.get(m.Scenario, scenario_id)
    if scenario is None or not caller.scope.allows(scenario.site_id):
        raise NotFound(f"scenario {scenario_id} not found")
    return scenario


def _out(scenario: m.Scenario) -> dict[str, Any]:
    return ScenarioOut.model_validate(scenario).model_dump(mode="json")


def create_scenario(session: Session, caller: Caller, data: ScenarioIn) -> m.Scenario:
    caller.require(Domain.planning, Action.create, "scenarios")
    site = session.get(Site, data.site_id)
    if site is None or not caller.scope.allows(site.id):
        raise ValidationFailed.field("site_id", f"no site {data.site_id}")
    taken = select(m.Scenario.id).where(m.Scenario.site_id == site.id, m.Scenario.code == data.code)
    if session.scalar(taken) is not None:
        raise Conflict(f"scenario {data.code} exists at site {site.code} already")
    scenario = m.Scenario(site_id=site.id, code=data.code, name=data.name, changes=_changes(data))
    session.add(scenario)
    session.flush()
    audit.append(session, caller, "create", "scenario", scenario.id, site.id, None, _out(scenario))
    return scenario


def get_scenario(session: Session, caller: Caller, scenario_id: int) -> m.Scenario:
    caller.require(Domain.planning, Action.read, "scenarios")
    return _scenario(session, caller, scenario_id)


def list_scenarios(session: Session, caller: Caller, site_id: int | None) -> list[m.Scenario]:
    caller.require(Domain.planning, Action.read, "scenarios")
    query = select(m.Scenario).order_by(m.Scenario.site_id, m.Scenario.code)
    if site_id is not None:
        query = query.where(m.Scenario.site_id == site_id)
    return [s for s in session.scalars(query) if caller.scope.allows(s.site_id)]


def update_scenario(
    session: Session, caller: Caller, scenario_id: int, data: ScenarioIn, version: int
) -> m.Scenario:
    """Rename it or change its changes; its site stays."""
    caller.require(Domain.planning, Action.update, "scenarios")
    scenario = _scenario(session, caller, scenario_id)
    if scenario.version != version:
        current = _out(scenario)
        raise StaleVersion(f"scenario {scenario.code} has changed", scenario.version, current)
    if data.site_id != scenario.site_id:
        raise ValidationFailed.field("site_id", "a scenario stays at its site")
    old = _out(scenario)
    scenario.code, scenario.name, scenario.changes = data.code, data.name, _changes(data)
    session.flush()
    audit.append(
        session, caller, "update", "scenario", scenario.id, scenario.site_id, old, _out(scenario)
    )
    return scenario


def delete_scenario(session: Session, caller: Caller, scenario_id: int) -> None:
    """The scenario, its runs and everything they proposed."""
    caller.require(Domain.planning, Action.delete, "scenarios")
    scenario = _scenario(session, caller, scenario_id)
    runs = select(m.PlanRun.id).where(m.PlanRun.scenario_id == scenario.id)
    if session.scalar(runs.where(m.PlanRun.status.in_(ACTIVE))) is not None:
        raise Conflict(f"scenario {scenario.code} is being run: cancel the run first")
    orders = select(m.ProductionOrder.id).where(m.ProductionOrder.scenario_id == scenario.id)
    session.execute(
        delete(m.ScheduledOperation).where(m.ScheduledOperation.production_order_id.in_(orders))
    )
    for model in (m.ProductionOrder, m.PurchaseOrder):
        session.execute(delete(model).where(model.scenario_id == scenario.id))
    for table in (m.PlanLink, m.PlanException, m.ScheduledOperation):
        session.execute(delete(table).where(table.plan_run_id.in_(runs)))
    session.execute(delete(m.PlanRun).where(m.PlanRun.scenario_id == scenario.id))
    old = _out(scenario)
    session.delete(scenario)
    session.flush()
    audit.append(session, caller, "delete", "scenario", scenario_id, scenario.site_id, old, None)


def _last_run(session: Session, site_id: int, scenario_id: int | None) -> m.PlanRun | None:
    mine = m.in_scenario(m.PlanRun.scenario_id, scenario_id)
    return session.scalar(
        select(m.PlanRun)
        .where(m.PlanRun.site_id == site_id, mine, m.PlanRun.status == PlanRunStatus.succeeded)
        .order_by(m.PlanRun.id.desc())
        .limit(1)
    )


def compare(session: Session, caller: Caller, scenario_id: int) -> dict[str, Any]:
    """The plan's last run beside the scenario's: each figure, the difference, which is
    better."""
    scenario = get_scenario(session, caller, scenario_id)
    plan = _last_run(session, scenario.site_id, None)
    what_if = _last_run(session, scenario.site_id, scenario.id)
    rows = []
    for name, path, more_is_better in FIGURES:
        a, b = _figure(plan, path), _figure(what_if, path)
        better = None
        if a is not None and b is not None and a != b:
            better = "scenario" if (b > a) == more_is_better else "plan"
        difference = round(b - a, 3) if a is not None and b is not None else None
        rows.append(
            {"figure": name, "plan": a, "scenario": b, "difference": difference, "better": better}
        )
    return {
        "scenario_id": scenario.id,
        "plan_run_id": plan.id if plan else None,
        "scenario_run_id": what_if.id if what_if else None,
        "figures": rows,
        "utilisation": {
            "plan": _figure(plan, ("schedule", "utilisation")),
            "scenario": _figure(what_if, ("schedule", "utilisation")),
        },
    }


def _figure(run: m.PlanRun | None, path: tuple[str, ...]) -> Any:
    value: Any = run.summary if run is not None else None
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
