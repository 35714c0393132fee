"""A production report (daily, shift handover, weekly or monthly KPI pack) as an XLSX workbook
for a manager to compute with: figures are numbers (ratios in a percent format, never text), an
unknown figure is an empty cell (not 0), and every sheet is a table with a frozen header.

Names come from users (reasons, work centers, lines_title), so texts are always written as
texts: "=SUM(A1)" stays a text, never a formula. A fixed creation time makes the same report
give the same bytes."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from plantops.kpi.report_model import ParetoLine, Report

_CREATED = datetime(2000, 1, 1)
_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,  # generated_at is UTC-aware; the label says UTC
    "nan_inf_to_errors": True,  # a NaN shows as #NUM! rather than failing the whole report
}
_FORMATS = {
    "pct": {"num_format": "0.0%"},
    "h": {"num_format": "#,##0.0"},
    "int": {"num_format": "#,##0"},
    "num": {"num_format": "#,##0.00"},
    "qty": {},  # quantities as Excel's General: 120 or 12.5
    "text": {},
    "bool": {"align": "center"},
    "date": {"num_format": "yyyy-mm-dd", "align": "left"},
    "time": {"num_format": "yyyy-mm-dd hh:mm", "align": "left"},
    "head": {"bold": True, "bottom": 1, "bg_color": "#DDE5F0", "text_wrap": True},
    "title": {"bold": True, "font_size": 14},
    "label": {"bold": True},
}
_UNIT_FORMAT = {"%": "pct", "h": "h", "min": "h", "units/h": "h", "orders": "int"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Titles of the fixed sheets, kept free of the lines sheet (whose title comes from the report)
_RESERVED = {"summary", "work centers by oee", "downtime pareto", "scrap pareto", "trend"}
_RESERVED |= {"made vs plan", "incidents", "open problems", "staffing"}
_SINGULAR = {"Shifts": "Shift", "Work centers": "Work center", "Sites": "Site", "Days": "Day",
             "Areas": "Area"}  # fmt: skip

# A column of a table: header, value of a row, format key, width in characters
Column = tuple[str, Callable[[Any], Any], str, int]


def _put(sheet: Worksheet, row: int, col: int, value: Any, fmt: Format | None) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, fmt)
    else:
        _text(sheet, row, col, str(value), fmt)


def _text(sheet: Worksheet, row: int, col: int, value: str, fmt: Format | None) -> None:
    """XlsxWriter takes a text shaped "<r>...</r>" for rich-text XML and writes it raw (a broken
    workbook); split into rich fragments it is escaped and reads back whole."""
    if value.startswith("<r>") and value.endswith("</r>"):
        fragments = (value[:1], value[1:2], value[2:])
        sheet.write_rich_string(row, col, *fragments, *([fmt] if fmt else []))
    else:
        sheet.write_string(row, col, value, fmt)


class _Book:
    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.formats: dict[str, Format] = {k: workbook.add_format(v) for k, v in _FORMATS.items()}
        self.used: set[str] = set()

    def sheet(self, title: str) -> Worksheet:
        self.used.add(title.casefold())
        return self.workbook.add_worksheet(title)

    def named_sheet(self, wanted: str, fallback: str) -> Worksheet:
        """A title from the report: Excel refuses some characters, more than 31 of them and
        two sheets of one name (in any case)."""
        title = _SHEET_FORBIDDEN.sub("-", wanted).strip().strip("'")[:31] or fallback
        if title.casefold() in self.used | _RESERVED:
            title = fallback
        return self.sheet(title)

    def table(
        self, sheet: Worksheet, top: int, columns: Sequence[Column], rows: Sequence[Any]
    ) -> int:
        """Writes a header and rows from `top`; the row after the table."""
        for col, (header, _, _, width) in enumerate(columns):
            sheet.write_string(top, col, header, self.formats["head"])
            sheet.set_column(col, col, width)
        for number, item in enumerate(rows, start=top + 1):
            for col, (_, get, fmt, _) in enumerate(columns):
                _put(sheet, number, col, get(item), self.formats[fmt])
        return top + 1 + len(rows)

    def table_sheet(
        self, title: str, columns: Sequence[Column], rows: Sequence[Any], fallback: str = ""
    ) -> Worksheet:
        """A sheet holding one table; a title from the report comes with a `fallback`."""
        sheet = self.named_sheet(title, fallback) if fallback else self.sheet(title)
        self.table(sheet, 0, columns, rows)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        return sheet


def _line_columns(first: str) -> list[Column]:
    return [
        (first, lambda r: r.label, "text", 16),
        ("Name", lambda r: r.name or None, "text", 28),
        ("Good", lambda r: r.good, "qty", 10),
        ("Scrap", lambda r: r.scrap, "qty", 10),
        ("Rework", lambda r: r.rework, "qty", 10),
        ("Planned", lambda r: r.planned, "qty", 10),
        ("OEE", lambda r: r.oee, "pct", 9),
        ("Availability", lambda r: r.availability, "pct", 12),
        ("Effectiveness", lambda r: r.effectiveness, "pct", 13),
        ("Quality ratio", lambda r: r.quality_ratio, "pct", 12),
        ("Down hours", lambda r: r.down_hours, "h", 11),
    ]


def _summary(book: _Book, report: Report) -> None:
    sheet, f = book.sheet("Summary"), book.formats
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 4, 13)
    _text(sheet, 0, 0, report.title, f["title"])
    facts: list[tuple[str, Any, str]] = [
        ("First day", report.first_day, "date"),
        ("Last day", report.last_day, "date"),
        ("Time zone", report.time_zone, "text"),
        ("Scope", report.scope, "text"),
        ("Generated at (UTC)", report.generated_at, "time"),
    ]
    for row, (label, value, fmt) in enumerate(facts, start=1):
        sheet.write_string(row, 0, label, f["label"])
        _put(sheet, row, 1, value, f[fmt])
    sheet.freeze_panes(1, 0)
    top = len(facts) + 2
    for col, header in enumerate(("KPI", "Value", "Unit", "Target", "Met?")):
        sheet.write_string(top, col, header, f["head"])
    for row, kpi in enumerate(report.kpis, start=top + 1):
        fmt = f[_UNIT_FORMAT.get(kpi.unit, "num")]
        _text(sheet, row, 0, kpi.name, None)
        _put(sheet, row, 1, kpi.value, fmt)
        _text(sheet, row, 2, kpi.unit, None)
        _put(sheet, row, 3, kpi.target, fmt)
        _put(sheet, row, 4, kpi.meets_target, f["bool"])
    row = top + len(report.kpis) + 2
    for label, hours in (
        ("Planned busy hours", report.planned_busy_hours),
        ("Productive hours (PRU x GQ)", report.productive_hours),
    ):
        sheet.write_string(row, 0, label, f["label"])
        sheet.write_number(row, 1, hours, f["h"])
        row += 1
    _losses(book, sheet, row + 1, report)


def _losses(book: _Book, sheet: Worksheet, top: int, report: Report) -> None:
    columns: list[Column] = [
        ("Loss", lambda r: r.name, "text", 34),
        ("Factor", lambda r: r.factor, "text", 13),
        ("Hours", lambda r: r.hours, "h", 13),
    ]
    end = book.table(sheet, top, columns, report.losses)
    if not report.losses:
        return
    chart = book.workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "Loss hours",
            "categories": [sheet.name, top + 1, 0, end - 1, 0],
            "values": [sheet.name, top + 1, 2, end - 1, 2],
            "data_labels": {"value": True, "num_format": "0.0"},
        }
    )
    chart.set_title({"name": "Loss tree (hours)"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})  # the first loss at the top, as in the table
    chart.set_x_axis({"num_format": "0.0", "min": 0})
    sheet.insert_chart(top, 6, chart, {"x_scale": 1.3})


def _pareto(book: _Book, title: str, unit: str, rows: Sequence[ParetoLine]) -> None:
    columns: list[Column] = [
        ("Code", lambda r: r.code, "text", 14),
        ("Reason", lambda r: r.name, "text", 30),
        (unit.capitalize(), lambda r: r.amount, "h" if unit == "hours" else "qty", 10),
        ("Occurrences", lambda r: r.occurrences, "int", 12),
        ("Share", lambda r: r.share, "pct", 9),
        ("Cumulative", lambda r: r.cumulative, "pct", 11),
    ]
    sheet = book.table_sheet(title, columns, rows)
    if not rows:
        return
    name, last = sheet.name, len(rows)
    bars = book.workbook.add_chart({"type": "column"})
    bars.add_series(
        {
            "name": unit.capitalize(),
            "categories": [name, 1, 1, last, 1],
            "values": [name, 1, 2, last, 2],
        }
    )
    curve = book.workbook.add_chart({"type": "line"})
    curve.add_series(
        {
            "name": "Cumulative share",
            "categories": [name, 1, 1, last, 1],
            "values": [name, 1, 5, last, 5],
            "y2_axis": True,
            "marker": {"type": "circle"},
        }
    )
    bars.combine(curve)
    bars.set_title({"name": title})
    bars.set_y_axis({"name": unit.capitalize(), "min": 0})
    curve.set_y2_axis({"min": 0, "max": 1, "num_format": "0%"})
    bars.set_legend({"position": "bottom"})
    sheet.insert_chart(1, len(columns) + 1, bars, {"x_scale": 1.5, "y_scale": 1.3})


def _trend(book: _Book, report: Report) -> None:
    sheet = book.table_sheet("Trend", _line_columns("Day"), report.trend)
    last = len(report.trend)
    chart = book.workbook.add_chart({"type": "line"})
    chart.add_series(
        {
            "name": "OEE",
            "categories": [sheet.name, 1, 0, last, 0],
            "values": [sheet.name, 1, 6, last, 6],
            "marker": {"type": "circle"},
        }
    )
    chart.set_title({"name": "OEE by day"})
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
    chart.set_legend({"none": True})
    chart.show_blanks_as("gap")  # a day without production is not a day at 0 %
    sheet.insert_chart(1, 12, chart, {"x_scale": 1.5})


def _products(book: _Book, report: Report) -> None:
    columns: list[Column] = [
        ("Item", lambda r: r.item, "text", 16),
        ("Name", lambda r: r.name or None, "text", 30),
        ("Planned", lambda r: r.planned, "qty", 10),
        ("Good", lambda r: r.good, "qty", 10),
        ("Scrap", lambda r: r.scrap, "qty", 10),
        ("Good / planned", lambda r: r.good / r.planned if r.planned > 0 else None, "pct", 14),
    ]
    book.table_sheet("Made vs plan", columns, report.products)


def _lists(book: _Book, report: Report) -> None:
    incidents: list[Column] = [
        ("At", lambda r: r.at, "text", 17),
        ("Work center", lambda r: r.work_center, "text", 18),
        ("What", lambda r: r.what, "text", 34),
        ("Minutes", lambda r: r.minutes, "h", 9),
        ("Still open", lambda r: r.open, "bool", 10),
    ]
    staffing: list[Column] = [
        ("Shift", lambda r: r.shift, "text", 16),
        ("Needed", lambda r: r.needed, "int", 9),
        ("Clocked in", lambda r: r.clocked_in, "int", 11),
        ("Short", lambda r: max(r.needed - r.clocked_in, 0), "int", 9),
    ]
    if report.incidents:
        book.table_sheet("Incidents", incidents, report.incidents)
    if report.open_problems:
        problems: list[Column] = [("Open problem", lambda r: r, "text", 90)]
        book.table_sheet("Open problems", problems, report.open_problems)
    if report.staffing:
        book.table_sheet("Staffing", staffing, report.staffing)


def xlsx(report: Report) -> bytes:
    """The report as an XLSX workbook: Summary, the lines, work centers, both Paretos, and the
    trend, products, incidents, open problems and staffing sheets when they have rows."""
    stream = io.BytesIO()
    workbook = Workbook(stream, _OPTIONS)
    workbook.set_properties({"title": report.title, "created": _CREATED})
    book = _Book(workbook)
    _summary(book, report)
    first = _SINGULAR.get(report.lines_title, "Line")
    book.table_sheet(report.lines_title, _line_columns(first), report.lines, fallback="Lines")
    # a shift report's lines are by work center too: the ranking then gets its own name
    ranking = "Work centers by OEE" if "work centers" in book.used else "Work centers"
    book.table_sheet(ranking, _line_columns("Work center"), report.work_centers)
    _pareto(book, "Downtime Pareto", "hours", report.downtime_pareto)
    _pareto(book, "Scrap Pareto", "units", report.scrap_pareto)
    if report.trend:
        _trend(book, report)
    if report.products:
        _products(book, report)
    _lists(book, report)
    workbook.close()
    return stream.getvalue()
