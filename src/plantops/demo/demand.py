"""Customers and six weeks of sales orders of a demo site: a few large customers order most,
due dates spread over the weeks after the start, a handful of rush orders."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from plantops.demo.names import company_names
from plantops.demo.sites import SiteProfile

WEEKS = 6
ORDERS_PER_PRODUCT = 5  # over the six weeks
QUANTITIES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50)
PRIORITIES, PRIORITY_SHARES = (1, 2, 3, 4, 5), (4, 10, 56, 18, 12)


def customers(rng: random.Random, site: SiteProfile, scale: int) -> list[dict[str, Any]]:
    count = 12 + (scale - 1) // 2
    return [
        {"site": site.code, "code": f"C{number + 1001}", "name": name}
        for number, name in enumerate(company_names(rng, site.country, count))
    ]


def _due(rng: random.Random, start: date) -> date:
    """A working day in the horizon; the first two days are already promised."""
    day = start + timedelta(days=rng.randint(2, 7 * WEEKS - 1))
    return day - timedelta(days=max(0, day.weekday() - 4))  # a weekend date moves to Friday


def sales_orders(
    rng: random.Random,
    site: SiteProfile,
    start: date,
    buyers: list[str],
    products: list[str],
    spares: list[str],
) -> list[dict[str, Any]]:
    # A Pareto-like order book: the first customers are the big accounts.
    weights = [1 / (rank + 1) for rank in range(len(buyers))]
    rows = []
    for number in range(len(products) * ORDERS_PER_PRODUCT):
        due = _due(rng, start)
        priority = rng.choices(PRIORITIES, PRIORITY_SHARES)[0]
        lines = []
        for line_no in range(1, rng.choices((1, 2, 3, 4), (45, 30, 15, 10))[0] + 1):
            spare = spares and rng.random() < 0.12
            item = rng.choice(spares if spare else products)
            quantity = rng.choice(QUANTITIES[4:] if spare else QUANTITIES[:12])
            if line_no > 1 and rng.random() < 0.3:  # a later delivery on the same order
                due = min(due + timedelta(days=7), start + timedelta(days=7 * WEEKS - 3))
            line = {
                "line_no": line_no,
                "item": item,
                "quantity": quantity,
                "due_date": due.isoformat(),
            }
            if priority != 3:
                line["priority"] = priority
            lines.append(line)
        rows.append(
            {
                "site": site.code,
                "code": f"SO-{start.year % 100:02d}{number + 10001:05d}",
                "customer": rng.choices(buyers, weights)[0],
                "lines": lines,
            }
        )
    return rows
