"""The demo plant as one plant document (docs/plant-file.md), deterministic for a seed.

Scale rule (docs/demo.md): each site gets `scale` product ranges of about 75 items (fasteners,
packaging and paints stay one site-wide pool), 2 more work centers per 3 scale steps beyond the
first (and 2 more employees per work center), one more customer per 2 steps, and five sales
orders per finished good over six weeks. `scale=225` gives about 50,000 items and 500 work
centers."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from plantops.demo import calendars, demand, equipment, people, products, reasons
from plantops.demo.sites import REGIONS, SITES, SiteProfile

SECTIONS = (
    "regions",
    "sites",
    "areas",
    "calendars",
    "skills",
    "work_centers",
    "items",
    "boms",
    "routings",
    "reason_codes",
    "locations",  # none yet: the demo's sites keep no stock in PlantOps (docs/inventory.md)
    "employees",
    "customers",
    "sales_orders",
)
TYPE_ORDER = {"raw_material": 0, "purchased_part": 1, "manufactured_part": 2, "finished_good": 3}


def week_start(today: date | None = None) -> date:
    """The Monday of the current (or given day's) week: where the demo's plan begins."""
    today = today or date.today()
    return today - timedelta(days=today.weekday())


def _site_document(seed: int, scale: int, site: SiteProfile, start: date) -> dict[str, list[Any]]:
    # One random stream per site and concern: changing how employees are drawn leaves the items
    # of the same seed as they were. String seeds are hashed stably (not by PYTHONHASHSEED).
    def rng(concern: str) -> random.Random:
        return random.Random(f"{seed}/{site.code}/{concern}")

    centers, machines = equipment.work_centers(rng("equipment"), site, scale, start)
    catalogue = products.Products(rng("products"), site, machines, start)
    for block in range(scale):
        catalogue.product_range(block)
    buyers = demand.customers(rng("customers"), site, scale)
    orders = demand.sales_orders(
        rng("orders"),
        site,
        start,
        [c["code"] for c in buyers],
        catalogue.finished,
        catalogue.spares,
    )
    catalogue.items.sort(key=lambda row: (TYPE_ORDER[row["item_type"]], row["code"]))
    return {
        "areas": equipment.areas(site),
        "calendars": calendars.calendars(site, start),
        "skills": people.skills(site),
        "work_centers": centers,
        "items": catalogue.items,
        "boms": catalogue.boms,
        "routings": catalogue.routings,
        "reason_codes": reasons.reason_codes(site),
        "employees": people.employees(rng("people"), site, machines, start),
        "customers": buyers,
        "sales_orders": orders,
    }


def build_plant(seed: int = 1, scale: int = 1, start: date | None = None) -> dict[str, Any]:
    """A believable three-plant manufacturer. Everything follows from `seed` and `scale`, except
    dates (demand, holidays, maintenance, certificates), which are relative to `start`: by
    default the Monday of this week."""
    if scale < 1:
        raise ValueError("scale must be 1 or more")
    start = start or week_start()
    document: dict[str, Any] = {"format": "plantops-plant", "format_version": 1}
    document |= {section: [] for section in SECTIONS}
    document["regions"] = [{"code": code, "name": name} for code, name in REGIONS]
    for site in SITES:
        document["sites"].append(
            {
                "code": site.code,
                "name": site.name,
                "region": site.region,
                "time_zone": site.time_zone,
                "currency": site.currency,
            }
        )
        for section, rows in _site_document(seed, scale, site, start).items():
            document[section].extend(rows)
    return document
