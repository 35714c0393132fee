"""`plantops report` and `plantops kpi` on both databases: the files a manager mails on, the
KPIs in a terminal, and bad input refused in one line naming the option."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from pypdf import PdfReader
from sqlalchemy import Engine
from typer.testing import CliRunner

from plantops.access.caller import SYSTEM
from plantops.cli.main import app
from plantops.demo.history import create_history
from plantops.demo.loader import load_demo
from plantops.kpi import reports
from plantops.storage.engine import make_session_factory, unit_of_work
from tests.history import days_back

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def test_reports_as_files_and_kpis_in_the_terminal(configured: Engine, tmp_path: Path) -> None:
    load_demo(configured)
    now = datetime.now(UTC)
    create_history(configured, days=days_back(now), seed=3, now=now)
    yesterday = now.astimezone(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
    code, said = _run("report", "daily", "--format", "pdf", "--output", str(tmp_path))
    assert code == 0, said
    # defaults: the first site the caller may see (CN-SUZ by code), yesterday
    written = next(tmp_path.glob("daily-CN-SUZ-*.pdf"))
    assert written.name == f"daily-CN-SUZ-{yesterday}.pdf"  # yesterday at Suzhou
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(written.read_bytes())).pages)
    assert "Daily production report, CN-SUZ" in text
    target = tmp_path / "week.xlsx"
    code, said = _run("report", "weekly", "--region", "EMEA", "-f", "xlsx", "-o", str(target))
    assert code == 0, said
    book = openpyxl.load_workbook(target)
    assert "Sites" in book.sheetnames
    day = str(now.date())
    code, said = _run("kpi", "show", "--site", "DE-STR", "--by", "shift", "--to", day)
    assert code == 0 and "Early" in said and "OEE" in said, said
    with unit_of_work(make_session_factory(configured)) as session:
        made = reports.build(session, SYSTEM, reports.Ask("daily"), now)
    assert made.scope == "CN-SUZ"
    code, said = _run("kpi", "refresh", "--site", "DE-STR")
    assert code == 0 and said.startswith("DE-STR:"), said


def test_bad_input_is_one_line_naming_the_option(configured: Engine) -> None:
    load_demo(configured)
    code, said = _run("report", "daily", "--format", "pdf", "--date", "yesterday")
    assert code == 1 and "date: 'yesterday' is not a date" in said
    code, said = _run("report", "daily", "--format", "pdf", "--site", "NOPE")
    assert code == 1 and "site: no site has the code 'NOPE'" in said
    wednesday = datetime.now(UTC).date() - timedelta(days=(datetime.now(UTC).weekday() - 2) % 7)
    tea = ("--site", "DE-STR", "--date", str(wednesday), "--shift", "Tea")  # a day it works
    code, said = _run("report", "shift", "--format", "pdf", *tea)
    assert code == 1 and "shift: 'Tea' is not a shift of the day (Early, Day, Late" in said, said
    # on a day without shifts (the demo plant works Monday to Friday) the day is named
    sunday = wednesday + timedelta(days=4)
    code, said = _run("report", "shift", "-f", "pdf", "--site", "DE-STR", "--date", str(sunday))
    assert code == 1 and f"day: DE-STR has no shift on {sunday}" in said, said
    code, said = _run("kpi", "show", "--by", "fortnight")
    assert code == 1 and "group_by" in said
    code, said = _run("report", "daily", "--format", "pdf", "--user", "nobody")
    assert code == 1 and "user 'nobody' not found" in said
    assert "Traceback" not in said
