"""Reason codes of a demo site: downtime in every loss category of the ISO 22400 tree, scrap
and rework."""

from __future__ import annotations

from typing import Any

from plantops.demo.sites import SiteProfile

REASONS = (
    ("DT-PM", "Planned maintenance", "downtime", "planned_downtime"),
    ("DT-MEET", "Team meeting and shift handover", "downtime", "planned_downtime"),
    ("DT-TRIAL", "Trial run for a new part", "downtime", "planned_downtime"),
    ("DT-MECH", "Mechanical failure", "downtime", "breakdown"),
    ("DT-ELEC", "Electrical or control failure", "downtime", "breakdown"),
    ("DT-HYD", "Hydraulic leak", "downtime", "breakdown"),
    ("DT-TOOL", "Tool breakage", "downtime", "breakdown"),
    ("DT-JAM", "Jam or blocked part", "downtime", "minor_stop"),
    ("DT-SENS", "Sensor fault, reset", "downtime", "minor_stop"),
    ("DT-CHIP", "Chip removal", "downtime", "minor_stop"),
    ("DT-SETUP", "Changeover", "downtime", "setup"),
    ("DT-FAI", "First-article inspection", "downtime", "setup"),
    ("DT-TRYOUT", "Program try-out and offset correction", "downtime", "setup"),
    ("DT-SLOW", "Reduced speed, material quality", "downtime", "speed_loss"),
    ("DT-NEWOP", "Reduced speed, operator in training", "downtime", "speed_loss"),
    ("SC-DIM", "Dimension out of tolerance", "scrap", "scrap"),
    ("SC-SURF", "Surface damage", "scrap", "scrap"),
    ("SC-WELD", "Weld defect", "scrap", "scrap"),
    ("SC-MAT", "Material defect", "scrap", "scrap"),
    ("SC-HAND", "Damaged in handling", "scrap", "scrap"),
    ("RW-MACH", "Rework: re-machine", "rework", "rework"),
    ("RW-WELD", "Rework: re-weld", "rework", "rework"),
    ("RW-PAINT", "Rework: repaint", "rework", "rework"),
    ("RW-LEAK", "Rework: reseal after leak test", "rework", "rework"),
)


def reason_codes(site: SiteProfile) -> list[dict[str, Any]]:
    return [
        {"site": site.code, "code": code, "name": name, "kind": kind, "loss_category": category}
        for code, name, kind, category in REASONS
    ]
