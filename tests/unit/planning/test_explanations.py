"""Why an order is late, on the site's wall clock rather than in the engine's seconds."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from plantops.planning.schedule_result import wall_clock
from plantops.planning.shop import Shop


def test_the_engines_times_are_read_on_the_sites_clock() -> None:
    # the plan starts at Berlin's midnight of Monday 2 March 2026 (23:00 UTC the day before)
    shop = Shop(datetime(2026, 3, 1, 23, tzinfo=UTC), ZoneInfo("Europe/Berlin"), {}, (), (), {}, {})
    said = {
        "WELD not available before 21600": "WELD not available before Mon 02 Mar 06:00",
        "waits for MO-1-00004/10 until 120600": "waits for MO-1-00004/10 until Tue 03 Mar 09:30",
        "follows MO-1-00003/10 (ended 3600)": "follows MO-1-00003/10 (ended Mon 02 Mar 01:00)",
        "starts at 0, released at 0": "starts at Mon 02 Mar 00:00, released at Mon 02 Mar 00:00",
        "waits for pool skill WELD held by MO-7/20": "waits for pool skill WELD held by MO-7/20",
    }
    assert {detail: wall_clock(shop, detail) for detail in said} == said
