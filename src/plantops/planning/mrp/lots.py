"""Lot sizing: the orders that cover a net requirement under an item's rule (in units)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from plantops.planning.mrp.problem import LotRule, LotSizing
from plantops.planning.mrp.units import ceil_div, to_units


@dataclass(frozen=True)
class Lots:
    """An item's lot rule with its sizes in units."""

    rule: LotRule
    fixed: int = 0
    minimum: int = 0
    maximum: int = 0  # 0: none
    multiple: int = 0  # 0: none
    periods: int = 0

    @staticmethod
    def of(lot: LotSizing) -> Lots:
        def units(value: Decimal | None) -> int:
            return to_units(value) if value is not None else 0

        return Lots(
            LotRule(lot.rule), units(lot.fixed), units(lot.minimum), units(lot.maximum),
            units(lot.multiple), lot.periods or 0,
        )  # fmt: skip

    def orders(self, net: int) -> list[int]:
        """Order sizes, in order, whose sum covers `net` (> 0): more than one when a fixed
        size or a maximum caps an order. For `period` the caller passes the net requirement
        of the whole period."""
        if self.rule is LotRule.fixed:
            return [self.fixed] * ceil_div(net, self.fixed)
        if self.rule is not LotRule.min_max_multiple:
            return [net]
        out: list[int] = []
        left = net
        while left > 0:
            size = _up(max(left, self.minimum), self.multiple)
            if self.maximum and size > self.maximum:
                size = _down(self.maximum, self.multiple) or self.maximum
            out.append(size)
            left -= size
        return out


def _up(units: int, multiple: int) -> int:
    return ceil_div(units, multiple) * multiple if multiple else units


def _down(units: int, multiple: int) -> int:
    return units // multiple * multiple if multiple else units
