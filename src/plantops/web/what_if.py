"""What-if scenarios on the plan page: make one (a shift added, a work center down, a rush
order, a sales order line changed), run it, and read it beside the plan figure by figure."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning import run_outcome, whatif
from plantops.planning.mrp.units import shown
from plantops.planning.schemas import ScenarioIn

# the kinds of change the form offers, with the form fields each takes
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "extra_shift": ("Add a shift", ("work_center", "starts_at", "ends_at")),
    "down": ("Take a work center down", ("work_center", "starts_at", "ends_at")),
    "new_demand": ("Add a rush order", ("item", "quantity", "due_date", "priority")),
    "demand": ("Change a sales order line", ("sales_order_line", "quantity", "due_date")),
    "priority": ("Change a priority", ("sales_order_line", "priority")),
}
FIELDS = (  # name, label, input type
    ("work_center", "Work center", "text"),
    ("starts_at", "From", "datetime-local"),
    ("ends_at", "To", "datetime-local"),
    ("item", "Item", "text"),
    ("quantity", "Quantity", "text"),
    ("due_date", "Due", "date"),
    ("sales_order_line", "Sales order line (SO-1/2)", "text"),
    ("priority", "Priority (1 most urgent)", "number"),
)
PERCENT = {"on-time delivery", "%"}  # figures shown as percentages


class ScenarioForm(BaseModel):
    """The new-scenario form as posted: every field text, checked when the change is made."""

    site: str = Field("", max_length=64)
    csrf: str = Field("", max_length=200)
    code: str = Field("", max_length=200)
    name: str = Field("", max_length=400)
    kind: str = Field("", max_length=40)
    work_center: str = Field("", max_length=200)
    starts_at: str = Field("", max_length=64)
    ends_at: str = Field("", max_length=64)
    item: str = Field("", max_length=200)
    quantity: str = Field("", max_length=64)
    due_date: str = Field("", max_length=64)
    sales_order_line: str = Field("", max_length=200)
    priority: str = Field("", max_length=16)


def change_from_form(kind: str, values: dict[str, str], site: Site) -> dict[str, Any]:
    """The change a form describes: the fields its kind takes that were filled in; times in
    the site's wall clock. What is missing or wrong is the scenario validation's to name."""
    change: dict[str, Any] = {"kind": kind}
    for name in KINDS[kind][1] if kind in KINDS else ():
        value = values.get(name, "").strip()
        if not value:
            continue
        if name in ("starts_at", "ends_at"):
            value = _aware(value, site.time_zone)
        change[name] = value
    return change


def _aware(value: str, zone: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # left for validation to refuse, naming the field
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat()


def create(
    session: Session, caller: Caller, site: Site, code: str, name: str, change: dict[str, Any]
) -> m.Scenario:
    data = ScenarioIn.model_validate(
        {"site_id": site.id, "code": code, "name": name, "changes": [change]}
    )
    return whatif.create_scenario(session, caller, data)


def _describe(change: dict[str, Any], zone: ZoneInfo) -> str:
    def when(key: str) -> str:
        try:
            return f"{datetime.fromisoformat(change[key]).astimezone(zone):%Y-%m-%d %H:%M}"
        except (ValueError, OverflowError):  # at the ends of time, say year 9999: as stored
            return str(change[key])

    kind = change.get("kind")
    if kind in ("extra_shift", "down"):
        what = "extra shift on" if kind == "extra_shift" else "down:"
        return f"{what} {change['work_center']} from {when('starts_at')} to {when('ends_at')}"
    if kind == "new_demand":
        return (
            f"new demand: {_quantity(change['quantity'])} of {change['item']} due "
            f"{change['due_date']}"
            f" (priority {change.get('priority', 3)})"
        )
    if kind == "priority":
        return f"{change['sales_order_line']}: priority {change['priority']}"
    parts = [f"quantity {_quantity(change['quantity'])}"] if change.get("quantity") else []
    parts += [f"due {change['due_date']}"] if change.get("due_date") else []
    return f"{change.get('sales_order_line')}: {', '.join(parts)}"


def _quantity(value: Any) -> str:
    return shown(Decimal(str(value)))  # stored as a JSON number: 5.0 is shown 5


def _value(figure: str, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0%}" if figure in PERCENT else f"{value:g}"


def _comparison(found: dict[str, Any]) -> str:
    if found["scenario_run_id"] is None:
        return "<p>Not run yet.</p>"
    rows = "".join(
        f"<tr><td>{escape(f['figure'])}</td>"
        f'<td class="number">{_value(f["figure"], f["plan"])}</td>'
        f'<td class="number">{_value(f["figure"], f["scenario"])}</td>'
        f'<td class="number">{_value(f["figure"], f["difference"])}</td>'
        f"<td>{escape(f['better'] or '')}</td></tr>"
        for f in found["figures"]
    )
    use = found["utilisation"]
    plan, scenario = use.get("plan") or {}, use.get("scenario") or {}
    for center in sorted({*plan, *scenario}):
        a, b = plan.get(center), scenario.get(center)
        change = b - a if a is not None and b is not None else None
        rows += (
            f"<tr><td>utilisation of <code>{escape(center)}</code></td>"
            f'<td class="number">{_value("%", a)}</td><td class="number">{_value("%", b)}</td>'
            f'<td class="number">{_value("%", change)}</td><td></td></tr>'
        )
    head = (
        '<tr><th>Figure</th><th class="number">Plan</th><th class="number">Scenario</th>'
        '<th class="number">Difference</th><th>Better</th></tr>'
    )
    return f'<table class="wide"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def _hidden(csrf: str, site: Site) -> str:
    return (
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="site" value="{escape(site.code)}">'
    )


def _scenario(
    session: Session,
    caller: Caller,
    scenario: m.Scenario,
    last: m.PlanRun | None,
    zone: ZoneInfo,
    hidden: str,
) -> str:
    changes = "".join(f"<li>{escape(_describe(c, zone))}</li>" for c in scenario.changes)
    state = ""
    if last is not None:
        state = f" · run {last.id}: <strong>{escape(last.status.value)}</strong>"
        if last.status in run_outcome.ACTIVE:
            state += f" · {escape(last.phase)} · {last.progress:.0%}"
    actions = (
        f'<form method="post" action="/plan/run" class="inline">{hidden}'
        f'<input type="hidden" name="scenario" value="{scenario.id}">'
        f'<button type="submit">Run {escape(scenario.code)}</button></form> '
        f'<form method="post" action="/plan/scenarios/delete" class="inline">{hidden}'
        f'<input type="hidden" name="scenario" value="{scenario.id}">'
        f'<button type="submit">Delete {escape(scenario.code)}</button></form>'
    )
    return (
        f"<h3><code>{escape(scenario.code)}</code> {escape(scenario.name)}{state}</h3>"
        f"<ul>{changes}</ul>{actions}"
        f"{_comparison(whatif.compare(session, caller, scenario.id))}"
    )


def _new_form(hidden: str) -> str:
    kinds = "".join(
        f'<option value="{kind}">{label}</option>' for kind, (label, _) in KINDS.items()
    )
    step = ' step="60"'  # a datetime-local to the minute
    fields = "".join(
        f'<label>{label} <input type="{kind}" name="{name}"'
        f"{step if kind == 'datetime-local' else ''}></label> "
        for name, label, kind in FIELDS
    )
    return (
        '<h3>New scenario</h3><form method="post" action="/plan/scenarios" class="fields">'
        f'{hidden}<label>Code <input name="code" required maxlength="64"></label> '
        '<label>Name <input name="name" required maxlength="200"></label> '
        f'<label for="kind">Change</label> <select id="kind" name="kind">{kinds}</select> {fields}'
        "<p><small>A change takes only its own fields: a shift or a work center down its work "
        "center and times (the site's clock), a rush order its item, quantity, due day and "
        "priority, a sales order line its new quantity or due day, a priority its line and "
        "priority.</small></p>"
        '<button type="submit">Create the scenario</button></form>'
    )


def scenarios_box(
    session: Session, caller: Caller, site: Site, recent: list[m.PlanRun], csrf: str
) -> str:
    """The site's scenarios, each with its changes, its last run and the comparison with the
    plan, and a form for a new one."""
    hidden, zone = _hidden(csrf, site), ZoneInfo(site.time_zone)
    shown = []
    for scenario in whatif.list_scenarios(session, caller, site.id):
        last = next((r for r in recent if r.scenario_id == scenario.id), None)
        shown.append(_scenario(session, caller, scenario, last, zone, hidden))
    none = "" if shown else "<p>None yet.</p>"
    return (
        '<section class="box"><h2>What-if scenarios <small>the plan\'s data with changes, '
        f"run apart from the plan</small></h2>{none}{''.join(shown)}{_new_form(hidden)}"
        "</section>"
    )
