"""The week the hand-worked MRP tests run in: Monday to Friday, today Monday 5 January 2026."""

from __future__ import annotations

from datetime import date

MON = date(2026, 1, 5)


def day(n: int) -> date:
    """January 2026: day(7) is Wednesday 7 January."""
    return date(2026, 1, n)
