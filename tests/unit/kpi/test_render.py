"""The report renderers, read back as a manager's tools would: the workbook with openpyxl, the
PDF's text with pypdf."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from plantops.kpi.render_pdf import number, pdf
from plantops.kpi.render_xlsx import xlsx
from plantops.kpi.report_model import (
    Incident,
    KpiValue,
    Line,
    LossLine,
    ParetoLine,
    ProductLine,
    Report,
    StaffingLine,
)

DAY = date(2026, 12, 2)


def line(label: str, name: str, oee: float | None, down: float = 0.5) -> Line:
    return Line(label, name, 400.0, 12.0, 3.0, 450.0, oee, 0.8, 0.95, 0.97, down)


def make_report(**changes: object) -> Report:
    """A day at DE-STR: two shifts, three work centers (one named as if it were a formula)."""
    kpis = (
        KpiValue("oee", "OEE index", 0.4, "%", target=0.65),
        KpiValue("availability", "Availability", 0.8123, "%", target=0.75),
        KpiValue("scrap_ratio", "Scrap ratio", None, "%", target=0.02, trend="lower"),
        KpiValue("mttr", "Mean time to repair", 1.25, "h"),
        KpiValue("late_orders", "Late orders", 3, "orders", target=0, trend="lower"),
    )
    losses = (
        LossLine("breakdown", "Breakdowns", "availability", 3.5),
        LossLine("setup", "Setup and adjustment", "availability", 1.25),
        LossLine("minor_stops", "Minor stops", "effectiveness", 0.75),
        LossLine("speed", "Reduced speed", "effectiveness", 0.5),
        LossLine("scrap", "Scrap", "quality", 0.3),
        LossLine("rework", "Rework", "quality", 0.2),
    )
    centers = (
        line("DE-STR-CNC-01", "CNC lathe 1", 0.31, down=2.5),
        line("=HYPERLINK(1)", "a center named like a formula", 0.52),
        line("DE-STR-ASM-02", "Assembly 2", None),
    )
    downtime = (
        ParetoLine("BRK-SPINDLE", "Spindle failure", 2.5, 2, 0.625, 0.625),
        ParetoLine("SET", "Setup overrun", 1.0, 3, 0.25, 0.875),
        ParetoLine("+X", "@operator note", 0.5, 1, 0.125, 1.0),
    )
    scrap = (
        ParetoLine("DIM", "Out of tolerance", 9.0, 4, 0.75, 0.75),
        ParetoLine("SURF", "Surface damage", 3.0, 1, 0.25, 1.0),
    )
    report = Report(
        kind="daily",
        title="Daily production report, DE-STR Straubing, Wednesday 2 December 2026",
        scope="DE-STR",
        first_day=DAY,
        last_day=DAY,
        time_zone="Europe/Berlin",
        generated_at=datetime(2026, 12, 3, 5, 0, tzinfo=UTC),
        kpis=kpis,
        planned_busy_hours=16.0,
        productive_hours=9.5,
        losses=losses,
        lines=(line("Early", "06:00-14:00", 0.45), line("Late", "14:00-22:00", 0.35)),
        lines_title="Shifts",
        work_centers=centers,
        downtime_pareto=downtime,
        scrap_pareto=scrap,
        products=(ProductLine("SH-100", "Shaft 100 mm", 450.0, 400.0, 12.0),),
        incidents=(Incident("2026-12-02 09:14", "DE-STR-CNC-01", "Spindle failure", 95, True),),
        open_problems=("DE-STR-CNC-01 still down since 09:14", "PO-1042 late by 2 days"),
        staffing=(StaffingLine("Early", 12, 11), StaffingLine("Late", 10, 10)),
    )
    return replace(report, **changes)  # type: ignore[arg-type]


def empty_report() -> Report:
    """A day without production: no lines, no Pareto, every KPI unknown."""
    kpis = tuple(replace(k, value=None) for k in make_report().kpis)
    return make_report(
        kpis=kpis, planned_busy_hours=0.0, productive_hours=0.0, losses=(), lines=(),
        work_centers=(), downtime_pareto=(), scrap_pareto=(), products=(), incidents=(),
        open_problems=(), staffing=(),
    )  # fmt: skip


def workbook(report: Report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx(report)))


def pdf_text(report: Report) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf(report)))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def kpi_row(sheet: Worksheet, name: str) -> int:
    return next(int(c.row) for c in sheet["A"] if c.value == name)


def test_the_workbook_has_a_sheet_per_part_of_the_report() -> None:
    assert workbook(make_report()).sheetnames == [
        "Summary", "Shifts", "Work centers", "Downtime Pareto", "Scrap Pareto",
        "Made vs plan", "Incidents", "Open problems", "Staffing",
    ]  # fmt: skip
    trended = make_report(kind="weekly", lines_title="Sites", trend=(line("2026-12-02", "", 0.4),))
    assert "Trend" in workbook(trended).sheetnames


def test_kpis_are_numbers_a_manager_can_compute_with() -> None:
    summary = workbook(make_report())["Summary"]
    row = kpi_row(summary, "OEE index")
    value, target, met = (summary.cell(row, col) for col in (2, 4, 5))
    assert value.value == pytest.approx(0.4) and value.number_format == "0.0%"
    assert target.value == pytest.approx(0.65) and met.value is False
    unknown = summary.cell(kpi_row(summary, "Scrap ratio"), 2)
    assert unknown.value is None  # unknown, not 0
    assert summary.freeze_panes is not None


def test_user_names_are_stored_as_text_never_as_formulas() -> None:
    book = workbook(make_report())
    centers = book["Work centers"]
    cell = centers.cell(3, 1)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"
    pareto = book["Downtime Pareto"]
    assert [pareto.cell(4, c).value for c in (1, 2)] == ["+X", "@operator note"]
    assert centers.cell(4, 7).value is None  # OEE unknown: an empty cell
    assert centers.cell(2, 7).number_format == "0.0%" and centers.freeze_panes == "A2"


def test_rich_text_shaped_names_do_not_break_the_workbook() -> None:
    odd = ParetoLine("<r>x</r>", "<r><t>1</t></r>", 1.0, 1, 1.0, 1.0)
    pareto = workbook(make_report(scrap_pareto=(odd,)))["Scrap Pareto"]
    assert [pareto.cell(2, c).value for c in (1, 2)] == ["<r>x</r>", "<r><t>1</t></r>"]


def test_a_lines_title_excel_refuses_or_taken_gets_a_safe_sheet_name() -> None:
    shift = make_report(kind="shift", lines_title="Work centers")
    assert workbook(shift).sheetnames[1:3] == ["Work centers", "Work centers by OEE"]
    odd = workbook(make_report(lines_title="Summary")).sheetnames[1]
    assert odd == "Lines"
    assert workbook(make_report(lines_title="a/b: [c]")).sheetnames[1] == "a-b- -c-"


def test_the_workbook_carries_its_charts() -> None:
    trended = make_report(trend=(line("2026-12-01", "", None), line("2026-12-02", "", 0.4)))
    book = workbook(trended)
    charted = {ws.title for ws in book if ws._charts}
    assert charted == {"Summary", "Downtime Pareto", "Scrap Pareto", "Trend"}
    archive = zipfile.ZipFile(io.BytesIO(xlsx(trended)))
    pareto = archive.read("xl/charts/chart2.xml").decode()
    assert "<c:barChart>" in pareto and "<c:lineChart>" in pareto  # the cumulative share
    assert "xl/charts/chart5.xml" not in archive.namelist()
    assert not [ws for ws in workbook(empty_report()) if ws._charts]  # nothing to draw


def test_the_pdf_shows_title_figures_and_work_centers() -> None:
    text, pages = pdf_text(make_report())
    assert pages >= 1
    assert "Daily production report, DE-STR Straubing" in text
    assert "40.0%" in text and "81.2%" in text  # ratios as percentages with one decimal
    assert "DE-STR-CNC-01" in text and "=HYPERLINK(1)" in text
    assert f"Page 1 of {pages}" in text


def test_the_pdf_prints_user_text_as_written() -> None:
    odd = ParetoLine("<b>&", "<b>& Co </para>", 1.0, 1, 1.0, 1.0)
    report = make_report(downtime_pareto=(odd,), open_problems=("<i>unclosed & <br",))
    text, _ = pdf_text(report)
    assert "<b>&" in text and "<i>unclosed & <br" in text


def test_the_pdf_caps_the_work_centers_it_lists() -> None:
    many = tuple(line(f"WC-{n:03}", "", 0.5) for n in range(30))
    text, _ = pdf_text(make_report(work_centers=many))
    assert "WC-024" in text and "WC-025" not in text and "and 5 more" in text


def test_both_renderers_take_a_day_without_production() -> None:
    report = empty_report()
    text, pages = pdf_text(report)
    assert pages >= 1 and report.title[:20] in text and "40.0%" not in text
    summary = workbook(report)["Summary"]
    assert summary.cell(kpi_row(summary, "OEE index"), 2).value is None


def test_the_same_report_gives_the_same_bytes() -> None:
    assert pdf(make_report()) == pdf(make_report())
    assert xlsx(make_report()) == xlsx(make_report())


def test_unknown_figures_print_as_a_dash() -> None:
    assert number(None, "%") == "\u2013"
    assert (number(0.4, "%"), number(1.26, "h"), number(3, "orders")) == ("40.0%", "1.3", "3")
