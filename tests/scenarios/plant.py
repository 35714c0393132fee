"""A small bicycle plant for hand-worked plans: one site, Monday to Friday from 06:00 to
14:00, a holiday on Wednesday 11 March 2026. BIKE is assembled from one FRAME; a FRAME is
welded from 2.5 TUBE, of which a fifth is lost as scrap."""

from __future__ import annotations

from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def bicycle_plant() -> dict[str, Any]:
    site = "B1"
    return {
        "format": "plantops-plant",
        "regions": [{"code": "EU", "name": "Europe"}],
        "sites": [
            {"code": site, "name": "Bikes", "region": "EU", "time_zone": "Europe/Berlin",
             "currency": "EUR"},
        ],
        "areas": [{"site": site, "code": "SHOP", "name": "Shop floor"}],
        "calendars": [
            {
                "site": site, "code": "DAY", "name": "Day shift",
                "shifts": [
                    {"name": "day", "weekday": d, "start_time": "06:00:00", "end_time": "14:00:00"}
                    for d in WEEKDAYS
                ],
                "exceptions": [
                    {"kind": "closed", "starts_local": "2026-03-11T00:00:00",
                     "ends_local": "2026-03-12T00:00:00", "name": "plant holiday"},
                ],
            }
        ],
        "work_centers": [
            {"site": site, "code": code, "name": code.title(), "kind": "machine", "area": "SHOP",
             "calendar": "DAY"}
            for code in ("WELD", "ASSY")
        ],
        "items": [
            {"site": site, "code": "BIKE", "name": "Bike", "item_type": "finished_good",
             "make_or_buy": "make", "uom": "pcs", "lead_time_days": 2},
            {"site": site, "code": "FRAME", "name": "Frame", "item_type": "manufactured_part",
             "make_or_buy": "make", "uom": "pcs", "lead_time_days": 3,
             "lot_size_rule": "fixed", "lot_size_fixed": 40},
            {"site": site, "code": "TUBE", "name": "Tube", "item_type": "raw_material",
             "make_or_buy": "buy", "uom": "m", "lead_time_days": 5, "safety_stock": 20,
             "lot_size_rule": "min_max_multiple", "lot_size_min": 100, "lot_size_multiple": 50},
        ],
        "boms": [
            {"site": site, "code": "BIKE", "item": "BIKE",
             "lines": [{"component_item": "FRAME", "quantity_per": 1}]},
            {"site": site, "code": "FRAME", "item": "FRAME",
             "lines": [{"component_item": "TUBE", "quantity_per": 2.5, "scrap_factor": 0.2}]},
        ],
        "routings": [
            {"site": site, "code": item, "item": item, "operations": [
                {"sequence": 10, "name": name, "alternatives": [
                    {"work_center": center, "setup_seconds": 600, "run_seconds_per_unit": 300}
                ]},
            ]}
            for item, name, center in (("BIKE", "assemble", "ASSY"), ("FRAME", "weld", "WELD"))
        ],
        "customers": [{"site": site, "code": "SHOP", "name": "Bike shop"}],
        "sales_orders": [
            {"site": site, "code": code, "customer": "SHOP",
             "lines": [{"line_no": 1, "item": "BIKE", "quantity": qty, "due_date": due}]}
            for code, qty, due in (
                ("SO-1", 30, "2026-03-12"),
                ("SO-2", 25, "2026-03-17"),
                ("SO-3", 10, "2026-05-04"),  # beyond a six-week horizon
            )
        ],
    }  # fmt: skip
