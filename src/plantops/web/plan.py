"""The plan page of a site: run the plan, follow the run, and read what it says: figures,
late orders and why, exception messages, rough-cut capacity. Plain HTML, no script (a run in
progress refreshes the page itself); every value escaped."""

from __future__ import annotations

from hmac import compare_digest
from html import escape
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import DomainError
from plantops.masterdata.models import Item
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning import queries, rough_cut, runs
from plantops.planning.schemas import PlanRunIn
from plantops.storage.engine import unit_of_work
from plantops.web.home import STYLE
from plantops.web.signin import signed_in

router = APIRouter()
SHOWN = 200  # rows per table: the API has them all
PAGE_STYLE = """
section.box { background: #fff; border: 1px solid #d8dee6; border-radius: 6px;
              padding: 6px 20px 14px; margin-top: 20px; }
.figures { display: flex; gap: 28px; flex-wrap: wrap; }
.figures div { min-width: 120px; } .figures strong { font-size: 22px; display: block; }
td.over { background: #fde2e1; color: #a3161b; font-weight: 600; }
p.problem { color: #a3161b; }
table.wide { table-layout: auto; } table.wide th { width: auto; }
table.wide code { white-space: nowrap; }
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
    if run.status in runs.ACTIVE:
        state += f" · {escape(run.phase)} · {run.progress:.0%}"
    when = f"asked by {escape(run.requested_by)} at {run.requested_at:%Y-%m-%d %H:%M} UTC"
    problems = "".join(
        f'<p class="problem">{escape(p.get("field", ""))} {escape(p.get("message", ""))}</p>'
        for p in (run.problems or [])[:50]
    )
    return (
        f'<section class="box"><h2>Plan <small>as of {run.today} for '
        f"{run.horizon_days} days</small></h2><p>{state} · {when}</p>{problems}{form}</section>"
    )


def _figures(run: m.PlanRun) -> str:
    s = run.summary or {}
    schedule = s.get("schedule") or {}
    shown = [
        ("production orders", s.get("production_orders", "-")),
        ("purchase suggestions", s.get("purchase_orders", "-")),
        ("on-time delivery", f"{s['on_time_delivery']:.0%}" if "on_time_delivery" in s else "-"),
        ("late orders", schedule.get("late_orders", "-")),
        ("hours late", schedule.get("lateness_hours", "-")),
        ("setup hours", schedule.get("setup_hours", "-")),
        ("schedule", schedule.get("status", "none")),
    ]
    cells = "".join(f"<div><strong>{escape(str(v))}</strong>{escape(k)}</div>" for k, v in shown)
    return f'<section class="box"><h2>Figures</h2><div class="figures">{cells}</div></section>'


def _why(explanation: dict[str, Any] | None) -> str:
    if not explanation:
        return ""
    causes = [escape(c.get("detail", "")) for c in explanation.get("chain", [])[:3]]
    necks = ", ".join(escape(b) for b in explanation.get("bottlenecks", []))
    return "; ".join(causes) + (f" (bottlenecks: {necks})" if necks else "")


def _late_orders(orders: list[m.ProductionOrder], items: dict[int, str]) -> str:
    late = sorted((o for o in orders if o.late_seconds), key=lambda o: -(o.late_seconds or 0))
    if not late:
        none = "<p>None: every order ends by its due day.</p>"
        return f'<section class="box"><h2>Late orders</h2>{none}</section>'
    rows = "".join(
        f"<tr><td><code>{escape(o.code)}</code></td>"
        f"<td>{escape(items.get(o.item_id, '?'))}</td>"
        f"<td>{o.due_date}</td><td>{o.scheduled_end:%Y-%m-%d %H:%M}</td>"
        f'<td class="number">{_hours(o.late_seconds)}</td><td>{_why(o.explanation)}</td></tr>'
        for o in late[:SHOWN]
        if o.scheduled_end is not None
    )
    head = (
        "<tr><th>Order</th><th>Item</th><th>Due</th><th>Scheduled end (UTC)</th>"
        '<th class="number">Hours late</th><th>Why</th></tr>'
    )
    return _box(f"Late orders <small>{len(late)}</small>", head, rows)


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


def render(session: Session, caller: Caller, csrf: str, code: str | None) -> tuple[str, bool]:
    """The page, and whether a run is under way (the page then refreshes itself)."""
    sites = _sites(session, caller)
    site = next((s for s in sites if s.code == code), sites[0] if sites else None)
    nav = " · ".join(
        f'<a href="/plan?site={escape(quote(s.code))}">{escape(s.code)}</a>' for s in sites
    )
    body = ""
    active = False
    if site is None:
        body = "<p>No site to plan. Load the demo plant with <code>plantops demo</code>.</p>"
    else:
        recent = runs.recent_runs(session, caller, site.id, 20)
        run = next((r for r in recent if r.scenario_id is None), None)
        active = run is not None and run.status in runs.ACTIVE
        body = _run_box(run, site, csrf)
        done = next((r for r in recent if r.scenario_id is None and r.summary), None)
        if done is not None:
            items = dict(
                session.execute(select(Item.id, Item.code).where(Item.site_id == site.id)).all()
            )
            orders, _ = queries.list_orders(
                session, caller, m.ProductionOrder, site.id, None, None, 10**6, 0
            )
            body += _figures(done) + _late_orders(orders, items)
            body += _exceptions(queries.run_exceptions(session, caller, done.id), items)
            body += _rough_cut(rough_cut.rough_cut(session, caller, site.id, done.today, 8))
    refresh = '<meta http-equiv="refresh" content="2">' if active else ""
    title = f"Plan · {escape(site.code)}" if site else "Plan"
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{refresh}'
        f"<title>{title} · PlantOps</title><style>{STYLE}{PAGE_STYLE}</style></head><body>"
        f'<header><h1>PlantOps</h1><nav><a href="/">Sites</a> · Plan: {nav}</nav></header>'
        f"<main>{body}</main></body></html>"
    )
    return page, active


@router.get("/plan", response_class=HTMLResponse, include_in_schema=False)
def plan_page(
    request: Request, site: Annotated[str | None, Query(max_length=64)] = None
) -> Response:
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    caller, web = found
    with unit_of_work(request.app.state.sessions) as session:
        page, _ = render(session, caller, web.csrf_token, site)
    return HTMLResponse(page)


@router.post("/plan/run", include_in_schema=False)
def run_plan(
    request: Request,
    site: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    caller, web = found
    if not compare_digest(csrf.encode(), web.csrf_token.encode()):
        return HTMLResponse("<p>The form expired: go back and try again.</p>", status_code=403)
    try:
        with unit_of_work(request.app.state.sessions) as session:
            chosen = next((s for s in _sites(session, caller) if s.code == site), None)
            if chosen is None:
                return HTMLResponse("<p>No such site.</p>", status_code=404)
            run_id = runs.request_run(session, caller, PlanRunIn(site_id=chosen.id)).id
    except DomainError as error:
        return HTMLResponse(f"<p>{escape(error.detail)}</p>", status_code=error.status)
    request.app.state.jobs.launch(request.app.state.engine, run_id)
    return RedirectResponse(f"/plan?site={quote(site)}", status_code=303)
