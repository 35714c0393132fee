"""Quantities inside the engine are integers in millionths (the stored precision): exact, and
several times faster than Decimal arithmetic on a plant's worth of requirements."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

SCALE = 10**6
_NONE = Decimal(0).scaleb(-6)


def to_units(quantity: Decimal) -> int:
    """Millionths, rounded up: a requirement is never rounded below what is needed."""
    return int((quantity * SCALE).to_integral_value(rounding=ROUND_CEILING))


def to_quantity(units: int) -> Decimal:
    """Exact, with six decimals (as stored)."""
    return Decimal(units).scaleb(-6) if units else _NONE


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def shown(quantity: Decimal) -> str:
    """As a person writes it: 20, 2.5 (not 20.000000, nor the 2E+1 of normalize())."""
    return format(quantity.normalize(), "f")
