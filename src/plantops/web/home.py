"""The plant page (/plant): every site with its work centers by area, as plain HTML; and "/",
which sends each visitor to the page their role starts from.

Server-rendered with no script, font or stylesheet from elsewhere: plant networks are often cut
off from the internet. Every value is escaped."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.catalog import BY_NAME
from plantops.resources.service import ListQuery, list_records
from plantops.storage.engine import unit_of_work
from plantops.web import page_header
from plantops.web.shell import landing
from plantops.web.signin import signed_in

router = APIRouter()
MOST = 100_000  # rows read per list: far above any real plant, but bounded

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f5f7fa; }
header { background: #1f3a5f; color: #fff; padding: 14px 28px; display: flex; gap: 24px;
         align-items: baseline; flex-wrap: wrap; }
header h1 { margin: 0; font-size: 22px; }
header a { color: #cfe2ff; }
main { padding: 8px 28px 40px; max-width: 1100px; }
section.site { background: #fff; border: 1px solid #d8dee6; border-radius: 6px;
               padding: 6px 20px 14px; margin-top: 20px; }
h2 small, h3 small { color: #5b6b7d; font-weight: normal; }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; table-layout: fixed; }
th:nth-child(1) { width: 16%; } th:nth-child(2) { width: 44%; } th:nth-child(3) { width: 22%; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #e6eaf0; }
th { background: #eef2f7; font-weight: 600; }
td.number, th.number { text-align: right; }
code { background: #eef2f7; padding: 1px 5px; border-radius: 3px; }
form.account { margin-left: auto; display: flex; gap: 10px; align-items: baseline; }
form.account button { background: transparent; color: #cfe2ff; border: 1px solid #cfe2ff;
                      border-radius: 4px; padding: 2px 10px; cursor: pointer; }
"""


def _all(session: Session, caller: Caller, name: str, sort: str = "code") -> list[Any]:
    query = ListQuery(sort=sort, limit=MOST)
    return list_records(session, BY_NAME[name], caller, query).items


def _table(centers: list[Any]) -> str:
    rows = "".join(
        f"<tr><td><code>{escape(c.code)}</code></td><td>{escape(c.name)}</td>"
        f"<td>{escape(str(c.kind).replace('_', ' '))}</td>"
        f'<td class="number">{int(c.parallel_capacity)}</td></tr>'
        for c in centers
    )
    head = (
        '<tr><th>Code</th><th>Name</th><th>Kind</th><th class="number">Parallel capacity</th></tr>'
    )
    return f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>"


def _site(site: Any, region: Any, areas: list[Any], centers: list[Any]) -> str:
    by_area: dict[int, list[Any]] = defaultdict(list)
    for center in centers:
        by_area[center.area_id].append(center)
    parts = [
        f'<section class="site" id="site-{escape(site.code)}">',
        f"<h2>{escape(site.name)} <small>{escape(site.code)}</small></h2>",
        f"<p>Region <strong>{escape(region.name if region else '?')}</strong> "
        f"<small>({escape(region.code if region else '?')})</small> · time zone "
        f"<strong>{escape(site.time_zone)}</strong> · currency {escape(site.currency)} · "
        f"{len(centers)} work centers</p>",
    ]
    for area in areas:
        if by_area.get(area.id):
            parts.append(f"<h3>{escape(area.name)} <small>{escape(area.code)}</small></h3>")
            parts.append(_table(by_area[area.id]))
    parts.append("</section>")
    return "".join(parts)


def render(session: Session, caller: Caller, csrf: str, site: str | None = None) -> str:
    """The sites the caller may see (only `site` when it names one of them)."""
    regions = {r.id: r for r in _all(session, caller, "regions")}
    areas: dict[int, list[Any]] = defaultdict(list)
    for area in _all(session, caller, "areas", sort="id"):  # in the order the plant defined them
        areas[area.site_id].append(area)
    centers: dict[int, list[Any]] = defaultdict(list)
    for center in _all(session, caller, "work_centers"):
        centers[center.site_id].append(center)
    sites = _all(session, caller, "sites")
    if site and any(s.code == site for s in sites):
        sites = [s for s in sites if s.code == site]
    body = "".join(
        _site(s, regions.get(s.region_id), areas[s.id], centers[s.id]) for s in sites
    ) or (
        "<p>No site yet. Load the demo plant with <code>plantops demo</code>, or import a "
        "plant file with <code>plantops import</code>.</p>"
    )
    count = f"{len(sites)} site{'s' * (len(sites) != 1)}"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>PlantOps</title><style>{STYLE}{page_header.STYLE}</style></head><body>"
        f"{page_header.header(caller, csrf, '/plant', site if site != 'all' else None)}"
        f'<main><p>{count} · the API: <a href="/api/docs">API documentation</a> · '
        '<a href="/api/openapi.json">OpenAPI schema</a></p>'
        f"{body}</main></body></html>"
    )


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    """An operator starts at the terminal, everyone else at the cockpit."""
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(landing(found[0].role), status_code=303)


@router.get("/plant", response_class=HTMLResponse, include_in_schema=False)
def plant(request: Request, site: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    caller, web = found
    with unit_of_work(request.app.state.sessions) as session:
        return HTMLResponse(render(session, caller, web.csrf_token, site))
