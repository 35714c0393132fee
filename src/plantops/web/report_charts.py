"""The report page's charts as inline SVG written by hand: the loss tree as a waterfall of
hours, a Pareto (bars and the cumulative share), the OEE trend. No script and no chart
library, so the page works on a plant network cut off from the internet; every text is
escaped. Figures are formatted as the PDF and the workbook show them (kpi.render_pdf)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from plantops.kpi.render_pdf import MAX_REASONS, number, quantity
from plantops.kpi.report_model import Line, LossLine, ParetoLine

WIDTH = 1000
FACTOR_COLOUR = {"availability": "#c0504d", "effectiveness": "#f79646", "quality": "#4f81bd"}
FACTOR_NAME = {"availability": "Availability losses", "effectiveness": "Speed losses",
               "quality": "Quality losses"}  # fmt: skip
BUSY, PRODUCTIVE, LINE, GRID = "#1f3a5f", "#3c8d2f", "#e07b00", "#e1e6ed"


def _svg(height: float, title: str, body: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'font-size="13" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _rect(x: float, y: float, width: float, height: float, css: str, fill: str, tip: str) -> str:
    return (
        f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.0):.1f}" '
        f'height="{height:.1f}" fill="{fill}"><title>{escape(tip)}</title></rect>'
    )


def _hours(value: float) -> str:
    return f"{number(value, 'h')} h"


def _legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> str:
    parts = []
    for colour, name in items:
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 17, y, name))
        x += 30 + 7.2 * len(name)
    return "".join(parts)


def loss_chart(planned_busy: float, productive: float, losses: Sequence[LossLine]) -> str:
    """Planned busy hours at the top, each big loss taken off in turn, productive hours (PRU x
    GQ) at the bottom: a waterfall whose bars add up, coloured by the OEE factor they cut."""
    if planned_busy <= 0 and not any(loss.hours for loss in losses):
        return '<p class="empty">No planned busy time in the period: no losses to show.</p>'
    rows: list[tuple[str, float, float, str, str]] = [
        ("Planned busy time", 0.0, planned_busy, "bar busy", BUSY)
    ]
    level = planned_busy
    for loss in losses:
        rows.append((loss.name, level - loss.hours, level, f"bar loss {loss.factor}",
                     FACTOR_COLOUR.get(loss.factor, "#888")))  # fmt: skip
        level -= loss.hours
    rows.append(("Productive time", 0.0, productive, "bar productive", PRODUCTIVE))
    ends = [end for row in rows for end in row[1:3]]
    low, high = min(0.0, *ends), max(*ends, 1e-9)
    left, right = 250.0, 830.0
    scale = (right - left) / (high - low)
    parts, step = [], 30
    for index, (name, start, end, css, colour) in enumerate(rows):
        y = 10 + index * step
        x0, x1 = sorted((left + (start - low) * scale, left + (end - low) * scale))
        hours = end - start if "loss" in css else end
        label = _hours(hours)
        if "loss" in css and planned_busy > 0:
            label += f" · {number(hours / planned_busy, '%')}"
        parts.append(_text(left - 10, y + 15, name, "end"))
        parts.append(_rect(x0, y + 2, max(x1 - x0, 1.5), 18, css, colour, f"{name}: {label}"))
        parts.append(_text(right + 10, y + 15, label))
    axis = left - low * scale
    parts.append(f'<line x1="{axis:.1f}" y1="8" x2="{axis:.1f}" y2="{10 + len(rows) * step}" '
                 'stroke="#5b6b7d"/>')  # fmt: skip
    legend_y = 30 + len(rows) * step
    keys = [(BUSY, "Planned busy"), *((FACTOR_COLOUR[f], FACTOR_NAME[f]) for f in FACTOR_NAME)]
    parts.append(_legend(left, legend_y, [*keys, (PRODUCTIVE, "Productive")]))
    title = (
        f"Loss tree: {_hours(planned_busy)} planned busy, {_hours(productive)} productive, "
        "the six big losses between them"
    )
    return _svg(legend_y + 12, title, "".join(parts))


def pareto_chart(rows: Sequence[ParetoLine], unit: str, title: str) -> str:
    """The biggest reasons as bars (left axis, in `unit`), their cumulative share as a line
    (right axis, 0 to 100 %), an 80 % guide."""
    shown = list(rows[:MAX_REASONS])
    if not shown:
        return ""
    left, right, top, bottom = 70.0, 930.0, 15.0, 215.0
    high = max(max((r.amount for r in shown), default=0.0) * 1.1, 1e-9)
    slot = (right - left) / len(shown)
    height = bottom - top
    amount = _hours if unit == "h" else (lambda v: f"{quantity(v)} units")
    parts = [_grid(left, right, top, bottom)]
    points = []
    for index, row in enumerate(shown):
        x = left + index * slot
        tall = max(row.amount, 0.0) / high * height
        tip = f"{row.code} {row.name}: {amount(row.amount)}, {row.occurrences} times, " + (
            f"{number(row.share, '%')} ({number(row.cumulative, '%')} cumulative)"
        )
        parts.append(_rect(x + slot * 0.2, bottom - tall, slot * 0.6, tall, "bar", "#4f81bd", tip))
        centre = x + slot / 2
        points.append((centre, bottom - min(max(row.cumulative, 0.0), 1.0) * height))
        code = row.code if len(row.code) <= 14 else row.code[:13] + "…"
        turn = f' transform="rotate(-35 {centre:.1f} {bottom + 14:.1f})"'
        parts.append(_text(centre, bottom + 14, code, "end", turn))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts.append(f'<polyline class="cumulative" points="{line}" fill="none" stroke="{LINE}" '
                 'stroke-width="2.5"/>')  # fmt: skip
    parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LINE}"/>' for x, y in points]
    eighty = bottom - 0.8 * height
    parts.append(f'<line x1="{left}" y1="{eighty:.1f}" x2="{right}" y2="{eighty:.1f}" '
                 f'stroke="{LINE}" stroke-dasharray="4 4" stroke-width="1"/>')  # fmt: skip
    for share in (0.0, 0.5, 0.8, 1.0):
        y = bottom - share * height + 4
        parts.append(_text(right + 8, y, f"{share:.0%}"))
    for share in (0.0, 0.5, 1.0):
        figure = number(high * share, "h") if unit == "h" else quantity(high * share)
        parts.append(_text(left - 8, bottom - share * height + 4, figure, "end"))
    legend = [("#4f81bd", "Hours per reason (left)" if unit == "h" else "Units per reason (left)"),
              (LINE, "Cumulative share (right)")]  # fmt: skip
    parts.append(_legend(left, bottom + 95, legend))
    return _svg(bottom + 105, title, "".join(parts))


def _grid(left: float, right: float, top: float, bottom: float, lines: int = 4) -> str:
    step = (bottom - top) / lines
    return "".join(
        f'<line x1="{left}" y1="{top + i * step:.1f}" x2="{right}" y2="{top + i * step:.1f}" '
        f'stroke="{GRID}"/>'
        for i in range(lines + 1)
    )


def trend_chart(trend: Sequence[Line], target: float | None) -> str:
    """OEE per day as a line (a day without OEE breaks it, never drawn at 0), the target as
    a dashed line."""
    values = [day.oee for day in trend]
    known = [v for v in values if v is not None]
    if not known:
        return '<p class="empty">No OEE in the period.</p>'
    left, right, top, bottom = 70.0, 960.0, 15.0, 215.0
    high = max(1.0, *known, target or 0.0)
    slot = (right - left) / len(trend)
    parts = [_grid(left, right, top, bottom, 5)]
    for i in range(6):
        share = high * i / 5
        parts.append(_text(left - 8, bottom - i * (bottom - top) / 5 + 4, f"{share:.0%}", "end"))
    if target is not None:
        y = bottom - target / high * (bottom - top)
        parts.append(f'<line class="target" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                     'stroke="#3c8d2f" stroke-dasharray="6 4" stroke-width="1.5"/>')  # fmt: skip
        parts.append(_text(right, y - 5, f"target {number(target, '%')}", "end"))
    runs: list[list[tuple[float, float]]] = [[]]
    for index, (day, value) in enumerate(zip(trend, values, strict=True)):
        centre = left + (index + 0.5) * slot
        turn = f' transform="rotate(-35 {centre:.1f} {bottom + 14:.1f})"'
        parts.append(_text(centre, bottom + 14, day.label, "end", turn))
        if value is None:
            runs.append([])
            continue
        y = bottom - value / high * (bottom - top)
        runs[-1].append((centre, y))
        tip = f"{day.label}: OEE {number(value, '%')}"
        parts.append(f'<circle cx="{centre:.1f}" cy="{y:.1f}" r="4" fill="{BUSY}">'
                     f"<title>{escape(tip)}</title></circle>")  # fmt: skip
        if len(trend) <= 14:
            parts.append(_text(centre, y - 9, number(value, "%"), "middle"))
    for run in (r for r in runs if len(r) > 1):
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        parts.append(f'<polyline class="trend" points="{line}" fill="none" stroke="{BUSY}" '
                     'stroke-width="2.5"/>')  # fmt: skip
    return _svg(bottom + 80, "OEE per day", "".join(parts))
