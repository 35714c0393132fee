"""A work center down takes its outage out of its shifts (the reschedule's resources)."""

from __future__ import annotations

from plantops.execution.reschedule_repair import without

SHIFT = ((21600, 79200), (108000, 165600))


def test_an_outage_is_cut_out_of_the_shifts_it_overlaps() -> None:
    assert without(SHIFT, 30000, 120000) == ((21600, 30000), (120000, 165600))
    assert without(SHIFT, 0, 10) == SHIFT
    assert without(SHIFT, 21600, 79200) == ((108000, 165600),)
    assert without(None, 5, 10) == ((0, 5), (10, 10**12))
