"""The board's Gantt as ECharts options: one row per work center, a bar per scheduled
operation coloured by order, status, lateness or setup family, its non-working time shaded,
a line at now; and the small script that lets a planner drag a bar to another time or work
center (ECharts has no dragging of custom series: the script follows the pointer and tells
the page where the bar was dropped).

ECharts places a time axis' ticks in the browser's time zone (or UTC), never the site's: the
chart is therefore drawn in the site's wall clock written as UTC (`wall_ms`; `useUTC`), so
its ticks fall on the site's midnights and hours, and a drop is read back with `from_wall`."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from plantops.planning.gantt import Bar, Board
from plantops.web.words import late_by

COLOURINGS = {
    "order": "Order",
    "status": "Status",
    "lateness": "Lateness",
    "setup": "Setup family",
}
# distinct and readable on white; an order or setup family keeps its colour between visits
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948",
    "#9c755f", "#e15759", "#86bcb6", "#8cd17d", "#d4a6c8", "#a0cbe8",
)  # fmt: skip
STATUS_COLOURS = {
    "proposed": "#a0cbe8",
    "approved": "#4e79a7",
    "firm": "#1f3a5f",
    "released": "#59a14f",
    "ready": "#59a14f",
    "waiting_for_material": "#edc948",
    "in_progress": "#f28e2b",
    "paused": "#b07aa1",
    "on_hold": "#e15759",
}
ON_TIME, A_DAY_LATE, LATE = "#59a14f", "#edc948", "#e15759"
LANE_HEIGHT = 34  # pixels per work center


def colour(bar: Bar, by: str) -> str:
    if by == "setup":
        return family_colour(bar.setup_family)
    if by == "status":
        return STATUS_COLOURS.get(bar.status, "#9e9e9e")
    if by == "lateness":
        if bar.late_seconds <= 0:
            return ON_TIME
        return A_DAY_LATE if bar.late_seconds <= 86400 else LATE
    return _hashed(bar.order)


def family_colour(family: str | None) -> str:
    return _hashed(family) if family else "#bdbdbd"  # no family: no changeover to save


def _hashed(key: str) -> str:
    return PALETTE[zlib.crc32(key.encode()) % len(PALETTE)]


# colour by order: too many orders for swatches, so the legend says how to read it
ORDER_LEGEND = (
    "Each order has its own colour: its code is on the bar where it fits, "
    "and pointing at a bar names it."
)


def legend(board: Board, by: str) -> list[tuple[str, str]]:
    """(label, colour) pairs that explain the colours (for order: none, see ORDER_LEGEND)."""
    if by == "status":
        shown = sorted({b.status for b in board.bars})
        return [(s.replace("_", " "), STATUS_COLOURS.get(s, "#9e9e9e")) for s in shown]
    if by == "lateness":
        return [("on time", ON_TIME), ("up to a day late", A_DAY_LATE), ("later", LATE)]
    if by == "setup":
        families = sorted({b.setup_family for b in board.bars if b.setup_family})
        return [(f, family_colour(f)) for f in families]
    return []


def wall_ms(instant: datetime, zone: tzinfo) -> int:
    """The instant as the chart draws it: the site's wall clock, written as UTC milliseconds."""
    wall = instant.astimezone(zone).replace(tzinfo=UTC)
    return int(wall.timestamp() * 1000)


def from_wall(milliseconds: int, zone: tzinfo) -> datetime:
    """The UTC instant of a point of the chart (the site's wall clock: see `wall_ms`)."""
    wall = datetime(1970, 1, 1) + timedelta(milliseconds=milliseconds)
    return wall.replace(tzinfo=zone).astimezone(UTC)


def tip(bar: Bar, zone: tzinfo) -> str:
    """The tooltip of a bar (site time); plain text, shown as text by the chart."""
    start, end = bar.starts_at.astimezone(zone), bar.ends_at.astimezone(zone)
    late = f" · {late_by(bar.late_seconds)}" if bar.late_seconds else ""
    pin = " · pinned" if bar.pin_id else ""
    return (
        f"{bar.order} op {bar.sequence} {bar.name} · {bar.item}\n"
        f"{start:%a %d %b %H:%M} - {end:%a %d %b %H:%M}\n"
        f"{bar.status.replace('_', ' ')} · due {bar.due:%d %b}{late}{pin}"
    )


def options(board: Board, by: str, zone: tzinfo) -> dict[str, Any]:
    rows = {lane.id: i for i, lane in enumerate(board.lanes)}

    def _ms(instant: datetime) -> int:
        return wall_ms(instant, zone)

    bars = [
        {
            "value": [rows[b.work_center_id], _ms(b.starts_at), _ms(b.ends_at), b.id,
                      1 if b.pin_id else 0, f"{b.order}/{b.sequence}"],
            "itemStyle": {"color": colour(b, by)},
            "tip": tip(b, zone),
        }
        for b in board.bars
        if b.work_center_id in rows
    ]  # fmt: skip
    off = [[i, _ms(a), _ms(b)] for i, lane in enumerate(board.lanes) for a, b in lane.off]
    now = _ms(board.now)
    return {
        "animation": False,
        "useUTC": True,  # the site's wall clock (see wall_ms)
        "grid": {"left": 80, "right": 24, "top": 24, "bottom": 64, "containLabel": False},
        "tooltip": {"trigger": "item", ":formatter": TOOLTIP, "confine": True},
        "xAxis": {
            "type": "time",
            "position": "top",
            "splitLine": {"show": True, "lineStyle": {"color": "#eceff3"}},
            "axisLabel": {
                ":formatter": AXIS_LABEL,
                "hideOverlap": True,
            },
        },
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": [lane.code for lane in board.lanes],
            "axisTick": {"show": False},
            "splitLine": {"show": True, "lineStyle": {"color": "#eceff3"}},
        },
        "dataZoom": [
            {"type": "slider", "xAxisIndex": 0, "filterMode": "weakFilter", "height": 22,
             "bottom": 12, "startValue": now - 2 * 3600_000, "endValue": now + 7 * 86400_000,
             "labelFormatter": ""},
            {"type": "inside", "xAxisIndex": 0, "filterMode": "weakFilter",
             "moveOnMouseMove": "shift", "zoomOnMouseWheel": True},
        ],
        "series": [
            {"id": "off", "type": "custom", "silent": True, "z": 1, ":renderItem": SHADE,
             "encode": {"x": [1, 2], "y": 0}, "data": off},
            {"id": "operations", "name": "operations", "type": "custom", "z": 3, ":renderItem": BAR,
             "encode": {"x": [1, 2], "y": 0}, "data": bars,
             "markLine": {"silent": True, "symbol": "none", "animation": False,
                          "lineStyle": {"color": "#b3261e", "width": 2, "type": "solid"},
                          "label": {"formatter": "now", "color": "#b3261e"},
                          "data": [{"xAxis": now}]}},
        ],
    }  # fmt: skip


# Bars: clipped to the plot, a dark outline when pinned, the order's code when it fits
BAR = """function (params, api) {
  var row = api.value(0), a = api.coord([api.value(1), row]), b = api.coord([api.value(2), row]);
  var h = api.size([0, 1])[1] * 0.62, c = params.coordSys;
  var x = Math.max(a[0], c.x), w = Math.min(b[0], c.x + c.width) - x;
  if (w <= 0) return null;
  var w2 = Math.max(w, 2), y = a[1] - h / 2, pinned = api.value(4) === 1;
  var style = api.style({stroke: pinned ? '#111' : 'rgba(0,0,0,0.25)', lineWidth: pinned ? 2 : 1});
  var shapes = [{type: 'rect', shape: {x: x, y: y, width: w2, height: h, r: 2}, style: style}];
  if (w2 > 56) shapes.push({type: 'text', silent: true, style: {x: x + 4, y: a[1],
    text: (pinned ? '\\u25C6 ' : '') + api.value(5), fill: '#fff', fontSize: 11,
    verticalAlign: 'middle', width: w2 - 8, overflow: 'truncate'}});
  return {type: 'group', children: shapes};
}"""

# Non-working time: the whole row, light grey
SHADE = """function (params, api) {
  var row = api.value(0), a = api.coord([api.value(1), row]), b = api.coord([api.value(2), row]);
  var h = api.size([0, 1])[1], c = params.coordSys;
  var x = Math.max(a[0], c.x), w = Math.min(b[0], c.x + c.width) - x;
  if (w <= 0) return null;
  return {type: 'rect', shape: {x: x, y: a[1] - h / 2, width: w, height: h},
          style: {fill: 'rgba(120,130,145,0.16)'}};
}"""

TOOLTIP = (
    "function (p) { return p.data && p.data.tip ? p.data.tip.split('\\n').join('<br>') : ''; }"
)

# The site's wall clock on the axis (the chart's UTC: see wall_ms): a day at its midnight,
# else the hour, 24-hour
AXIS_LABEL = """function (value) {
  var at = new Date(value), midnight = value % 86400000 === 0;
  return new Intl.DateTimeFormat('en-GB', midnight
    ? {timeZone: 'UTC', weekday: 'short', day: '2-digit', month: 'short'}
    : {timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'}).format(at);
}"""

# Dragging a bar with a mouse or pen: a ghost follows the pointer (snapped to a row); on release
# the page is told which operation went to which row and instant, and asks before pinning. A
# click without moving stays a click. A touch never drags (a swipe meant to pan must not move
# work): it pans the timeline sideways, and a tap opens the order. `editable`: the visitor may
# change the schedule (else nothing drags).
DRAG_SCRIPT = """
<script>
window.plantopsBoard = function (id, editable) {
  var el = getElement(id);
  if (!el || !el.chart) { setTimeout(function () { plantopsBoard(id, editable); }, 50); return; }
  el.boardEditable = editable;
  if (el.boardReady === el.chart) return;
  el.boardReady = el.chart;
  var chart = el.chart, zr = chart.getZr(), drag = null, swipe = null;
  var seriesId = {seriesId: 'operations'};
  var clock = new Intl.DateTimeFormat('en-GB', {timeZone: 'UTC', weekday: 'short',
    day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
  function touched(e) {  // zrender turns touches into mouse events and marks them
    var n = e && e.event;
    return !!n && (n.zrByTouch || n.pointerType === 'touch' || /^touch/.test(n.type || ''));
  }
  function clear() {
    chart.setOption({graphic: [{id: 'ghost', $action: 'remove'},
                               {id: 'ghostText', $action: 'remove'}]});
  }
  function y0px(x) { return chart.convertToPixel(seriesId, [x, 0])[1]; }
  function target(e) {
    var at = chart.convertFromPixel(seriesId, [e.offsetX - drag.grab, e.offsetY]);
    var lanes = chart.getOption().yAxis[0].data;
    var row = Math.min(Math.max(Math.round(at[1]), 0), lanes.length - 1);
    return {start: Math.round(at[0]), row: row, lane: lanes[row]};
  }
  chart.on('mousedown', function (p) {
    if (!el.boardEditable || touched(p.event)) return;
    if (p.seriesId !== 'operations' || !p.data) return;
    var v = p.data.value, a = chart.convertToPixel(seriesId, [v[1], v[0]]);
    var b = chart.convertToPixel(seriesId, [v[2], v[0]]);
    drag = {id: v[3], grab: p.event.offsetX - a[0], width: Math.max(b[0] - a[0], 6),
            x0: p.event.offsetX, y0: p.event.offsetY, moved: false};
  });
  zr.on('mousedown', function (e) {
    if (!touched(e) || !chart.containPixel('grid', [e.offsetX, e.offsetY])) return;
    var shown = chart.getModel().getComponent('xAxis', 0).axis.scale.getExtent();
    var a = chart.convertToPixel(seriesId, [shown[0], 0])[0];
    var b = chart.convertToPixel(seriesId, [shown[1], 0])[0];
    swipe = {x0: e.offsetX, shown: shown, perPixel: (shown[1] - shown[0]) / Math.max(b - a, 1)};
  });
  zr.on('mousemove', function (e) {
    if (swipe && touched(e)) {
      var by = (swipe.x0 - e.offsetX) * swipe.perPixel;
      chart.dispatchAction({type: 'dataZoom', dataZoomIndex: 0,
        startValue: swipe.shown[0] + by, endValue: swipe.shown[1] + by});
      return;
    }
    if (!drag) return;
    if (!drag.moved && Math.abs(e.offsetX - drag.x0) + Math.abs(e.offsetY - drag.y0) < 6) return;
    drag.moved = true;
    var t = target(e), y = chart.convertToPixel(seriesId, [t.start, t.row])[1];
    var h = Math.abs(chart.convertToPixel(seriesId, [t.start, 1])[1] - y0px(t.start)) * 0.62;
    chart.setOption({graphic: [
      {id: 'ghost', type: 'rect', z: 100, silent: true,
       shape: {x: e.offsetX - drag.grab, y: y - h / 2, width: drag.width, height: h},
       style: {fill: 'rgba(31,58,95,0.25)', stroke: '#1f3a5f', lineDash: [4, 3], lineWidth: 2}},
      {id: 'ghostText', type: 'text', z: 101, silent: true, x: e.offsetX - drag.grab,
       y: y - h / 2 - 16, style: {text: t.lane + ' · ' + clock.format(new Date(t.start)),
       fill: '#1f3a5f', font: 'bold 12px sans-serif', backgroundColor: '#fff'}}]});
  });
  zr.on('mouseup', function (e) {
    swipe = null;
    if (!drag) return;
    var d = drag, t = d.moved ? target(e) : null;
    drag = null;
    if (d.moved) clear();
    if (t) el.$emit('board_drop', {id: d.id, start: t.start, row: t.row});
  });
  zr.on('globalout', function () {
    if (drag && drag.moved) clear();
    drag = null;
    swipe = null;
  });
};
</script>
"""
