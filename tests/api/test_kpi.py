"""KPIs, targets and reports over real HTTP, on both databases, on two days of the demo's
simulated history: what a dashboard and a manager's downloads rely on, the caller's sites
only, and bad asks answered 422 naming the field."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import httpx
import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from plantops.demo.history import create_history
from plantops.demo.loader import load_demo
from plantops.org.models import Site
from tests.accounts import add_user
from tests.history import days_back

# the history ends "now": its rows are fresh (refreshed when made) for a minute of a test
NOW = datetime.now(UTC)
DAY = (NOW.date()).isoformat()


@pytest.fixture
def plant(engine: Engine, api: httpx.Client) -> dict[str, int]:
    load_demo(engine)
    create_history(engine, days=days_back(NOW), seed=3, now=NOW)
    with Session(engine) as session:
        return {code: ident for code, ident in session.execute(select(Site.code, Site.id))}


def problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return dict(answer.json())


def test_dashboard_groups_pareto_and_reports(api: httpx.Client, plant: dict[str, int]) -> None:
    site = plant["DE-STR"]
    board = api.get("/kpis/dashboard", params={"site_id": site}).json()
    kpis = {k["key"]: k for k in board["kpis"]}
    assert 0 < kpis["oee"]["value"] < 1 and kpis["oee"]["target"] == 0.65
    assert board["site_ids"] == [site] and board["refreshed_at"] is not None
    tree = board["losses"]
    assert sum(x["seconds"] for x in tree["losses"]) == pytest.approx(
        tree["planned_busy"] - tree["productive"])  # fmt: skip
    oees = [c["kpis"]["oee"] for c in board["work_centers"] if c["kpis"]["oee"] is not None]
    assert oees == sorted(oees)  # worst first
    sites = api.get("/kpis", params={"group_by": "site"}).json()
    assert [g["key"] for g in sites] == sorted(plant)
    (whole,) = api.get("/kpis").json()
    assert whole["elements"]["good"] == pytest.approx(sum(g["elements"]["good"] for g in sites))
    pareto = api.get("/kpis/pareto", params={"site_id": site, "kind": "scrap"}).json()
    assert pareto and pareto[-1]["cumulative"] == pytest.approx(1.0)
    catalog = {k["key"]: k for k in api.get("/kpis/catalog").json()}
    assert catalog["oee"]["iso_id"] == "6" and catalog["mttr"]["trend"] == "lower"

    made = api.get("/reports/daily", params={"site_id": site, "day": DAY}).json()
    assert made["title"].startswith("Daily production report, DE-STR")
    document = api.get("/reports/daily", params={"site_id": site, "day": DAY, "format": "pdf"})
    assert document.headers["content-type"] == "application/pdf"
    assert f'filename="daily-DE-STR-{DAY}.pdf"' in document.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages)
    assert "Daily production report" in text and "DE-STR" in text
    book = api.get("/reports/weekly", params={"day": DAY, "format": "xlsx"})
    sheets = openpyxl.load_workbook(io.BytesIO(book.content)).sheetnames
    assert book.status_code == 200 and sheets


def test_targets_scope_and_bad_asks(
    api: httpx.Client, plant: dict[str, int], bound: tuple[sessionmaker[Session], str]
) -> None:
    site, other = plant["DE-STR"], plant["US-MKE"]
    answer = api.put(f"/kpi_targets/{site}/oee", json={"target": 0.7})
    assert answer.status_code == 200 and answer.json()["target"] == 0.7
    listed = api.get("/kpi_targets", params={"site_id": site}).json()
    assert {"kpi": "oee", "target": 0.7} .items() <= next(
        t for t in listed if t["kpi"] == "oee").items()  # fmt: skip
    assert problem(api.put(f"/kpi_targets/{site}/oee", json={"target": 2}), 422)[
        "errors"][0]["pointer"] == "/target"  # fmt: skip
    assert problem(api.put(f"/kpi_targets/{site}/joy", json={"target": 0.5}), 422)[
        "errors"][0]["pointer"] == "/kpi"  # fmt: skip
    assert api.delete(f"/kpi_targets/{site}/oee").status_code == 204
    assert problem(api.get("/kpis", params={"group_by": "year"}), 422)
    bad = problem(api.get("/kpis", params={"first": "2026-12-03", "last": "2026-12-01"}), 422)
    assert bad["errors"][0]["pointer"] == "/last"
    assert problem(api.get("/reports/daily", params={"day": "yesterday"}), 422)

    factory, base = bound
    token = add_user(factory, "sam", "supervisor", site_ids=(site,))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=30) as sam:
        mine = sam.get("/kpis", params={"group_by": "site"}).json()
        assert [g["key"] for g in mine] == ["DE-STR"]
        elsewhere = problem(sam.get("/kpis/dashboard", params={"site_id": other}), 404)
        assert "US-MKE" not in str(elsewhere)
        assert problem(sam.get("/reports/daily", params={"site_id": other}), 404)
        assert problem(sam.put(f"/kpi_targets/{site}/oee", json={"target": 0.5}), 403)
        assert sam.get("/reports/daily", params={"day": DAY}).json()["scope"] == "DE-STR"
