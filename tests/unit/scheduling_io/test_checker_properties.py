"""Property tests: the checker's sweep lines agree with counting every time unit by hand."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plantops.scheduling.checker import check
from plantops.scheduling.problem import Breaks, Job, Mode, Need, Operation, Pool, Problem, Resource
from plantops.scheduling.schedule import Assignment, Schedule, Status

HORIZON = 30
spans = st.lists(st.tuples(st.integers(0, HORIZON - 1), st.integers(0, 8)), min_size=1, max_size=8)
calendars = st.none() | st.lists(
    st.tuples(st.integers(0, HORIZON), st.integers(1, 10)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=4,
)


def placed(
    pieces: list[tuple[int, int]],
    available: list[tuple[int, int]] | None,
    capacity: int,
    pools: tuple[Pool, ...] = (),
    quantity: int = 1,
) -> tuple[Problem, Schedule]:
    """Pausing operations on one resource: they work, and hold their needs, only inside
    available time (all of it without a calendar)."""
    ops = tuple(
        Operation(f"o{i}", "J", (Mode("R", d),), (Need("crew", quantity),), Breaks.pause)
        for i, (_, d) in enumerate(pieces)
    )
    rows = tuple(Assignment(f"o{i}", 0, s, s + d) for i, (s, d) in enumerate(pieces))
    calendar = None if available is None else tuple(available)
    problem = Problem((Job("J"),), ops, (Resource("R", capacity, calendar),), pools=pools)
    return problem, Schedule(Status.feasible, rows)


def busy(pieces: list[tuple[int, int]], available: list[tuple[int, int]] | None, t: int) -> int:
    open_ = available is None or any(a <= t < b for a, b in available)
    return sum(1 for s, d in pieces if s <= t < s + d) if open_ else 0


@settings(max_examples=300, deadline=None)
@given(spans, calendars, st.integers(1, 3))
def test_capacity_verdict_matches_a_count_per_time_unit(
    pieces: list[tuple[int, int]], available: list[tuple[int, int]] | None, capacity: int
) -> None:
    problem, schedule = placed(pieces, available, capacity)
    overloaded = any(busy(pieces, available, t) > capacity for t in range(2 * HORIZON))
    found = [v for v in check(problem, schedule) if v.constraint == "capacity"]
    assert bool(found) == overloaded


@settings(max_examples=300, deadline=None)
@given(
    spans,
    st.lists(st.tuples(st.integers(0, HORIZON), st.integers(1, 10), st.integers(0, 3)), max_size=4),
    st.integers(1, 2),
)
def test_pool_verdict_matches_a_count_per_time_unit(
    pieces: list[tuple[int, int]], steps: list[tuple[int, int, int]], quantity: int
) -> None:
    profile = tuple((a, a + length, n) for a, length, n in steps)
    pools = (Pool("crew", profile),)
    problem, schedule = placed(pieces, None, len(pieces), pools, quantity)

    def there(t: int) -> int:
        return sum(n for a, b, n in profile if a <= t < b)

    short = any(quantity * busy(pieces, None, t) > there(t) for t in range(2 * HORIZON))
    found = [v for v in check(problem, schedule) if v.constraint == "pool"]
    assert bool(found) == short
