"""Lot sizing: the orders that cover a net requirement under an item's rule."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from plantops.planning.mrp.problem import ZERO, LotRule, LotSizing

STEP = Decimal("0.000001")  # the stored precision of quantities


def exact(quantity: Decimal) -> Decimal:
    """Up to the stored precision: a requirement is never rounded below what is needed."""
    return quantity.quantize(STEP, rounding=ROUND_CEILING)


def orders(lot: LotSizing, net: Decimal) -> list[Decimal]:
    """Order quantities, in order, whose sum covers `net` (> 0). More than one when a fixed
    size or a maximum caps a single order. For `period` the caller passes the net
    requirement of the whole period."""
    if lot.rule == LotRule.fixed:
        assert lot.fixed is not None
        count = int((net / lot.fixed).to_integral_value(rounding=ROUND_CEILING))
        return [lot.fixed] * count
    if lot.rule != LotRule.min_max_multiple:
        return [exact(net)]
    out: list[Decimal] = []
    left = net
    while left > 0:
        quantity = _rounded_up(max(left, lot.minimum or ZERO), lot.multiple)
        if lot.maximum is not None and quantity > lot.maximum:
            quantity = _rounded_down(lot.maximum, lot.multiple) or lot.maximum
        out.append(exact(quantity))
        left -= out[-1]
    return out


def _rounded_up(quantity: Decimal, multiple: Decimal | None) -> Decimal:
    if not multiple:
        return quantity
    return (quantity / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple


def _rounded_down(quantity: Decimal, multiple: Decimal | None) -> Decimal:
    if not multiple:
        return quantity
    return (quantity / multiple).to_integral_value(rounding=ROUND_FLOOR) * multiple
