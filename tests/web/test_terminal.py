"""The operator terminal in a real browser: an operator picks the work center (those with
work first, with their count) and reports a whole operation (start, good and scrap, pause
with a reason, resume, complete) and a downtime, each reaching the ledger as tapped; a
fraction of a piece, more than open and a completion short of the plan are caught in the
pad; a refused event is shown with the server's message; and with the network cut, the taps
wait on the tablet and reach the ledger exactly once when it is back, even when an answer
is lost on the way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine, select

from plantops.execution.lifecycle import EventKind
from plantops.execution.models import OrderOperation, ShopEvent
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.types import OperationStatus, WorkCenterState
from tests.accounts import admin_token
from tests.floor import Floor
from tests.web.conftest import TABLET, browser_as, screenshots

E = EventKind


@pytest.fixture
def floor(sqlite_base_url: str, sqlite_engine: Engine) -> Iterator[Floor]:
    """The small floor plant of the execution tests (SAW, WELD; BRK, SCR) on this database."""
    token = admin_token(make_session_factory(sqlite_engine))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{sqlite_base_url}/api/v1", headers=headers, timeout=30) as api:
        yield Floor(api)


def ledger(engine: Engine, operation_id: int | None = None, **where: Any) -> list[ShopEvent]:
    """The shop-floor events recorded, in the order they occurred."""
    with unit_of_work(make_session_factory(engine)) as session:
        query = select(ShopEvent).order_by(ShopEvent.occurred_at, ShopEvent.id)
        if operation_id is not None:
            query = query.where(ShopEvent.order_operation_id == operation_id)
        for name, value in where.items():
            query = query.where(getattr(ShopEvent, name) == value)
        found = list(session.scalars(query))
        session.expunge_all()
        return found


def tally(engine: Engine, operation_id: int) -> tuple[OperationStatus, Decimal, Decimal]:
    with unit_of_work(make_session_factory(engine)) as session:
        op = session.get(OrderOperation, operation_id)
        assert op is not None
        return op.status, op.good, op.scrap


def figure(page: Any, name: str) -> str:
    return str(page.locator(f'[data-figure="{name}"] strong').inner_text())


def count(page: Any, good: float, scrap: int = 0, reason: str | None = None) -> None:
    """Fill the open pad's counters (and the scrap reason) as an operator does."""
    pad = page.get_by_role("dialog")
    pad.get_by_label("Good", exact=True).fill(str(good))
    pad.get_by_label("Scrap", exact=True).fill(str(scrap))
    if reason:
        pad.locator(f'[data-reason="{reason}"]').click()


def options(page: Any) -> list[str]:
    """The work center picker's choices, in order (it is left open)."""
    page.get_by_label("Work center").click()
    found = page.get_by_role("option")
    found.first.wait_for()
    return [str(t).strip() for t in found.all_inner_texts()]


GREY = "rgb(228, 231, 235)"


def looks_disabled(button: Any) -> None:
    """Greyed and flat, as a button that cannot be tapped now looks (retried: the panel is
    redrawn when the server's floor arrives)."""
    expect(button).to_be_disabled()
    expect(button).to_have_css("background-color", GREY)
    expect(button).to_have_css("box-shadow", "none")


def test_an_operator_reports_a_full_operation_on_the_terminal(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine, floor: Floor
) -> None:
    cut, weld = floor.release(make_session_factory(sqlite_engine), quantity=10)
    granted = {"site_ids": (floor.site_id,)}
    with browser_as(chromium, sqlite_base_url, sqlite_engine, "ada", "operator", **granted) as page:
        assert page.url.endswith("/terminal")  # where an operator lands
        page.set_viewport_size(TABLET)
        # the navigation starts closed: the tablet's width is the panel's
        drawer = page.locator(".q-drawer")
        expect(drawer).not_to_be_in_viewport()
        page.get_by_role("button", name="Menu").click()  # and opens on demand
        expect(drawer).to_be_in_viewport(ratio=1)
        page.get_by_role("button", name="Menu").click()
        expect(drawer).not_to_be_in_viewport()
        assert options(page) == [
            "SAW · Saw — 1 to run", "WELD · Weld — 1 to run", "WELD2 · Weld2"
        ]  # fmt: skip
        page.get_by_role("option", name="SAW · Saw").click()
        dispatch = page.get_by_role("region", name="Dispatch list")
        line = dispatch.locator(f'[data-op="{cut["id"]}"]')
        assert "MO-F1-" in line.inner_text() and "Op 10 · cut" in line.inner_text()
        assert "ready" in line.inner_text() and "0 of 10 good" in line.inner_text()
        assert dispatch.locator("[data-op]").count() == 1  # the weld is WELD's
        line.click()
        panel = page.get_by_role("region", name="Operation")
        assert panel.locator(".pt-op-title").inner_text() == "Op 10 · cut"
        looks_disabled(panel.get_by_role("button", name="Pause"))
        assert page.locator("[data-center-state]").inner_text() == "never reported"
        panel.get_by_role("button", name="Start").click()
        page.get_by_text("✓ All sent").wait_for()
        assert panel.locator("[data-status]").inner_text() == "in progress"
        looks_disabled(panel.get_by_role("button", name="Start"))
        expect(panel.get_by_role("button", name="Pause")).not_to_have_css("background-color", GREY)
        page.locator('[data-center-state="running"]').wait_for()  # a start: the machine runs

        panel.get_by_role("button", name="Good / scrap").click()
        count(page, good=1.5)  # frames are counted in pcs: no half of one
        page.get_by_role("dialog").get_by_role("button", name="Report").click()
        message = page.get_by_role("dialog").get_by_role("alert").inner_text()
        assert message == "Good: 1.5 is not a whole number of pcs."
        count(page, good=11)  # more than started: said at once, nothing queued
        page.get_by_role("dialog").get_by_role("button", name="Report").click()
        message = page.get_by_role("dialog").get_by_role("alert").inner_text()
        assert message == "Good and scrap: 11 is more than the 10 open."
        count(page, good=7, scrap=1)
        page.get_by_role("dialog").get_by_role("button", name="Report").click()
        assert "Scrap reason: pick" in page.get_by_role("dialog").get_by_role("alert").inner_text()
        count(page, good=7, scrap=1, reason="SCR")
        page.get_by_role("dialog").get_by_role("button", name="Report").click()
        page.get_by_text("✓ All sent").wait_for()
        assert (figure(page, "good"), figure(page, "scrap"), figure(page, "open")) == (
            "7",
            "1",
            "2",
        )
        screenshots(page, "terminal")
        page.set_viewport_size(TABLET)
        # the log of taps begins in sight on the tablet, below the operation's panel
        log = page.get_by_role("region", name="Recorded on this tablet")
        expect(log.get_by_text("Recorded on this tablet")).to_be_in_viewport(ratio=1)

        panel.get_by_role("button", name="Pause").click()
        page.get_by_role("dialog").locator('[data-reason="BRK"]').click()
        panel.locator('[data-status="paused"]').wait_for()
        panel.get_by_role("button", name="Resume").click()
        panel.locator('[data-status="in_progress"]').wait_for()
        _completed(page, panel)

        page.get_by_role("button", name="Report downtime").click()
        page.get_by_role("dialog").locator('[data-reason="BRK"]').click()
        page.locator('[data-center-state="down"]').wait_for()
        down = page.locator("[data-center-state]").inner_text()
        assert "Breakdown" in down
        page.get_by_role("button", name="Running again").click()
        page.locator('[data-center-state="running"]').wait_for()
        page.get_by_text("✓ All sent").wait_for()
        # the server's refreshed list: the cut is done, nothing else runs on SAW
        dispatch.get_by_text("Nothing to run on this work center.").wait_for()
        _refused(page, floor, weld)

    events = ledger(sqlite_engine, cut["id"])
    assert [e.kind for e in events] == [
        E.operation_start, E.operation_report, E.operation_pause, E.operation_resume,
        E.operation_complete,
    ]  # fmt: skip
    report, pause, complete = events[1], events[2], events[4]
    assert (report.good, report.scrap) == (Decimal(7), Decimal(1))
    assert report.scrap_reason_code_id == floor.reason["SCR"]
    assert pause.reason_code_id == floor.reason["BRK"]
    assert (complete.good, complete.scrap) == (Decimal(2), Decimal(0))
    assert {e.recorded_by for e in events} == {"ada"} and not any(e.late for e in events)
    assert tally(sqlite_engine, cut["id"]) == (OperationStatus.completed, Decimal(9), Decimal(1))
    states = ledger(sqlite_engine, work_center_id=floor.center["SAW"], kind=E.work_center_state)
    assert [(s.state, s.reason_code_id) for s in states] == [
        (WorkCenterState.down, floor.reason["BRK"]), (WorkCenterState.running, None),
    ]  # fmt: skip
    # written 24-hour in the site's time zone, as the rest of the app writes times
    at = states[0].occurred_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin"))
    assert down.endswith(f" since {at:%a %d %b %H:%M}"), down


def _completed(page: Any, panel: Any) -> None:
    """Complete with 2 open: the pad starts at them as good; one fewer asks to confirm the
    shortfall (the operator corrects it instead)."""
    complete = panel.get_by_role("button", name="Complete")
    expect(complete).to_have_css("background-color", "rgb(31, 58, 95)")  # the primary colour
    complete.click()
    pad = page.get_by_role("dialog")
    assert pad.get_by_label("Good", exact=True).input_value() == "2"
    assert pad.get_by_label("Scrap", exact=True).input_value() == "0"
    count(page, good=1)
    pad.get_by_role("button", name="Complete").click()
    said = "1 piece not reported: complete anyway? They will count as short."
    assert pad.get_by_role("alert").inner_text() == said
    assert pad.get_by_role("button", name="Complete anyway").is_visible()
    count(page, good=2)  # corrected: nothing short, nothing to confirm
    pad.get_by_role("button", name="Complete", exact=True).click()
    panel.locator('[data-status="completed"]').wait_for()
    # the server's floor no longer lists it; the panel keeps it, done, until the next tap
    dispatch = page.get_by_role("region", name="Dispatch list")
    expect(dispatch).to_contain_text("Nothing to run on this work center.")
    expect(panel.locator("[data-status]")).to_have_text("completed")
    expect(panel).to_contain_text("Completed. Tap the next operation in the dispatch list.")
    looks_disabled(panel.get_by_role("button", name="Complete"))


def _refused(page: Any, floor: Floor, weld: dict[str, Any]) -> None:
    """A supervisor holds the order meanwhile: the weld's start is refused by the server,
    shown with its message, and not kept waiting."""
    held = floor.send(E.order_hold, production_order_id=weld["production_order_id"], note="QA")
    assert held.status_code == 201, held.text
    page.reload()  # the picker as it is now: the saw has nothing left to run
    assert options(page) == ["WELD · Weld — 1 to run", "SAW · Saw", "WELD2 · Weld2"]
    page.get_by_role("option", name="WELD · Weld — 1 to run", exact=True).click()
    page.locator(f'[data-op="{weld["id"]}"]').click()
    page.get_by_role("region", name="Operation").get_by_role("button", name="Start").click()
    alert = page.locator(".pt-trouble")
    alert.wait_for()
    assert "not recorded" in alert.inner_text()
    assert "is on_hold: its operations take no events" in alert.inner_text()
    assert page.get_by_text("✓ All sent").is_visible()


def test_taps_made_offline_reach_the_ledger_exactly_once(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine, floor: Floor
) -> None:
    cut, _ = floor.release(make_session_factory(sqlite_engine), quantity=10)
    saw = floor.center["SAW"]
    granted = {"site_ids": (floor.site_id,)}
    with browser_as(chromium, sqlite_base_url, sqlite_engine, "ben", "operator", **granted) as page:
        page.goto(f"/terminal?work_center={saw}")
        page.locator(f'[data-op="{cut["id"]}"]').click()
        panel = page.get_by_role("region", name="Operation")
        page.context.set_offline(True)
        panel.get_by_role("button", name="Start").click()
        panel.get_by_role("button", name="Good / scrap").click()
        count(page, good=4)
        page.get_by_role("dialog").get_by_role("button", name="Report").click()
        panel.get_by_role("button", name="Pause").click()
        page.get_by_role("dialog").locator('[data-reason="BRK"]').click()
        panel.get_by_role("button", name="Resume").click()
        panel.get_by_role("button", name="Complete").click()
        count(page, good=6)
        page.get_by_role("dialog").get_by_role("button", name="Complete").click()
        # the screen shows what was tapped, though none of it has left the tablet
        page.get_by_text("5 events waiting to be sent").wait_for()
        assert panel.locator("[data-status]").inner_text() == "completed"
        assert figure(page, "good") == "10"
        assert ledger(sqlite_engine, cut["id"]) == []
        keys = page.evaluate(
            "JSON.parse(localStorage.getItem('plantops.terminal.queue.ben'))"
            ".map(item => item.body.idempotency_key)"
        )
        assert len(set(keys)) == 5

        lost: list[str] = []

        def lose_first_answer(route: Any) -> None:
            """The first event reaches the server, but its answer is lost on the way back."""
            if not lost:
                lost.append(route.request.post_data_json["idempotency_key"])
                route.fetch()
                route.abort()
            else:
                route.continue_()

        page.route("**/api/v1/events", lose_first_answer)
        back = datetime.now(UTC)
        page.context.set_offline(False)
        page.get_by_text("✓ All sent").wait_for(timeout=30_000)

    events = ledger(sqlite_engine, cut["id"])
    assert sorted(e.idempotency_key for e in events) == sorted(keys)  # each exactly once
    assert lost == [keys[0]]
    assert [e.kind for e in events] == [
        E.operation_start, E.operation_report, E.operation_pause, E.operation_resume,
        E.operation_complete,
    ]  # fmt: skip
    assert all(e.occurred_at < back for e in events)  # stamped when tapped, not when sent
    assert tally(sqlite_engine, cut["id"]) == (OperationStatus.completed, Decimal(10), Decimal(0))
