"""Figures said the same way on every page."""

from __future__ import annotations


def late_by(seconds: float) -> str:
    """How late: hours under 48 h ("5.5 h late"), days from there ("21.5 days late")."""
    hours = max(seconds, 0) / 3600
    if hours < 48:
        return f"{hours:.1f}".removesuffix(".0") + " h late"
    return f"{hours / 24:.1f}".removesuffix(".0") + " days late"
