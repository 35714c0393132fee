"""The reports managers live by, as pages and downloads: the daily production report of a
site, the shift handover, the weekly KPI pack of a region and the monthly pack of every site
the caller sees (issue 8). A form asks for one; the report is built by kpi.reports.build and
shown by web.report_page, or downloaded as PDF or XLSX (kpi.render_pdf, kpi.render_xlsx).

Sites and regions are asked for by code and looked up within the caller's scope: one not
granted is answered exactly as one that does not exist. Bad input answers the form again
saying which field is wrong, never a server error."""
# No "from __future__ import annotations": FastAPI reads the routes' parameter types.

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.models import WebSession
from plantops.errors import DomainError, NotFound, ValidationFailed
from plantops.kpi.render_pdf import pdf
from plantops.kpi.render_xlsx import xlsx
from plantops.kpi.report_model import Report
from plantops.kpi.reports import KINDS, Ask, build
from plantops.org.models import Region, Site
from plantops.storage.engine import unit_of_work
from plantops.web import page_header, report_page
from plantops.web.signin import signed_in

router = APIRouter(include_in_schema=False)
KIND_NAMES = {
    "daily": "Daily production report (a site's day)",
    "shift": "Shift handover (a site's shift)",
    "weekly": "Weekly KPI pack (a region's week)",
    "monthly": "Monthly KPI pack (every site you see)",
}
MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EARLIEST, LATEST = date(1970, 1, 1), date(9998, 12, 31)  # the packs reach a month on
LONGEST = 64  # characters of a code or a shift name
Day = Annotated[str, Query(alias="date")]  # "date" names the type too
FIELDS = {"day": "date", "first": "date", "last": "date", "site_id": "site",
          "region_id": "region"}  # fmt: skip


@dataclass(frozen=True)
class Asked:
    """The form's fields as typed: codes and a date, not yet checked."""

    kind: str = "daily"
    site: str = ""
    region: str = ""
    day: str = ""  # the form's "date"
    shift: str = ""

    def query(self, **more: str) -> str:
        fields = {("date" if k == "day" else k): v for k, v in vars(self).items() if v}
        return escape(urlencode(fields | more))


def _sites(session: Session, caller: Caller) -> list[Site]:
    statement = select(Site).where(*caller.scope.conditions(Site.id)).order_by(Site.code)
    return list(session.scalars(statement))


def _regions(session: Session, caller: Caller) -> list[Region]:
    rows = session.scalars(select(Region).order_by(Region.code))
    return [r for r in rows if caller.scope.sees_region(r.id)]


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise ValidationFailed.field("date", f"{shown!r} is not a date (YYYY-MM-DD)") from None
    if not EARLIEST <= day <= LATEST:
        raise ValidationFailed.field("date", f"is not between {EARLIEST} and {LATEST}")
    return day


def _code(text: str, field: str) -> str:
    text = text.strip()
    if len(text) > LONGEST:
        raise ValidationFailed.field(field, f"is longer than {LONGEST} characters")
    return text


def resolve(session: Session, caller: Caller, asked: Asked) -> Ask:
    """The report asked for, codes turned into ids within the caller's scope. A field the
    kind does not use is not read (a daily report ignores the region)."""
    kind = asked.kind.strip() or "daily"
    if kind not in KINDS:
        raise ValidationFailed.field("kind", f"is not one of {', '.join(KINDS)}")
    day = _day(asked.day)
    site_id = region_id = None
    site = _code(asked.site, "site") if kind in ("daily", "shift") else ""
    region = _code(asked.region, "region") if kind == "weekly" else ""
    if site:
        found = next((s for s in _sites(session, caller) if s.code == site), None)
        if found is None:
            raise NotFound(f"site: there is no site {site!r} among the sites you may see")
        site_id = found.id
    if region:
        seen = next((r for r in _regions(session, caller) if r.code == region), None)
        if seen is None:
            raise NotFound(f"region: there is no region {region!r} among those you may see")
        region_id = seen.id
    shift = _code(asked.shift, "shift") if kind == "shift" else ""
    return Ask(kind, site_id, region_id, day, shift or None)


def _options(values: list[tuple[str, str]], chosen: str) -> str:
    return "".join(
        f'<option value="{escape(v)}"{" selected" * (v == chosen)}>{escape(label)}</option>'
        for v, label in values
    )


def _field(name: str, label: str, hint: str, control: str) -> str:
    """A labelled control; the label's text alone names it (not the options inside)."""
    return (
        f'<span class="field"><label for="report-{name}">{label} <small>{hint}</small></label> '
        f"{control}</span>"
    )


def form(session: Session, caller: Caller, asked: Asked) -> str:
    """The form that asks for a report, filled with `asked`."""
    sites = [(s.code, f"{s.code} · {s.name}") for s in _sites(session, caller)]
    regions = [(r.code, f"{r.code} · {r.name}") for r in _regions(session, caller)]
    day = asked.day or f"{datetime.now(UTC).date() - timedelta(days=1)}"
    kinds = _options(list(KIND_NAMES.items()), asked.kind)
    fields = (
        _field("kind", "Report", "", f'<select id="report-kind" name="kind">{kinds}</select>'),
        _field("site", "Site", "(daily, shift)",
               f'<select id="report-site" name="site">{_options(sites, asked.site)}</select>'),
        _field("region", "Region", "(weekly)", '<select id="report-region" name="region">'
               f"{_options(regions, asked.region)}</select>"),
        _field("date", "Date", "(any day of the week or month for a pack)",
               f'<input type="date" id="report-date" name="date" value="{escape(day)}">'),
        _field("shift", "Shift", "(handover; empty: the last one begun)",
               f'<input type="text" id="report-shift" name="shift" maxlength="{LONGEST}" '
               f'value="{escape(asked.shift)}" placeholder="Early">'),
    )  # fmt: skip
    return (
        '<section class="box"><h2>Open a report</h2>'
        f'<form method="get" action="/reports/view" class="fields">{"".join(fields)} '
        '<button type="submit">Open the report</button></form>'
        '<p class="note">Each report can be downloaded as PDF and XLSX from its page.</p>'
        "</section>"
    )


def _said(error: DomainError) -> str:
    """The error in words, each field named as the form names it."""
    found = getattr(error, "errors", None) or []
    if not found:
        return error.detail
    return "; ".join(
        f"{FIELDS.get(str(e.location[0]), str(e.location[0])) if e.location else 'report'}: "
        f"{e.message}"
        for e in found
    )


def _refused(
    request: Request, caller: Caller, asked: Asked, error: DomainError, head: str
) -> Response:
    """The form again, saying why there is no report."""
    with unit_of_work(request.app.state.sessions) as session:
        asking = form(session, caller, asked)
    notice = f'<p class="problem" role="alert">{escape(_said(error))}</p>'
    body = f'<h2 class="title">Reports</h2>{notice}{asking}'
    return HTMLResponse(report_page.shell("Reports", body, head), status_code=error.status)


def _made(
    request: Request, caller: Caller, asked: Asked, head: str
) -> tuple[Report, Ask] | Response:
    """The report asked for, or the form again saying what is wrong."""
    try:
        with unit_of_work(request.app.state.sessions) as session:
            ask = resolve(session, caller, asked)
            return build(session, caller, ask, datetime.now(UTC)), ask
    except DomainError as error:
        return _refused(request, caller, asked, error, head)


def _downloads(report: Report, ask: Ask) -> str:
    day = f"{report.first_day}"
    again = Asked(report.kind, day=day)
    if report.kind in ("daily", "shift"):
        again = Asked(report.kind, site=report.scope, day=day, shift=report.shift)
    elif report.kind == "weekly":
        again = Asked(report.kind, region=report.scope, day=day)
    api = {"site_id": ask.site_id, "region_id": ask.region_id, "day": report.first_day,
           "shift": report.shift or None}  # fmt: skip
    json = urlencode({k: v for k, v in api.items() if v is not None})
    return (
        f'Download: <a href="/reports/file?{again.query(format="pdf")}">PDF</a> · '
        f'<a href="/reports/file?{again.query(format="xlsx")}">XLSX</a> · '
        f'<a href="/api/v1/reports/{escape(report.kind)}?{escape(json)}">JSON (API)</a> · '
        f'<a href="/reports?{again.query()}">another report</a>'
    )


def _head(found: tuple[Caller, WebSession], site: str) -> str:
    return page_header.header(found[0], found[1].csrf_token, "/reports", site or None)


@router.get("/reports", response_class=HTMLResponse)
def reports_form(
    request: Request, kind: str = "daily", site: str = "", region: str = "", day: Day = "",
    shift: str = "",
) -> Response:  # fmt: skip
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    if away := page_header.refused(found[0], "/reports"):
        return away
    asked = Asked(kind, site, region, day, shift)
    with unit_of_work(request.app.state.sessions) as session:
        asking = form(session, caller=found[0], asked=asked)
    body = f'<h2 class="title">Reports</h2>{asking}'
    return HTMLResponse(report_page.shell("Reports", body, _head(found, site)))


@router.get("/reports/view", response_class=HTMLResponse)
def report_view(
    request: Request, kind: str = "daily", site: str = "", region: str = "", day: Day = "",
    shift: str = "",
) -> Response:  # fmt: skip
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    if away := page_header.refused(found[0], "/reports"):
        return away
    head = _head(found, site)
    made = _made(request, found[0], Asked(kind, site, region, day, shift), head)
    if isinstance(made, Response):
        return made
    report, ask = made
    return HTMLResponse(report_page.render(report, _downloads(report, ask), head))


@router.get("/reports/file")
def report_file(
    request: Request, kind: str = "daily", site: str = "", region: str = "", day: Day = "",
    shift: str = "", file_format: Annotated[str, Query(alias="format")] = "pdf",
) -> Response:  # fmt: skip
    found = signed_in(request)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    if away := page_header.refused(found[0], "/reports"):
        return away
    asked, head = Asked(kind, site, region, day, shift), _head(found, site)
    if file_format not in MEDIA:
        wrong = ValidationFailed.field("format", f"is not one of {', '.join(MEDIA)}")
        return _refused(request, found[0], asked, wrong, head)
    made = _made(request, found[0], asked, head)
    if isinstance(made, Response):
        return made
    report = made[0]
    body = pdf(report) if file_format == "pdf" else xlsx(report)
    scope = re.sub(r"[^A-Za-z0-9._-]", "-", report.scope)  # a code may hold a "/"
    name = f"{report.kind}-{scope}-{report.first_day:%Y-%m-%d}.{file_format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=MEDIA[file_format], headers=headers)
