"""The pure side of the order, delivery and labour measures: clocking folded into stretches
of presence and work (kpi.labour), due dates on a site's wall clock and orders on the floor
(kpi.delivery), and the ratios of kpi.orders' results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from plantops.kpi import delivery
from plantops.kpi.labour import Clocking, Stretch, Tally, merged, overlap, stretches, tally
from plantops.kpi.orders import Labour, OrderMeasures


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def sec(hour: int, minute: int = 0) -> int:
    """kpi.labour's instants: seconds since 1970."""
    return int(at(hour, minute).timestamp())


START, END = at(6), at(18)
SAW, WELD = 10, 20


def clock(who: int, when: int, coming: bool = True, where: int | None = SAW) -> Clocking:
    return Clocking(who, when, coming, where if coming else None)


def test_stretches_are_clipped_to_the_span() -> None:
    found = stretches(
        [
            clock(1, sec(2)),  # in before the span: from 06:00
            clock(1, sec(10), coming=False),
            clock(2, sec(17)),  # still in at the end: until 18:00
            clock(3, sec(18)),  # in at the very end: nothing yet
            clock(4, sec(3)),
            clock(4, sec(5), coming=False),  # out before the span: nothing
        ],
        sec(6),
        sec(18),
    )
    assert found == [Stretch(1, SAW, sec(6), sec(10)), Stretch(2, SAW, sec(17), sec(18))]


def test_a_second_clock_in_moves_the_person_and_a_second_clock_out_changes_nothing() -> None:
    found = stretches(
        [
            clock(1, sec(7)),
            clock(1, sec(9), where=WELD),  # buffered, or moved to WELD: a new stretch from 09:00
            clock(1, sec(11), coming=False),
            clock(1, sec(12), coming=False),  # already out
        ],
        sec(6),
        sec(18),
    )
    assert found == [Stretch(1, SAW, sec(7), sec(9)), Stretch(1, WELD, sec(9), sec(11))]


def test_work_is_the_part_of_attendance_while_the_work_center_had_an_operation_open() -> None:
    saw = merged([(sec(7), sec(9)), (sec(8), sec(10)), (sec(12), sec(13)), (sec(13), sec(14))])
    assert saw == [(sec(7), sec(10)), (sec(12), sec(14))]
    assert overlap(sec(9), sec(12, 30), saw) == 90 * 60  # 09-10 and 12-12:30
    assert overlap(sec(10), sec(12), saw) == 0
    found = [
        Stretch(1, SAW, sec(6), sec(12, 30)),  # 6.5 h present, 3.5 h of work
        Stretch(2, None, sec(8), sec(9)),  # no work center: attendance only
        Stretch(2, WELD, sec(9), sec(10)),  # WELD had nothing open
    ]
    assert tally(found, {SAW: saw}) == Tally(int(8.5 * 3600), int(3.5 * 3600), 2)


def test_due_dates_end_at_midnight_on_the_sites_wall_clock() -> None:
    berlin = "Europe/Berlin"
    due = date(2026, 12, 1)
    assert delivery.on_time(at(22, 59), due, berlin)  # 23:59 in Berlin
    assert not delivery.on_time(at(23), due, berlin)  # midnight in Berlin
    assert delivery.on_time(at(23), due, "UTC")


def test_offsets_change_with_the_clocks_to_the_second() -> None:
    spring = datetime(2026, 3, 29, 1, tzinfo=UTC)  # 02:00 CET -> 03:00 CEST
    autumn = datetime(2026, 10, 25, 1, tzinfo=UTC)  # 03:00 CEST -> 02:00 CET
    pieces = delivery.offsets(
        "Europe/Berlin", spring - timedelta(days=3), autumn + timedelta(days=2)
    )
    assert pieces == [
        (spring - timedelta(days=3), 3600),
        (spring, 7200),
        (autumn, 3600),
    ]
    assert delivery.offsets("UTC", START, END) == [(START, 0)]
    assert delivery.offsets("Asia/Kolkata", START, START) == [(START, 19800)]


def test_an_order_on_the_floor_and_overdue() -> None:
    order = delivery.FloorOrder(date(2026, 12, 1), "Europe/Berlin", at(8), at(20), None)
    assert not delivery.on_the_floor(order, at(8))  # released at that very instant: not yet
    assert delivery.on_the_floor(order, at(9))
    assert delivery.on_the_floor(order, at(20))  # completed at that instant: still there
    assert not delivery.on_the_floor(order, at(21))
    cancelled = delivery.FloorOrder(date(2026, 12, 1), "UTC", None, None, at(12))
    assert delivery.on_the_floor(cancelled, at(11)) and not delivery.on_the_floor(cancelled, at(13))
    assert not delivery.overdue(order, at(22, 59))
    assert delivery.overdue(order, at(23))  # Wednesday in Berlin
    assert delivery.released(at(10), at(9)) == at(9)  # started before the release was recorded
    assert delivery.released(at(10), None) == at(10)
    assert delivery.released(None, None) is None


def test_ratios_are_none_without_a_denominator() -> None:
    assert OrderMeasures(4, 3, 10.0, 8, 6, 2, 1).on_time_delivery == 0.75
    assert OrderMeasures(4, 3, 10.0, 8, 6, 2, 1).schedule_adherence == 0.75
    empty = OrderMeasures(0, 0, None, 0, 0, 5, 1)
    assert empty.on_time_delivery is None and empty.schedule_adherence is None
    assert Labour(7200, 1800, 1).utilisation == pytest.approx(0.25)
    assert Labour(0, 0, 0).utilisation is None
