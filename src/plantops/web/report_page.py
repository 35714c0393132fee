"""A production report (kpi.report_model.Report) as a plain HTML page: KPI tiles against their
targets, the loss tree, the breakdown by shift, work center or site, both Paretos, the OEE
trend, and what happened on the floor. The same figures as the PDF and the workbook, formatted
by the same functions (kpi.render_pdf). No script, no asset from elsewhere; every value
escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html import escape

from plantops.kpi.render_pdf import DASH, number, quantity
from plantops.kpi.report_model import KpiValue, Line, ParetoLine, Report
from plantops.web import page_header
from plantops.web.home import STYLE
from plantops.web.report_charts import loss_chart, pareto_chart, trend_chart

SHOWN = 200  # rows per table; the workbook has them all
HEADLINE = ("oee", "availability", "effectiveness", "quality_ratio")
_SINGULAR = {"Shifts": "Shift", "Work centers": "Work center", "Sites": "Site", "Areas": "Area"}
REPORT_STYLE = """
main { max-width: 1200px; }
section.box { background: #fff; border: 1px solid #d8dee6; border-radius: 6px;
              padding: 6px 20px 14px; margin-top: 18px; }
h2.title { margin: 18px 0 2px; font-size: 24px; }
p.facts { margin: 0 0 6px; color: #5b6b7d; }
p.downloads a { font-weight: 600; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
         gap: 10px; margin-top: 8px; }
.tile { background: #fff; border: 1px solid #d8dee6; border-left: 6px solid #aab4c0;
        border-radius: 6px; padding: 8px 12px; }
.tile strong { display: block; font-size: 22px; line-height: 1.3; }
.tile.headline strong { font-size: 30px; }
.tile .name { font-weight: 600; } .tile .target { font-size: 13px; color: #5b6b7d; }
.tile.met { border-left-color: #3c8d2f; background: #eef8ec; }
.tile.missed { border-left-color: #c0392b; background: #fdeeed; }
.tile.met .target { color: #2a6b20; } .tile.missed .target { color: #a3161b; }
td.met { color: #2a6b20; font-weight: 600; } td.missed { color: #a3161b; font-weight: 600; }
table.wide { table-layout: auto; } table.wide th { width: auto; }
svg.chart { width: 100%; height: auto; display: block; margin: 6px 0; font-family: inherit; }
p.empty, p.note { color: #5b6b7d; }
p.problem { color: #a3161b; font-weight: 600; }
form.fields span.field { display: inline-block; margin: 4px 16px 8px 0; }
ul.problems li { color: #a3161b; }
@media print { header nav, form.account, p.downloads { display: none; }
               section.box { break-inside: avoid; } body { background: #fff; } }
"""


def shell(title: str, body: str, header: str) -> str:
    """A whole page of the reports: the house header (page_header.header), then `body`
    (already escaped)."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · PlantOps</title>"
        f"<style>{STYLE}{REPORT_STYLE}{page_header.STYLE}</style></head>"
        f"<body>{header}<main>{body}</main></body></html>"
    )


def _box(title: str, inner: str, ident: str = "") -> str:
    anchor = f' id="{ident}"' if ident else ""
    return f'<section class="box"{anchor}><h2>{title}</h2>{inner}</section>'


def _table(head: Sequence[str], rows: Sequence[str], numbers_from: int) -> str:
    cells = "".join(
        f'<th class="number">{escape(h)}</th>' if i >= numbers_from else f"<th>{escape(h)}</th>"
        for i, h in enumerate(head)
    )
    more = len(rows) - SHOWN
    note = f'<p class="note">and {more} more (the workbook has them all)</p>' if more > 0 else ""
    body = "".join(rows[:SHOWN])
    return f'<table class="wide"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>{note}'


def _num(text: str, css: str = "") -> str:
    classes = f"number {css}".strip()
    return f'<td class="{classes}">{escape(text)}</td>'


def _judged(kpi: KpiValue | None, value: float | None) -> str:
    """ "met" or "missed" for a value measured against the report's target of `kpi`."""
    if kpi is None:
        return ""
    met = replace(kpi, value=value).meets_target
    return "" if met is None else ("met" if met else "missed")


def _tile(kpi: KpiValue) -> str:
    shown = number(kpi.value, kpi.unit)
    if kpi.value is not None and kpi.unit != "%":
        shown += f" {kpi.unit}"
    verdict = _judged(kpi, kpi.value)
    said = {"met": " · met ✓", "missed": " · missed ✗", "": ""}[verdict]
    target = "no target set"
    if kpi.target is not None:
        target = f"target {number(kpi.target, kpi.unit)}" + (f" {kpi.unit}" * (kpi.unit != "%"))
    css = " ".join(c for c in ("tile", "headline" * (kpi.key in HEADLINE), verdict) if c)
    return (
        f'<div class="{css}" id="kpi-{escape(kpi.key)}"><span class="name">{escape(kpi.name)}'
        f'</span><strong>{escape(shown)}</strong><span class="target">{escape(target + said)}'
        "</span></div>"
    )


def _tiles(kpis: Sequence[KpiValue]) -> str:
    if not kpis:
        return '<p class="empty">No KPIs.</p>'
    first = [k for k in kpis if k.key in HEADLINE] + [k for k in kpis if k.key not in HEADLINE]
    return f'<div class="tiles">{"".join(_tile(k) for k in first)}</div>'


def _losses(report: Report, oee: KpiValue | None) -> str:
    lost = report.planned_busy_hours - report.productive_hours
    said = (
        f"Planned busy time {number(report.planned_busy_hours, 'h')} h, productive time "
        f"{number(report.productive_hours, 'h')} h (OEE {number(oee.value if oee else None, '%')})"
        f": the six big losses take {number(lost, 'h')} h."
    )
    chart = loss_chart(report.planned_busy_hours, report.productive_hours, report.losses)
    return _box("Loss tree", f"<p>{escape(said)}</p>{chart}", "losses")


def _line_row(r: Line, oee: KpiValue | None, planned: bool) -> str:
    shown = (r.good, r.scrap, r.rework, r.planned) if planned else (r.good, r.scrap, r.rework)
    counts = "".join(_num(quantity(v)) for v in shown)
    ratios = "".join(_num(number(v, "%")) for v in (r.availability, r.effectiveness))
    label = f"<code>{escape(r.label)}</code>" if r.label else "<em>between shifts</em>"
    return (
        f"<tr><td>{label}</td><td>{escape(r.name)}</td>{counts}"
        f"{_num(number(r.oee, '%'), _judged(oee, r.oee))}{ratios}"
        f"{_num(number(r.quality_ratio, '%'))}{_num(number(r.down_hours, 'h'))}</tr>"
    )


def _lines(title: str, first: str, lines: Sequence[Line], oee: KpiValue | None, ident: str) -> str:
    """A breakdown table; the planned quantity only where it is known at this grouping."""
    if not lines:
        return _box(escape(title), '<p class="empty">No production recorded.</p>', ident)
    planned = any(r.planned is not None for r in lines)
    head = [first, "Name", "Good", "Scrap", "Rework", *(["Planned"] * planned), "OEE"]
    head += ["Availability", "Effectiveness", "Quality", "Down h"]
    rows = [_line_row(r, oee, planned) for r in lines]
    count = f" <small>{len(lines)}</small>"
    return _box(escape(title) + count, _table(head, rows, 2), ident)


def _pareto(title: str, unit: str, rows: Sequence[ParetoLine], ident: str) -> str:
    if not rows:
        what = "downtime" if unit == "h" else "scrap"
        return _box(title, f'<p class="empty">No {what} recorded.</p>', ident)
    amount = (lambda v: number(v, "h")) if unit == "h" else quantity
    body = [
        f"<tr><td><code>{escape(r.code)}</code></td><td>{escape(r.name)}</td>"
        f"{_num(amount(r.amount))}{_num(str(r.occurrences))}{_num(number(r.share, '%'))}"
        f"{_num(number(r.cumulative, '%'))}</tr>"
        for r in rows
    ]
    head = ["Code", "Reason", "Hours" if unit == "h" else "Units", "Times", "Share", "Cumulative"]
    chart = pareto_chart(rows, unit, title)
    return _box(title, chart + _table(head, body, 2), ident)


def _made(report: Report) -> str:
    rows = []
    for p in report.products:
        share = p.good / p.planned if p.planned > 0 else None
        verdict = "" if share is None else ("met" if p.good >= p.planned else "missed")
        figures = "".join(_num(quantity(v)) for v in (p.planned, p.good, p.scrap))
        rows.append(
            f"<tr><td><code>{escape(p.item)}</code></td><td>{escape(p.name)}</td>{figures}"
            f"{_num(number(share, '%'), verdict)}</tr>"
        )
    if not rows:
        return _empty("Nothing planned or made at last operations in the period.")
    return _table(["Item", "Name", "Planned", "Good", "Scrap", "Good / planned"], rows, 2)


def _incidents(report: Report) -> str:
    rows = [
        f"<tr><td>{escape(i.at)}</td><td><code>{escape(i.work_center)}</code></td>"
        f"<td>{escape(i.what)}</td>{_num(number(i.minutes, 'min'))}"
        f"{_num('still down' if i.open else '', 'missed' if i.open else '')}</tr>"
        for i in report.incidents
    ]
    if not rows:
        return _empty("No breakdown.")
    return _table(["At", "Work center", "What", "Minutes", ""], rows, 3)


def _staffing(report: Report) -> str:
    rows = [
        f"<tr><td>{escape(s.shift)}</td>{_num(str(s.needed))}"
        f"{_num(str(s.clocked_in), 'missed' if s.clocked_in < s.needed else '')}</tr>"
        for s in report.staffing
    ]
    if not rows:
        return _empty("No shift.")
    return _table(["Shift", "People needed", "Clocked in"], rows, 1)


def _empty(text: str) -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _floor(report: Report) -> str:
    """What happened on the floor (daily report and shift handover only)."""
    problems = "".join(f"<li>{escape(text)}</li>" for text in report.open_problems)
    listed = f'<ul class="problems">{problems}</ul>' if problems else _empty("None.")
    return "".join((
        _box("Made against plan", _made(report), "made"),
        _box("Incidents <small>breakdowns, longest first</small>", _incidents(report),
             "incidents"),
        _box("Open problems", listed, "problems"),
        _box("Staffing", _staffing(report), "staffing"),
    ))  # fmt: skip


def period(report: Report) -> str:
    said = f"{report.first_day:%a %d %b %Y}"
    if report.last_day != report.first_day:
        said += f" {DASH} {report.last_day:%a %d %b %Y}"
    return said


def render(report: Report, downloads: str, header: str) -> str:
    """The report's page; `downloads` is the HTML of its download links."""
    kpis = {k.key: k for k in report.kpis}
    oee = kpis.get("oee")
    facts = (
        f"{period(report)} · {report.scope} · times in {report.time_zone} · made "
        f"{report.generated_at:%Y-%m-%d %H:%M} UTC"
    )
    breakdown = _SINGULAR.get(report.lines_title, "")
    title = report.lines_title or "Lines"
    worst = "Work centers, worst OEE first"
    parts = [
        f'<h2 class="title">{escape(report.title)}</h2><p class="facts">{escape(facts)}</p>',
        f'<p class="downloads">{downloads}</p>',
        f'<section id="kpis">{_tiles(report.kpis)}</section>',
        _losses(report, oee),
    ]
    if report.lines != report.work_centers:  # never the same table twice
        parts.append(_lines(title, breakdown, report.lines, oee, "lines"))
    parts += [
        _lines(worst, "Work center", report.work_centers, oee, "work-centers"),
        _pareto("Downtime Pareto", "h", report.downtime_pareto, "downtime"),
        _pareto("Scrap Pareto", "units", report.scrap_pareto, "scrap"),
    ]
    if report.trend:
        target = oee.target if oee else None
        parts.append(_box("OEE trend", trend_chart(report.trend, target), "trend"))
    if report.kind in ("daily", "shift"):
        parts.append(_floor(report))
    return shell(report.title, "".join(parts), header)
