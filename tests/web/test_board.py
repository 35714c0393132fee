"""The planning board in a real browser, as a planner uses it: run the plan from the board and
watch it end, open an operation's order, drag the operation onto another work center and
pin it there, then re-optimise around the pin."""

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
from tests.integration.test_pins import plant_with_a_second_welder
from tests.web.conftest import browser_as, screenshots

BERLIN = ZoneInfo("Europe/Berlin")
CHART = "getElement(parseInt(document.querySelector('.nicegui-echart').id.slice(1))).chart"
# The first welding bar (row 1: WELD; rows are ASSY, WELD, WELD2) starting a day from now
# or later, shown from an hour before it; its pixels, and those of a target on WELD2 an hour
# later (on a five-minute mark, as the board snaps drops)
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
  return {id: v[3], start: v[1], target: target, x: box.left + a[0] + 6, y: box.top + a[1],
          tx: box.left + t[0] + 6, ty: box.top + t[1]};
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


def test_a_plan_run_and_a_drag_and_pin_on_the_board(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    _bicycles(sqlite_engine)
    factory = make_session_factory(sqlite_engine)
    with browser_as(chromium, sqlite_base_url, sqlite_engine, "pia", "production_manager") as page:
        page.goto("/board?site=B1")
        page.get_by_text("Nothing is scheduled yet: run the plan.").wait_for()
        page.get_by_text("The plan was never run for this site.").wait_for()
        _run_and_wait(page, "Run the plan", 1)
        with factory() as session:
            operations = session.scalar(select(func.count()).select_from(m.ScheduledOperation))
            orders = session.scalar(
                select(func.count(func.distinct(m.ScheduledOperation.production_order_id)))
            )
        assert operations and orders
        page.get_by_text(f"{operations} operations · {orders} orders").wait_for()
        screenshots(page, "board")

        bar = page.evaluate(FIND_WELD)
        with factory() as session:
            placed = session.get_one(m.ScheduledOperation, bar["id"])
            order = session.get_one(m.ProductionOrder, placed.production_order_id)
        page.mouse.click(bar["x"], bar["y"])  # a click opens the operation's order
        dialog = page.locator(".q-dialog")
        dialog.get_by_text(f"{order.code} · FRAME").wait_for()
        dialog.get_by_text("Move and pin operation 10").wait_for()
        assert "SO-" in dialog.inner_text()  # pegged up to the sales order it is for
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")

        page.mouse.move(bar["x"], bar["y"])
        page.mouse.down()
        page.mouse.move((bar["x"] + bar["tx"]) / 2, (bar["y"] + bar["ty"]) / 2, steps=5)
        page.mouse.move(bar["tx"], bar["ty"], steps=5)
        page.mouse.up()
        page.get_by_text("Pinned from").wait_for()
        page.get_by_text("1 pinned").wait_for()
        target = datetime.fromtimestamp(bar["target"] / 1000, UTC)
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
