"""The report pages over real HTTP on both databases, and once in a real browser: the daily
production report of a site says what kpi.reports.build says, draws its loss tree and
Paretos, downloads as PDF and XLSX; sites not granted stay hidden; bad input is named."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from plantops.access.models import User
from plantops.access.users import caller_of
from plantops.demo.history import create_history
from plantops.demo.loader import load_demo
from plantops.kpi.render_pdf import DASH, number
from plantops.kpi.report_model import (
    Incident,
    KpiValue,
    Line,
    LossLine,
    ParetoLine,
    Report,
    StaffingLine,
)
from plantops.kpi.reports import Ask, build
from plantops.org.models import Region, Site
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.web import report_page
from tests.accounts import PASSWORD
from tests.web.conftest import ARTIFACTS, signed_in

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)  # the history's end
DAY = date(2026, 12, 2)  # a whole day of history at every site
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plant(engine: Engine) -> dict[str, int]:
    """The demo plant with two days of history: site and region ids by code."""
    load_demo(engine)
    create_history(engine, days=2, seed=3, now=NOW)
    with unit_of_work(make_session_factory(engine)) as session:
        sites = {s.code: s.id for s in session.scalars(select(Site))}
        return sites | {r.code: r.id for r in session.scalars(select(Region))}


def _built(engine: Engine, username: str, ask: Ask) -> Report:
    """The report as kpi.reports.build makes it for the user, straight from the database."""
    with unit_of_work(make_session_factory(engine)) as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return build(session, caller_of(session, user), ask, datetime.now(UTC))


def _section(page: str, ident: str) -> str:
    found = re.search(rf'<section class="box" id="{ident}">(.*?)</section>', page, re.S)
    assert found is not None, f"no section {ident}"
    return found[1]


def _download(client: httpx.Client, page: str, kind: str) -> httpx.Response:
    link = re.search(rf'href="(/reports/file\?[^"]*format={kind})"', page)
    assert link is not None, f"no {kind} link"
    return client.get(unescape(link[1]))


def test_the_daily_report_page_says_what_the_report_says(base_url: str, engine: Engine) -> None:
    ids = _plant(engine)
    asked = {"kind": "daily", "site": "DE-STR", "date": f"{DAY}"}
    granted = {"role": "production_manager", "site_ids": (ids["DE-STR"],)}
    with signed_in(base_url, engine, "manager", **granted) as client:
        answer = client.get("/reports/view", params=asked)
        assert answer.status_code == 200, answer.text
        page = answer.text
        report = _built(engine, "manager", Ask("daily", ids["DE-STR"], None, DAY))
        title = "Daily production report, DE-STR Stuttgart plant, Wednesday 02 December 2026"
        assert report.title == title
        assert f'<h2 class="title">{report.title}</h2>' in page  # no character to escape
        oee = next(k for k in report.kpis if k.key == "oee")
        assert oee.value is not None and 0 < oee.value < 1
        tile = re.search(r'<div class="([^"]+)" id="kpi-oee">.*?<strong>([^<]+)</strong>', page)
        assert tile is not None and tile[2] == number(oee.value, "%")
        assert ("met" if oee.meets_target else "missed") in tile[1].split()
        losses = _section(page, "losses")
        assert losses.count('<svg class="chart"') == 1
        assert len(re.findall(r'<rect class="bar loss (availability|effectiveness|quality)"',
                              losses)) == 6  # fmt: skip
        assert 'class="bar busy"' in losses and 'class="bar productive"' in losses
        centers = re.findall(r"<code>([^<]+)</code>", _section(page, "work-centers"))
        assert centers == [c.label for c in report.work_centers] and len(centers) > 5
        assert "<svg" in _section(page, "downtime") and 'class="cumulative"' in page
        assert not re.search(r"<script|<link|src=|https?://", page)  # works offline
        made = _download(client, page, "pdf")
        assert made.status_code == 200 and made.headers["content-type"] == "application/pdf"
        assert made.content.startswith(b"%PDF-")
        assert 'filename="daily-DE-STR-2026-12-02.pdf"' in made.headers["content-disposition"]
        book = _download(client, page, "xlsx")
        assert book.status_code == 200 and book.headers["content-type"] == XLSX
        assert book.content.startswith(b"PK\x03\x04")  # a zip, as every workbook
        assert 'filename="daily-DE-STR-2026-12-02.xlsx"' in book.headers["content-disposition"]
        _refusals(client, asked)


def _refusals(client: httpx.Client, asked: dict[str, str]) -> None:
    """A site not granted is answered as one that does not exist, without a word of it."""
    for code in ("US-MKE", "NO-SUCH"):
        hidden = client.get("/reports/view", params=asked | {"site": code})
        assert hidden.status_code == 404 and 'role="alert"' in hidden.text
        assert f"site: there is no site &#x27;{code}&#x27;" in hidden.text
        assert "Milwaukee" not in hidden.text
        assert client.get("/reports/file", params=asked | {"site": code}).status_code == 404
    bad = client.get("/reports/view", params=asked | {"date": "2026-13-45"})
    assert bad.status_code == 422 and "date: &#x27;2026-13-45&#x27; is not a date" in bad.text
    far = client.get("/reports/view", params=asked | {"date": "9999-12-31"})
    assert far.status_code == 422 and "date: is not between" in far.text
    kind = client.get("/reports/view", params=asked | {"kind": "yearly"})
    assert kind.status_code == 422 and "kind: is not one of" in kind.text
    wrong = client.get("/reports/file", params=asked | {"format": "docx"})
    assert wrong.status_code == 422 and "format: is not one of pdf, xlsx" in wrong.text
    with httpx.Client(base_url=str(client.base_url)) as stranger:  # not signed in
        assert stranger.get("/reports/view", params=asked).headers["location"] == "/login"


def test_the_weekly_pack_of_a_region_and_a_shift_handover(base_url: str, engine: Engine) -> None:
    ids = _plant(engine)
    granted = {"role": "regional_manager", "region_ids": (ids["AMER-APAC"],)}
    with signed_in(base_url, engine, "regional", **granted) as client:
        asked = {"kind": "weekly", "region": "AMER-APAC", "date": f"{DAY}", "site": "ignored"}
        answer = client.get("/reports/view", params=asked)
        assert answer.status_code == 200, answer.text
        sites = re.findall(r"<code>([^<]+)</code>", _section(answer.text, "lines"))
        assert sites == ["CN-SUZ", "US-MKE"]
        assert "Weekly KPI pack, AMER-APAC" in answer.text and "week 2026-W49" in answer.text
        assert 'class="trend"' in _section(answer.text, "trend")
        emea = client.get("/reports/view", params=asked | {"region": "EMEA"})
        assert emea.status_code == 404 and "region: there is no region" in emea.text
        handover = {"kind": "shift", "site": "US-MKE", "date": f"{DAY}", "shift": "Early"}
        shift = client.get("/reports/view", params=handover)
        assert shift.status_code == 200, shift.text
        assert "Shift handover, US-MKE Milwaukee plant, Early shift of" in shift.text
        assert 'id="lines"' in shift.text and "Area" in shift.text  # by area, then by center
        assert 'id="staffing"' in shift.text and 'id="incidents"' in shift.text
        odd = client.get("/reports/view", params=handover | {"shift": "Fourth"})
        assert odd.status_code == 422 and "shift: &#x27;Fourth&#x27; is not a shift" in odd.text


def test_the_page_escapes_names_and_draws_odd_figures() -> None:
    """Names come from users; a loss can be negative (faster than planned); figures unknown."""
    evil = "<script>alert(1)</script>"
    center = Line(evil, "A & B", 10, 1, 0, None, None, None, None, None, 0.5)
    report = Report(
        kind="daily", title=f"Daily {evil}", scope="X<1", first_day=DAY, last_day=DAY,
        time_zone="Europe/Berlin", generated_at=NOW,
        kpis=(KpiValue("oee", "OEE index", None, "%", 0.65),
              KpiValue("mttr", "MTTR", 50.0, "min", 45.0, "lower")),
        planned_busy_hours=8.0, productive_hours=7.0,
        losses=(LossLine("breakdown", "Breakdowns", "availability", 1.5),
                LossLine("speed_loss", "Reduced speed", "effectiveness", -0.5)),
        lines=(center,), lines_title="Shifts", work_centers=(center,),
        downtime_pareto=(ParetoLine(evil, evil, 1.5, 2, 1.0, 1.0),), scrap_pareto=(),
        incidents=(Incident("2026-12-02 09:14", evil, evil, 90.0, True),),
        open_problems=(evil,), staffing=(StaffingLine("Early", 4, 3),),
    )  # fmt: skip
    page = report_page.render(report, "", "")
    assert "<script>" not in page and page.count("&lt;script&gt;") >= 6
    assert "A &amp; B" in page and "X&lt;1" in page
    assert "target 45.0 min · missed ✗" in page  # lower is better
    assert 'id="kpi-oee"><span class="name">OEE index</span><strong>' + DASH in page
    assert page.count('class="bar loss ') == 2 and "-0.5 h" in page
    assert "No scrap recorded." in page and 'id="trend"' not in page


@pytest.mark.browser
def test_opening_the_daily_report_in_chromium(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    _plant(sqlite_engine)
    with signed_in(sqlite_base_url, sqlite_engine):  # creates the admin
        pass
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{sqlite_base_url}/reports")
        assert page.url.endswith("/login")  # not signed in yet
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{sqlite_base_url}/cockpit")
        page.goto(f"{sqlite_base_url}/reports")
        page.get_by_label("Report").select_option("daily")
        page.get_by_label("Site").select_option("DE-STR")
        page.get_by_label("Date").fill(f"{DAY}")
        page.get_by_role("button", name="Open the report").click()
        title = "Daily production report, DE-STR Stuttgart plant, Wednesday 02 December 2026"
        page.get_by_role("heading", name=title).wait_for()
        assert page.locator(".tile").count() >= 4
        assert re.fullmatch(r"\d+\.\d%", page.locator("#kpi-oee strong").inner_text())
        assert page.get_by_role("img", name=re.compile("^Loss tree")).count() == 1
        with page.expect_download() as download:
            page.get_by_role("link", name="PDF").click()
        assert download.value.suggested_filename == "daily-DE-STR-2026-12-02.pdf"
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    finally:
        page.close()
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
