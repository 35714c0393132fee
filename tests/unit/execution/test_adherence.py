"""Schedule adherence from scheduled and actual instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plantops.execution.adherence import Timed, adherence

T = datetime(2026, 12, 1, 6, tzinfo=UTC)
H = timedelta(hours=1)


def test_on_time_means_within_fifteen_minutes_either_way() -> None:
    ops = [
        Timed(T, T + H, T + timedelta(minutes=10), T + H - timedelta(minutes=15)),  # both on time
        Timed(T, T + H, T - timedelta(minutes=20), None),  # started early, not ended
        Timed(T, T + H, T + 2 * H, T + 3 * H),  # two hours late
        Timed(T, T + H, None, None),  # not started
        Timed(None, None, T, T + H),  # never scheduled: not counted
    ]
    found = adherence(ops)
    assert (found.scheduled, found.started, found.started_on_time) == (4, 3, 1)
    assert (found.ended, found.ended_on_time) == (2, 1)
    assert found.start_adherence == 1 / 3 and found.end_adherence == 0.5
    assert found.median_start_delay_seconds == 600  # of -1200, 600, 7200
    assert found.median_end_delay_seconds == (-900 + 7200) / 2


def test_nothing_started_has_no_adherence_rather_than_zero() -> None:
    found = adherence([Timed(T, T + H, None, None)])
    assert found.start_adherence is None and found.median_start_delay_seconds is None
