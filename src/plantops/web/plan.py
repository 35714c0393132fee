"""The plan page of a site: run the plan, follow the run, and read what it says: figures,
late orders and why, exception messages, rough-cut capacity. Plain HTML, no script (a run in
progress refreshes the page itself); every value escaped."""

from __future__ import annotations

from collections.abc import Callable
from hmac import compare_digest
from html import escape
from typing import Annotated, Any, TypeVar
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import DomainError, NotFound, ValidationFailed
from plantops.execution.reschedule_moves import moves_of
from plantops.masterdata.models import Item
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning import queries, rough_cut, run_outcome, run_requests, whatif
from plantops.planning.schedule_result import why_late
from plantops.planning.schemas import PlanRunIn
from plantops.storage.engine import unit_of_work
from plantops.types import OrderStatus, PlanRunKind
from plantops.web import page_header, plan_orders, what_if
from plantops.web.home import STYLE
from plantops.web.signin import signed_in
from plantops.web.words import late_by

router = APIRouter()
T = TypeVar("T")
SHOWN = 50  # rows per table: the Orders page and the API have them all
PAGE_STYLE = """
section.box { background: #fff; border: 1px solid #d8dee6; border-radius: 6px;
              padding: 6px 20px 14px; margin-top: 20px; }
.figures { display: flex; gap: 28px; flex-wrap: wrap; }
.figures div { min-width: 120px; } .figures strong { font-size: 22px; display: block; }
td.over { background: #fde2e1; color: #a3161b; font-weight: 600; }
p.problem { color: #a3161b; }
table.wide { table-layout: auto; } table.wide th { width: auto; }
table.wide code { white-space: nowrap; }
form.inline { display: inline; }
form.fields label { display: inline-block; margin: 4px 14px 4px 0; }
"""


def _box(title: str, head: str, rows: str) -> str:
    table = f'<table class="wide"><thead>{head}</thead><tbody>{rows}</tbody></table>'
    return f'<section class="box"><h2>{title}</h2>{table}</section>'


def _hours(seconds: int | None) -> str:
    return f"{(seconds or 0) / 3600:.1f}"


def _sites(session: Session, caller: Caller) -> list[Site]:
    rows = session.scalars(select(Site).order_by(Site.code)).all()
    return [s for s in rows if caller.scope.allows(s.id)]


def _run_box(run: m.PlanRun | None, site: Site, csrf: str) -> str:
    form = (
        f'<form method="post" action="/plan/run"><input type="hidden" name="csrf" '
        f'value="{escape(csrf)}"><input type="hidden" name="site" value="{escape(site.code)}">'
        '<button type="submit">Run the plan</button></form>'
    )
    if run is None:
        return f'<section class="box"><h2>Plan</h2><p>Never run for this site.</p>{form}</section>'
    state = f"run {run.id}: <strong>{escape(run.status.value)}</strong>"
    if run.status in run_outcome.ACTIVE:
        state += f" · {escape(run.phase)} · {run.progress:.0%}"
    when = f"asked by {escape(run.requested_by)} at {run.requested_at:%Y-%m-%d %H:%M} UTC"
    problems = "".join(
        f'<p class="problem">{escape(p.get("field", ""))} {escape(p.get("message", ""))}</p>'
        for p in (run.problems or [])[:50]
    )
    title = "Reschedule" if run.kind is PlanRunKind.reschedule else "Plan"
    return (
        f'<section class="box"><h2>{title} <small>as of {run.today} for '
        f"{run.horizon_days} days</small></h2><p>{state} · {when}</p>{problems}{form}</section>"
    )


def _figures(run: m.PlanRun) -> str:
    s = run.summary or {}
    schedule = s.get("schedule") or {}
    shown = [
        ("production orders", s.get("production_orders", "-")),
        ("purchase suggestions", s.get("purchase_orders", "-")),
        # what the plan promises, not the KPI page's orders completed on time so far
        (
            "sales lines planned on time",
            f"{s['on_time_delivery']:.0%}" if "on_time_delivery" in s else "-",
        ),
        ("late orders", schedule.get("late_orders", "-")),
        ("hours late", schedule.get("lateness_hours", "-")),
        ("setup hours", schedule.get("setup_hours", "-")),
        ("schedule", schedule.get("status", "none")),
    ]
    cells = "".join(f"<div><strong>{escape(str(v))}</strong>{escape(k)}</div>" for k, v in shown)
    why = schedule.get("reason")
    unscheduled = f'<p class="problem">No schedule: {escape(why)}</p>' if why else ""
    released = s.get("pins_released") or []
    if released:  # the planners' pins the engine could not keep with the rest
        names = ", ".join(str(p) for p in released)
        unscheduled += f'<p class="problem">Pins could not all be kept: {escape(names)}</p>'
    return (
        f'<section class="box"><h2>Figures</h2><div class="figures">{cells}</div>'
        f"{unscheduled}</section>"
    )


def _moves(moves: list[dict[str, Any]], zone: str) -> str:
    """What the latest reschedule moved, and why (the disruption's direct effects first)."""
    local = ZoneInfo(zone)
    if not moves:
        return '<section class="box"><h2>What moved</h2><p>Nothing moved.</p></section>'

    def at(when: Any) -> str:
        return f"{when.astimezone(local):%a %d %b %H:%M}" if when is not None else "-"

    rows = "".join(
        f"<tr><td><code>{escape(mv['order'])}</code></td><td>{mv['sequence']}</td>"
        f"<td>{escape(mv['why'])}</td>"
        f"<td>{escape(mv['from_work_center'] or '-')} {at(mv['from_start'])}</td>"
        f"<td>{escape(mv['to_work_center'])} {at(mv['to_start'])}</td>"
        f"<td>{escape(mv['detail'])}</td></tr>"
        for mv in moves[:SHOWN]
    )
    head = "<tr><th>Order</th><th>Op</th><th>Why</th><th>Was</th><th>Now</th><th>Detail</th></tr>"
    return (
        f'<section class="box"><h2>What moved <small>{len(moves)} operations</small></h2>'
        f"<table>{head}{rows}</table></section>"
    )


def _late_orders(orders: list[m.ProductionOrder], items: dict[int, str], zone: str) -> str:
    late = sorted((o for o in orders if o.late_seconds), key=lambda o: -(o.late_seconds or 0))
    if not late:
        none = "<p>None: every order ends by its due day.</p>"
        return f'<section class="box"><h2>Late orders</h2>{none}</section>'
    local = ZoneInfo(zone)
    rows = "".join(
        f"<tr><td><code>{escape(o.code)}</code></td>"
        f"<td>{escape(items.get(o.item_id, '?'))}</td>"
        f"<td>{o.due_date}</td><td>{o.scheduled_end.astimezone(local):%a %d %b %H:%M}</td>"
        f'<td class="number">{late_by(o.late_seconds or 0)}</td>'
        f"<td>{escape(why_late(o.explanation))}</td>"
        "</tr>"
        for o in late[:SHOWN]
        if o.scheduled_end is not None
    )
    head = (
        "<tr><th>Order</th><th>Item</th><th>Due</th><th>Scheduled end</th>"
        '<th class="number">Late</th><th>Why</th></tr>'
    )
    worst = f", the latest {late_by(late[0].late_seconds or 0)}"
    more = (f'<p class="note">The {SHOWN} latest of {len(late)}: the <a href="/orders?late=1">'
            "Orders</a> page lists them all.</p>") if len(late) > SHOWN else ""  # fmt: skip
    box = _box(f"Late orders <small>{len(late)}{worst}</small>", head, rows)
    return box.replace("</section>", f"{more}</section>") if more else box


def _exceptions(found: list[m.PlanException], items: dict[int, str]) -> str:
    rows = "".join(
        f"<tr><td>{escape(e.kind.replace('_', ' '))}</td>"
        f"<td>{escape(items.get(e.item_id, '?'))}</td>"
        f"<td>{f'<code>{escape(e.order_code)}</code>' if e.order_code else ''}</td>"
        f"<td>{escape(e.text)}</td></tr>"
        for e in found[:SHOWN]
    )
    head = "<tr><th>Message</th><th>Item</th><th>Order</th><th>What</th></tr>"
    return _box(f"Exception messages <small>{len(found)}</small>", head, rows)


def _rough_cut(weeks: list[rough_cut.Week]) -> str:
    mondays = sorted({w.week for w in weeks})
    by_center: dict[str, dict[Any, rough_cut.Week]] = {}
    for w in weeks:
        by_center.setdefault(w.work_center, {})[w.week] = w
    head = (
        "<tr><th>Work center</th>"
        + "".join(f'<th class="number">{d:%d %b}</th>' for d in mondays)
        + "</tr>"
    )
    rows = []
    for center, cells in by_center.items():
        tds = "".join(
            f'<td class="number{" over" if c.overloaded else ""}">'
            f"{c.load_hours:.0f}/{c.available_hours:.0f}</td>"
            for c in (cells[d] for d in mondays)
        )
        rows.append(f"<tr><td><code>{escape(center)}</code></td>{tds}</tr>")
    title = "Rough-cut capacity <small>load / available hours per week; overloads marked</small>"
    return _box(title, head, "".join(rows))


def _notice(notice: str, error: bool) -> str:
    if not notice:
        return ""
    kind = ' class="problem" role="alert"' if error else ' role="status"'
    return f"<p{kind}>{escape(notice)}</p>"


def render(
    session: Session,
    caller: Caller,
    csrf: str,
    code: str | None,
    notice: str = "",
    error: bool = False,
) -> tuple[str, bool]:
    """The page, and whether a run is under way (the page then refreshes itself)."""
    sites = _sites(session, caller)
    site = next((s for s in sites if s.code == code), sites[0] if sites else None)
    nav = " · ".join(
        f'<a href="/plan?site={escape(quote(s.code))}">{escape(s.code)}</a>' for s in sites
    )
    body = _notice(notice, error)
    active = False
    if site is None:
        body += "<p>No site to plan. Load the demo plant with <code>plantops demo</code>.</p>"
    else:
        recent = run_requests.recent_runs(session, caller, site.id, 50)
        run = next((r for r in recent if r.scenario_id is None), None)
        active = any(r.status in run_outcome.ACTIVE for r in recent)
        body += _run_box(run, site, csrf)
        done = next((r for r in recent if r.scenario_id is None and r.summary), None)
        if done is not None:
            items = dict(
                session.execute(select(Item.id, Item.code).where(Item.site_id == site.id)).all()
            )
            made, _ = queries.list_orders(
                session, caller, m.ProductionOrder, site.id, None, None, 10**6, 0
            )
            bought, _ = queries.list_orders(
                session, caller, m.PurchaseOrder, site.id, None, None, 10**6, 0
            )
            body += _figures(done)
            if done.kind is PlanRunKind.reschedule:
                body += _moves(moves_of(session, caller, done.id), site.time_zone)
            body += _late_orders(made, items, site.time_zone)
            body += plan_orders.orders_box(made, bought, items, site.code, csrf)
            planned = next((r for r in recent if r.scenario_id is None and r.summary
                            and r.kind is PlanRunKind.plan), None)  # fmt: skip
            if planned is not None:  # exception messages come from MRP: a plan run's
                body += _exceptions(queries.run_exceptions(session, caller, planned.id), items)
            body += _rough_cut(rough_cut.rough_cut(session, caller, site.id, done.today, 8))
        body += what_if.scenarios_box(session, caller, site, recent, csrf)
    refresh = '<meta http-equiv="refresh" content="2">' if active else ""
    title = f"Plan runs · {escape(site.code)}" if site else "Plan runs"
    chosen = f"<p>Site: {nav}</p>"
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{refresh}'
        f"<title>{title} · PlantOps</title><style>{STYLE}{PAGE_STYLE}{page_header.STYLE}</style>"
        f"</head><body>{page_header.header(caller, csrf, '/plan', site.code if site else None)}"
        f"<main>{chosen}{body}</main></body></html>"
    )
    return page, active


@router.get("/plan", response_class=HTMLResponse, include_in_schema=False)
def plan_page(
    request: Request,
    site: Annotated[str | None, Query(max_length=64)] = None,
    moved: Annotated[int | None, Query(ge=0, le=10**6)] = None,
    to: Annotated[OrderStatus | None, Query()] = None,
) -> Response:
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    caller, web = found
    if away := page_header.refused(caller, "/plan"):
        return away
    notice = f"{moved} order{'s' * (moved != 1)} now {to.value}." if moved and to else ""
    with unit_of_work(request.app.state.sessions) as session:
        page, _ = render(session, caller, web.csrf_token, site, notice)
    return HTMLResponse(page)


def _refused(
    request: Request, caller: Caller, csrf: str, site: str, error: DomainError
) -> Response:
    """The page again, saying why nothing was done (every field at fault named)."""
    fields = getattr(error, "errors", [])
    said = "; ".join(
        f"{'.'.join(str(p) for p in e.location if p not in ('changes', 0))}: {e.message}"
        for e in fields
    )
    with unit_of_work(request.app.state.sessions) as session:
        page, _ = render(session, caller, csrf, site, said or error.detail, error=True)
    return HTMLResponse(page, status_code=error.status)


def _site(session: Session, caller: Caller, code: str) -> Site:
    chosen = next((s for s in _sites(session, caller) if s.code == code), None)
    if chosen is None:
        raise NotFound(f"no site {code}")
    return chosen


def _back(site: str, **query: Any) -> Response:
    extra = "".join(f"&{k}={quote(str(v))}" for k, v in query.items())
    return RedirectResponse(f"/plan?site={quote(site)}{extra}", status_code=303)


def _act(
    request: Request, site: str, csrf: str, action: Callable[[Session, Caller], T]
) -> T | Response:
    """A form post's action in one unit of work, for the signed-in caller: its result, or
    the answer to give instead (sign in first; the form is not this session's; the page
    again saying why nothing was done)."""
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    caller, web = found
    if not compare_digest(csrf.encode(), web.csrf_token.encode()):
        return HTMLResponse("<p>The form expired: go back and try again.</p>", status_code=403)
    try:
        with unit_of_work(request.app.state.sessions) as session:
            return action(session, caller)
    except ValidationError as error:
        failed = ValidationFailed.from_pydantic("form", error)
        return _refused(request, caller, web.csrf_token, site, failed)
    except DomainError as error:
        return _refused(request, caller, web.csrf_token, site, error)


@router.post("/plan/run", include_in_schema=False)
def run_plan(
    request: Request,
    site: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    scenario: Annotated[int | None, Form(ge=1, le=2**62)] = None,
) -> Response:
    def ask(session: Session, caller: Caller) -> int:
        asked = PlanRunIn(site_id=_site(session, caller, site).id, scenario_id=scenario)
        return run_requests.request_run(session, caller, asked).id

    run_id = _act(request, site, csrf, ask)
    if isinstance(run_id, Response):
        return run_id
    request.app.state.jobs.launch(request.app.state.engine, run_id)
    return _back(site)


@router.post("/plan/orders", include_in_schema=False)
def move_orders(
    request: Request,
    site: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[OrderStatus, Form()] = OrderStatus.approved,
    order: Annotated[list[str] | None, Form()] = None,
) -> Response:
    moved = _act(
        request, site, csrf,
        lambda session, caller: plan_orders.move_orders(session, caller, order or [], status),
    )  # fmt: skip
    if isinstance(moved, Response):
        return moved
    return _back(site, moved=moved, to=status.value)


@router.post("/plan/scenarios", include_in_schema=False)
def create_scenario(request: Request, form: Annotated[what_if.ScenarioForm, Form()]) -> Response:
    def make(session: Session, caller: Caller) -> m.Scenario:
        chosen = _site(session, caller, form.site)
        change = what_if.change_from_form(form.kind, form.model_dump(), chosen)
        return what_if.create(session, caller, chosen, form.code, form.name, change)

    made = _act(request, form.site, form.csrf, make)
    return made if isinstance(made, Response) else _back(form.site)


@router.post("/plan/scenarios/delete", include_in_schema=False)
def delete_scenario(
    request: Request,
    site: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    scenario: Annotated[int, Form(ge=1, le=2**62)] = 1,
) -> Response:
    gone = _act(
        request, site, csrf,
        lambda session, caller: whatif.delete_scenario(session, caller, scenario),
    )  # fmt: skip
    return gone if isinstance(gone, Response) else _back(site)
