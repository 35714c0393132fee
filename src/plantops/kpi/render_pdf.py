"""A production report (daily, shift handover, weekly or monthly KPI pack) as a printable PDF,
A4 landscape so the breakdown tables fit: KPI tiles against their targets, the loss tree, the
lines and work centers, both Paretos, the OEE trend, what happened and what is still open.

User text (reason and work center names, open problems) goes into Paragraphs escaped, so a
reason named "<b>" or "&" prints as written, and is cut short in table cells: a row taller than
a page cannot be laid out. An unknown figure prints as an en dash, never as 0. The document is
built invariant (fixed dates and ids): the same report gives the same bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Circle, Drawing, PolyLine, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from plantops.kpi.report_model import KpiValue, Line, LossLine, ParetoLine, Report

DASH = "\u2013"  # en dash: the figure is not known
MAX_CENTERS = 25  # the worst ones; the workbook holds them all
MAX_REASONS = 12  # beside their chart, the whole Pareto fits on one page
MAX_CELL = 160  # characters of user text in a table cell
PAGE = landscape(A4)
MARGIN = 1.5 * cm
WIDTH = PAGE[0] - 2 * MARGIN
_STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("report-title", parent=_STYLES["Title"], fontSize=16, alignment=0)
HEADING = ParagraphStyle(
    "report-heading", parent=_STYLES["Heading2"], spaceBefore=10, keepWithNext=1
)
BODY = ParagraphStyle("report-body", parent=_STYLES["BodyText"], fontSize=9, leading=11)
CELL = ParagraphStyle("report-cell", parent=BODY, fontSize=8, leading=9.5)
TILE_VALUE = ParagraphStyle("report-tile", parent=BODY, fontSize=15, leading=18)
_GRID = [
    ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE5F0")),
    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]
_BLUE, _ORANGE = colors.HexColor("#4F81BD"), colors.HexColor("#F79646")
_FACTOR = {"availability": colors.HexColor("#C0504D"), "effectiveness": _ORANGE, "quality": _BLUE}
_SINGULAR = {"Shifts": "Shift", "Work centers": "Work center", "Sites": "Site", "Areas": "Area"}
_MET = {True: colors.HexColor("#DFF0D8"), False: colors.HexColor("#F8D7DA"), None: colors.white}


def number(value: float | None, unit: str) -> str:
    """A figure as the report shows it: ratios as a percentage with one decimal, hours and
    rates with one, counts with none."""
    if value is None:
        return DASH
    if unit == "%":
        return f"{value * 100:.1f}%"
    if unit == "orders":
        return f"{value:,.0f}"
    if unit in ("h", "min", "units/h"):
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def quantity(value: float | None) -> str:
    return DASH if value is None else f"{value:,.1f}".removesuffix(".0")


def _p(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "\u2026"
    return Paragraph(escape(text), style)


def _table(
    header: Sequence[str], rows: list[list[Any]], widths: Sequence[float], figures: int = 2
) -> Table:
    """A grid with a repeated header; columns from `figures` on are right-aligned numbers."""
    table = Table([list(header), *rows], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([*_GRID, ("ALIGN", (figures, 0), (-1, -1), "RIGHT")]))
    return table


def _top(values: Sequence[float | None]) -> float:
    """An axis end a little above the highest value; 1 when there is nothing to show."""
    top = max((v for v in values if v is not None), default=0.0)
    return top * 1.15 if top > 0 else 1.0


def loss_chart(losses: Sequence[LossLine], width: float) -> Flowable:
    if not losses:
        return _p("No losses: no planned busy time in the period.", BODY)
    drawing = Drawing(width, 24 + 18 * len(losses))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 190, 12, width - 260, 18 * len(losses)
    chart.data = [[loss.hours for loss in losses]]
    chart.categoryAxis.categoryNames = [loss.name[:45] for loss in losses]
    chart.categoryAxis.reverseDirection = 1  # the first loss on top, as in the tree
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, _top(chart.data[0])
    chart.barLabelFormat, chart.barLabels.fontSize = "%.1f h", 7
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    for index, loss in enumerate(losses):
        chart.bars[(0, index)].fillColor = _FACTOR.get(loss.factor, colors.grey)
    drawing.add(chart)
    return drawing


def pareto_chart(rows: Sequence[ParetoLine], width: float) -> Drawing:
    """Bars of the biggest reasons and the cumulative share as a line (right: 0..100 %)."""
    rows = rows[:MAX_REASONS]
    drawing = Drawing(width, 190)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 35, 45, width - 70, 135
    chart.data = [[r.amount for r in rows]]
    chart.categoryAxis.categoryNames = [r.code[:14] for r in rows]
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 30, "ne"
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, _top(chart.data[0])
    chart.bars[0].fillColor = _BLUE
    drawing.add(chart)
    step, points = chart.width / len(rows), []
    for index, row in enumerate(rows):  # bars sit in the middle of equal category slots
        share = min(max(row.cumulative, 0.0), 1.0)
        points += [chart.x + (index + 0.5) * step, chart.y + share * chart.height]
    drawing.add(PolyLine(points, strokeColor=_ORANGE, strokeWidth=1.2))
    for x, y in zip(points[::2], points[1::2], strict=True):
        drawing.add(Circle(x, y, 1.8, fillColor=_ORANGE, strokeColor=None))
    right = chart.x + chart.width + 3
    drawing.add(String(right, chart.y + chart.height - 2, "100%", fontSize=6))
    drawing.add(String(right, chart.y - 2, "0%", fontSize=6))
    return drawing


def trend_chart(trend: Sequence[Line], width: float) -> Flowable:
    values = [day.oee for day in trend]
    if all(v is None for v in values):
        return _p("No OEE in the period.", BODY)
    drawing = Drawing(width, 170)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 35, 40, width - 50, 120
    chart.data = [values]  # a day without OEE is left out, not drawn at 0
    chart.categoryAxis.categoryNames = [day.label for day in trend]
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 45, "ne"
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, max(1.0, _top(values))
    chart.valueAxis.valueStep = 0.2
    chart.valueAxis.labelTextFormat = lambda v: f"{v * 100:.0f}%"
    chart.lines[0].strokeColor, chart.lines[0].symbol = _BLUE, makeMarker("FilledCircle")
    drawing.add(chart)
    return drawing


def _tile(kpi: KpiValue) -> list[Flowable]:
    shown = number(kpi.value, kpi.unit)
    if kpi.value is not None and kpi.unit != "%":
        shown += f" {kpi.unit}"
    met = {True: "met", False: "missed", None: ""}[kpi.meets_target]
    target = "no target" if kpi.target is None else f"target {number(kpi.target, kpi.unit)}"
    return [_p(kpi.name), _p(shown, TILE_VALUE), _p(f"{target} {met}".strip())]


def _tiles(kpis: Sequence[KpiValue]) -> list[Flowable]:
    if not kpis:
        return [_p("No KPIs.", BODY)]
    per_row = 6
    cells: list[list[Any]] = [
        [_tile(k) for k in kpis[i : i + per_row]] for i in range(0, len(kpis), per_row)
    ]
    cells[-1] += [""] * (per_row - len(cells[-1]))
    table = Table(cells, colWidths=[WIDTH / per_row] * per_row)
    style = [("BOX", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    style.append(("INNERGRID", (0, 0), (-1, -1), 0.5, colors.grey))
    for index, kpi in enumerate(kpis):
        where = (index % per_row, index // per_row)
        style.append(("BACKGROUND", where, where, _MET[kpi.meets_target]))
    table.setStyle(TableStyle(style))
    return [table]


def _line_row(r: Line) -> list[Any]:
    counts = [quantity(v) for v in (r.good, r.scrap, r.rework, r.planned)]
    ratios = [number(v, "%") for v in (r.oee, r.availability, r.effectiveness, r.quality_ratio)]
    return [_p(r.label), _p(r.name), *counts, *ratios, number(r.down_hours, "h")]


def _lines(first: str, lines: Sequence[Line]) -> Flowable:
    if not lines:
        return _p("No production recorded.", BODY)
    header = [first, "Name", "Good", "Scrap", "Rework", "Planned", "OEE", "Avail.", "Effect."]
    header += ["Quality", "Down h"]
    rows = [_line_row(r) for r in lines]
    rest = (WIDTH - 4.5 * cm - 7 * cm) / 9
    return _table(header, rows, [4.5 * cm, 7 * cm] + [rest] * 9)


def _work_centers(report: Report) -> list[Flowable]:
    shown = report.work_centers[:MAX_CENTERS]
    story = [_lines("Work center", shown)]
    hidden = len(report.work_centers) - len(shown)
    if hidden > 0:
        story.append(_p(f"and {hidden} more work centers (all of them are in the workbook)", BODY))
    return story


def _pareto(title: str, unit: str, rows: Sequence[ParetoLine]) -> list[Flowable]:
    story: list[Flowable] = [_p(title, HEADING)]
    if not rows:
        return [*story, _p(f"No {title.split()[0].lower()} recorded.", BODY)]
    amount = (lambda v: number(v, "h")) if unit == "h" else quantity
    shown = rows[:MAX_REASONS]
    shares = ((number(r.share, "%"), number(r.cumulative, "%")) for r in shown)
    cells = [
        [_p(r.code[:40]), _p(r.name[:70]), amount(r.amount), str(r.occurrences), *share]
        for r, share in zip(shown, shares, strict=True)
    ]
    header = ["Code", "Reason", "Hours" if unit == "h" else "Units", "Times", "Share", "Cum."]
    table = _table(header, cells, [2.5 * cm, 5.5 * cm, 1.6 * cm, 1.3 * cm, 1.5 * cm, 1.5 * cm])
    side = Table([[pareto_chart(rows, WIDTH - 14.5 * cm), table]], hAlign="LEFT")
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    more = len(rows) - len(shown)
    note = [_p(f"and {more} more reasons (all of them are in the workbook)", BODY)] if more else []
    return [KeepTogether([*story, side, *note])]


def _incidents(report: Report) -> list[Flowable]:
    if not report.incidents:
        return []
    rows = [
        [_p(i.at), _p(i.work_center), _p(i.what), number(i.minutes, "min"), "yes" if i.open else ""]
        for i in report.incidents
    ]
    header = ["At", "Work center", "What", "Minutes", "Still down"]
    table = _table(header, rows, [3.2 * cm, 4.5 * cm, 11 * cm, 2 * cm, 2 * cm], figures=3)
    return [_p("Incidents", HEADING), table]


def _rest(report: Report) -> list[Flowable]:
    story = _incidents(report)
    if report.open_problems:
        story.append(_p("Open problems", HEADING))
        story += [Paragraph(escape(text), BODY, bulletText="•") for text in report.open_problems]
    if report.products:
        made = (number(r.good / r.planned if r.planned > 0 else None, "%") for r in report.products)
        rows = [
            [_p(r.item), _p(r.name), *(quantity(v) for v in (r.planned, r.good, r.scrap)), share]
            for r, share in zip(report.products, made, strict=True)
        ]
        header = ["Item", "Name", "Planned", "Good", "Scrap", "Good / planned"]
        widths = [4 * cm, 9 * cm, 2.5 * cm, 2.5 * cm, 2.5 * cm, 3 * cm]
        story += [_p("Made vs plan", HEADING), _table(header, rows, widths)]
    if report.staffing:
        rows = [[_p(s.shift), str(s.needed), str(s.clocked_in)] for s in report.staffing]
        table = _table(["Shift", "Needed", "Clocked in"], rows, [5 * cm, 2.5 * cm, 2.5 * cm], 1)
        story += [_p("Staffing", HEADING), table]
    return story


def _story(report: Report) -> list[Flowable]:
    period = f"{report.first_day:%a %d %b %Y}"
    if report.last_day != report.first_day:
        period += f" {DASH} {report.last_day:%a %d %b %Y}"
    facts = f"{period} · {report.scope} · times in {report.time_zone}"
    story: list[Flowable] = [_p(report.title, TITLE), _p(facts, BODY), Spacer(1, 6)]
    story += _tiles(report.kpis)
    hours = (
        f"Planned busy time {number(report.planned_busy_hours, 'h')} h, productive time "
        f"{number(report.productive_hours, 'h')} h; the losses between them:"
    )
    tree = [_p("Loss tree", HEADING), _p(hours, BODY), loss_chart(report.losses, WIDTH)]
    story.append(KeepTogether(tree))
    first = _SINGULAR.get(report.lines_title, "")
    story += [_p(report.lines_title or "Lines", HEADING), _lines(first, report.lines)]
    story += [_p("Work centers, worst OEE first", HEADING), *_work_centers(report)]
    story += _pareto("Downtime Pareto", "h", report.downtime_pareto)
    story += _pareto("Scrap Pareto", "units", report.scrap_pareto)
    if report.trend:
        story.append(KeepTogether([_p("OEE trend", HEADING), trend_chart(report.trend, WIDTH)]))
    return story + _rest(report)


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds the pages back until the end so each footer can say "page n of N"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 7)
            number = f"Page {self._pageNumber} of {len(self._pages)}"
            self.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, number)
            super().showPage()
        super().save()


def pdf(report: Report) -> bytes:
    """The report as a PDF (A4 landscape), page numbers and the generation time in the footer."""
    stream = io.BytesIO()
    footer = f"{report.title} · generated {report.generated_at:%Y-%m-%d %H:%M} UTC"

    def on_page(canvas: Canvas, _: Any) -> None:
        canvas.setFont("Helvetica", 7)
        canvas.drawString(MARGIN, MARGIN / 2, footer[:160])

    doc = SimpleDocTemplate(
        stream, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=report.title, author="PlantOps", invariant=1,
    )  # fmt: skip
    doc.build(
        _story(report), onFirstPage=on_page, onLaterPages=on_page, canvasmaker=_NumberedCanvas
    )
    return stream.getvalue()
