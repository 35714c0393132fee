"""The planning board in a real browser, as a planner uses it: run the plan from the board and
watch it end, open an operation's order, drag the operation onto another work center, confirm
and pin it there (or undo), then re-optimise around the pin; as a supervisor, who only reads
the schedule; and on a touch screen, where a swipe pans and never moves work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from plantops.access.caller import SYSTEM
from plantops.integration.service import import_plant
from plantops.masterdata.models import Calendar, WorkCenter
from plantops.org.models import Site
from plantops.planning import models as m
from plantops.planning.models import OperationPin
from plantops.planning.policy import set_policy
from plantops.planning.schemas import PlanningPolicyIn
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.web.board_chart import ORDER_LEGEND, from_wall, wall_ms
from plantops.web.board_detail import VIEW_ONLY, no_reason
from tests.integration.test_pins import plant_with_a_second_welder
from tests.web.conftest import TABLET, browser_as, screenshots

BERLIN = ZoneInfo("Europe/Berlin")
CHART = "getElement(parseInt(document.querySelector('.nicegui-echart').id.slice(1))).chart"
# The first welding bar (row 1: WELD; rows are ASSY, WELD, WELD2) starting a day from now
# or later, shown from an hour before it; its pixels, and those of a target on WELD2 an hour
# later (on a five-minute mark, as the board snaps drops), and of the same time on ASSY. The
# chart's instants are the site's wall clock written as UTC.
FIND_WELD = """() => {
  const chart = CHART, sid = {seriesId: 'operations'};
  const bars = chart.getOption().series[1].data.map(d => d.value)
    .filter(v => v[0] === 1 && v[1] > Date.now() + 86400000);
  const v = bars[0];
  chart.dispatchAction({type: 'dataZoom', dataZoomIndex: 0,
                        startValue: v[1] - 3600000, endValue: v[1] + 12 * 3600000});
  const target = Math.ceil((v[1] + 3600000) / 300000) * 300000;
  const box = document.querySelector('.nicegui-echart').getBoundingClientRect();
  const a = chart.convertToPixel(sid, [v[1], 1]), t = chart.convertToPixel(sid, [target, 2]);
  const wrong = chart.convertToPixel(sid, [target, 0]);
  return {id: v[3], start: v[1], target: target, x: box.left + a[0] + 6, y: box.top + a[1],
          tx: box.left + t[0] + 6, ty: box.top + t[1], wy: box.top + wrong[1]};
}""".replace("CHART", CHART)
# Where the bar of a scheduled operation is now (page pixels)
WHERE = """(id) => {
  const chart = CHART, sid = {seriesId: 'operations'};
  const v = chart.getOption().series[1].data.map(d => d.value).find(v => v[3] === id);
  if (!v) return null;  // not drawn (yet): the chart is being redrawn
  const box = document.querySelector('.nicegui-echart').getBoundingClientRect();
  const a = chart.convertToPixel(sid, [v[1], v[0]]);
  return {x: box.left + a[0] + 6, y: box.top + a[1]};
}""".replace("CHART", CHART)
# Show `days` from where the time axis starts
SHOW_DAYS = """(days) => {
  const chart = CHART, from = chart.getModel().getComponent('xAxis', 0).axis.scale.getExtent()[0];
  chart.dispatchAction({type: 'dataZoom', dataZoomIndex: 0, startValue: from,
                        endValue: from + days * 86400000});
}""".replace("CHART", CHART)
# The time axis as drawn: its extent and its labels with their instants
AXIS = """() => {
  const axis = CHART.getModel().getComponent('xAxis', 0).axis;
  const labels = axis.getViewLabels().map(l => [l.tick.value, l.formattedLabel]);
  return {extent: axis.scale.getExtent(), labels: labels};
}""".replace("CHART", CHART)


def _bicycles(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        import_plant(session, SYSTEM, plant_with_a_second_welder())
        calendar = session.scalars(select(Calendar)).one()
        site = session.scalars(select(Site.id)).one()
        set_policy(session, SYSTEM, site, PlanningPolicyIn(calendar_id=calendar.id))


def _working(instant: datetime) -> datetime:
    """The instant, or the next start of the day shift (06:00 to 14:00, Monday to Friday)."""
    local = instant.astimezone(BERLIN)
    if local.weekday() < 5 and 6 <= local.hour < 14:
        return instant
    day = local.date() + timedelta(days=0 if local.hour < 6 else 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 6, tzinfo=BERLIN).astimezone(UTC)


def _run_and_wait(page: Any, button: str, run: int) -> None:
    page.get_by_role("button", name=button).click()
    page.get_by_text(f"Run {run}: succeeded").wait_for(timeout=120_000)


def _drag(page: Any, x: float, y: float, tx: float, ty: float) -> None:
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move((x + tx) / 2, (y + ty) / 2, steps=5)
    page.mouse.move(tx, ty, steps=5)
    page.mouse.up()


def _pins(factory: Any) -> list[OperationPin]:
    with factory() as session:
        return list(session.scalars(select(OperationPin)))


def test_a_plan_run_and_a_drag_and_pin_on_the_board(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    _bicycles(sqlite_engine)
    factory = make_session_factory(sqlite_engine)
    with browser_as(chromium, sqlite_base_url, sqlite_engine, "pia", "production_manager") as page:
        page.goto("/board?site=B1")
        page.get_by_text("Nothing is scheduled yet: run the plan.").wait_for()
        page.get_by_text("The plan was never run for this site.").wait_for()
        assert "Swipe sideways on a touch screen" in page.get_by_test_id("board-hint").inner_text()
        _run_and_wait(page, "Run the plan", 1)
        with factory() as session:
            operations = session.scalar(select(func.count()).select_from(m.ScheduledOperation))
            orders = session.scalar(
                select(func.count(func.distinct(m.ScheduledOperation.production_order_id)))
            )
        assert operations and orders
        page.get_by_text(f"{operations} operations · {orders} orders").wait_for()
        assert page.get_by_test_id("order-legend").inner_text() == ORDER_LEGEND
        screenshots(page, "board")

        bar = page.evaluate(FIND_WELD)
        with factory() as session:
            placed = session.get_one(m.ScheduledOperation, bar["id"])
            order = session.get_one(m.ProductionOrder, placed.production_order_id)
        # drawn in the site's wall clock; the axis' days begin at the site's midnight, 24-hour
        assert bar["start"] == wall_ms(placed.starts_at, BERLIN)
        page.evaluate(SHOW_DAYS, 3)
        page.wait_for_timeout(200)
        axis = page.evaluate(AXIS)
        for instant, label in axis["labels"]:
            wall = datetime.fromtimestamp(instant / 1000, UTC)
            assert label == (
                f"{wall:%a %d %b}" if wall.hour == wall.minute == 0 else f"{wall:%H:%M}"
            )
        assert any(label[0] % 86_400_000 == 0 for label in axis["labels"]), axis

        bar = page.evaluate(FIND_WELD)
        page.mouse.click(bar["x"], bar["y"])  # a click opens the operation's order
        dialog = page.locator(".q-dialog")
        dialog.get_by_text(f"{order.code} · FRAME").wait_for()
        dialog.get_by_text("Move and pin operation 10").wait_for()
        assert "SO-" in dialog.inner_text()  # pegged up to the sales order it is for
        day = page.get_by_test_id("pin-day").input_value()
        time = page.get_by_test_id("pin-time").input_value()
        offered = datetime.strptime(f"{day} {time}", "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)
        assert offered == placed.starts_at.astimezone(BERLIN)  # still to come: its own start
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached")

        target = from_wall(bar["target"], BERLIN)
        approve = " The order will be approved." if order.status.value == "proposed" else ""
        # onto a work center that cannot weld: asked, then refused in plain words
        _drag(page, bar["x"], bar["y"], bar["tx"], bar["wy"])
        asked = page.get_by_test_id("confirm-pin")
        asked.get_by_text(
            f"Pin {order.code} op 10 on ASSY from {target.astimezone(BERLIN):%a %d %b %H:%M}?"
        ).wait_for()
        asked.get_by_role("button", name="Pin").click()
        asked.wait_for(state="detached")
        page.get_by_text("ASSY cannot run this operation").wait_for()
        assert "work_center_id" not in page.locator(".q-notifications").inner_text()
        # onto WELD2, and cancelled: nothing changes
        _drag(page, bar["x"], bar["y"], bar["tx"], bar["ty"])
        asked.get_by_text(
            f"on WELD2 from {target.astimezone(BERLIN):%a %d %b %H:%M}?{approve}", exact=False
        ).wait_for()
        asked.get_by_role("button", name="Cancel").click()
        asked.wait_for(state="detached")
        assert _pins(factory) == []
        # pinned, then undone: back where the plan put it, its order as it was
        _drag(page, bar["x"], bar["y"], bar["tx"], bar["ty"])
        asked.get_by_role("button", name="Pin").click()
        page.get_by_text("Pinned from").wait_for()
        page.get_by_text("1 pinned").wait_for()
        assert len(_pins(factory)) == 1
        page.locator(".q-notification").get_by_role("button", name="Undo").click()
        page.get_by_text("Undone: the operation is back where it was").wait_for()
        page.get_by_text("0 pinned").wait_for()
        assert _pins(factory) == []
        with factory() as session:
            again = session.get_one(m.ScheduledOperation, bar["id"])
            assert (again.work_center_id, again.starts_at, again.ends_at) == (
                placed.work_center_id, placed.starts_at, placed.ends_at
            )  # fmt: skip
            assert session.get_one(m.ProductionOrder, order.id).status is order.status

        # dropped on WELD2 again, then pinned where it stands by the dialog's "Move and pin"
        _drag(page, bar["x"], bar["y"], bar["tx"], bar["ty"])
        asked.get_by_role("button", name="Pin").click()
        asked.wait_for(state="detached")
        page.get_by_text("1 pinned").wait_for()
        where = page.evaluate(WHERE, bar["id"])
        for _ in range(100):  # until the chart is redrawn with the bar on WELD2's lane
            if where is not None and abs(where["y"] - bar["ty"]) < 8:
                break
            page.wait_for_timeout(100)
            where = page.evaluate(WHERE, bar["id"])
        assert where is not None and abs(where["y"] - bar["ty"]) < 8, where
        page.mouse.click(where["x"], where["y"])
        page.get_by_test_id("pin-button").click()
        page.get_by_test_id("pin-button").wait_for(state="detached")  # the dialog closes
        with factory() as session:
            pin = session.scalars(select(OperationPin)).one()
            moved = session.get_one(m.ScheduledOperation, bar["id"])
            weld2 = session.scalars(select(WorkCenter.id).where(WorkCenter.code == "WELD2")).one()
        assert (pin.work_center_id, pin.starts_at) == (weld2, _working(target))
        assert (moved.work_center_id, moved.starts_at) == (weld2, _working(target))
        shown = f"{pin.starts_at.astimezone(BERLIN):%a %d %b %H:%M}"
        page.get_by_text(f"◆ {order.code} op 10 on WELD2 from {shown}").wait_for()

        _run_and_wait(page, "Re-optimise around 1 pin", 2)
        page.get_by_text("1 pinned").wait_for()
        with factory() as session:
            assert session.scalar(select(func.count()).select_from(OperationPin)) == 1
            run = session.get_one(m.PlanRun, 2)
            assert run.summary and run.summary["schedule"]["status"] in ("optimal", "feasible")
        screenshots(page, "board-pinned")
        signed_in = page.context.storage_state()

        # on a touch screen a sideways swipe across a bar pans; a tap opens the order
        touch = chromium.new_context(
            viewport=TABLET, base_url=sqlite_base_url, has_touch=True, storage_state=signed_in
        )
        try:
            _swipe_and_tap(touch.new_page(), factory, operations)
        finally:
            touch.close()

    with browser_as(chromium, sqlite_base_url, sqlite_engine, "sid", "supervisor") as page:
        page.goto("/board?site=B1")
        page.get_by_text(f"{operations} operations").wait_for()
        page.get_by_text("Run 2: succeeded").wait_for()
        assert page.get_by_role("button", name="Run the plan").count() == 0
        assert page.get_by_role("button", name="Re-optimise around 1 pin").count() == 0
        page.get_by_test_id("view-only").wait_for()
        bar = page.evaluate(FIND_WELD)
        _drag(page, bar["x"], bar["y"], bar["tx"], bar["ty"])  # nothing to drag
        page.mouse.click(bar["x"], bar["y"])
        dialog = page.locator(".q-dialog")
        dialog.get_by_text(VIEW_ONLY).wait_for()
        assert page.get_by_test_id("confirm-pin").count() == 0
        assert page.get_by_test_id("pin-button").count() == 0
        assert len(_pins(factory)) == 1


def _swipe_and_tap(page: Any, factory: Any, operations: int) -> None:
    page.goto("/board?site=B1")
    page.get_by_text(f"{operations} operations").wait_for()
    bar = page.evaluate(FIND_WELD)
    before = page.evaluate(AXIS)["extent"]
    cdp = page.context.new_cdp_session(page)
    x, y = bar["x"], bar["y"]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 9):
        point = {"x": x + 30 * step, "y": y + 2 * step}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(300)
    after = page.evaluate(AXIS)["extent"]
    assert after[0] < before[0] - 3600_000, (before, after)  # panned back in time
    assert page.get_by_test_id("confirm-pin").count() == 0
    assert len(_pins(factory)) == 1  # the pin of before, nothing more
    where = page.evaluate(WHERE, bar["id"])
    page.touchscreen.tap(where["x"], where["y"])
    page.locator(".q-dialog").get_by_text("Move and pin operation 10").wait_for()


def test_a_late_order_due_before_the_plan_started_says_so() -> None:
    late = no_reason(datetime(2026, 3, 2).date(), datetime(2026, 3, 4).date())
    assert late.startswith("It was due Mon 02 Mar, before the plan started (Wed 04 Mar)")
    assert no_reason(datetime(2026, 3, 5).date(), datetime(2026, 3, 4).date()) == (
        "The schedule gave no reason for it."
    )
