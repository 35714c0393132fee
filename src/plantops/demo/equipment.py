"""Areas and work centers of a demo site: machine types grouped by process step, their
changeover matrices and planned maintenance windows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from plantops.demo.sites import SiteProfile

AREAS = (("FAB", "Metal fabrication"), ("MCH", "Machining"), ("ASM", "Surface & assembly"))

MATERIALS = ("cast iron", "steel", "aluminium", "stainless")  # cleanest last
COLOURS = {  # light to dark: a darker colour covers a lighter one's residue cheaply
    "RAL 9010": "pure white",
    "RAL 1023": "traffic yellow",
    "RAL 7035": "light grey",
    "RAL 3020": "traffic red",
    "RAL 5010": "gentian blue",
    "RAL 9005": "jet black",
}
LINES = ("hydraulics", "drives", "conveying")


@dataclass(frozen=True)
class MachineType:
    key: str  # code prefix
    name: str
    step: str  # process step it performs: operations of that step may run here
    kind: str
    area: str
    calendar: str
    capacity: int
    rate: float  # machine hour rate, EUR of the reference rate list
    speed: float  # run time factor against the step's reference machine
    count: tuple[int, int]  # how many a site has at scale 1
    weight: int  # share of the machines added at larger scales
    upkeep: str  # what its planned maintenance is


TYPES: tuple[MachineType, ...] = (
    MachineType("BS", "Band saw", "saw", "machine", "FAB", "2-SHIFT", 1, 38, 1.0, (1, 1), 2,
                "Blade change and coolant service"),
    MachineType("CS", "Circular saw", "saw", "machine", "FAB", "2-SHIFT", 1, 42, 0.8, (0, 1), 1,
                "Blade change and chip conveyor service"),
    MachineType("LC", "Laser cutter", "laser", "machine", "FAB", "3-SHIFT", 1, 145, 1.0, (1, 2), 3,
                "Laser optics and nozzle service"),
    MachineType("PL", "Plasma cutter", "laser", "machine", "FAB", "2-SHIFT", 1, 85, 1.4, (0, 1), 1,
                "Torch consumables and filter change"),
    MachineType("PB", "Press brake", "bend", "machine", "FAB", "2-SHIFT", 1, 72, 1.0, (1, 2), 2,
                "Hydraulic service and back gauge calibration"),
    MachineType("WR", "Welding robot cell", "weld", "machine", "FAB", "3-SHIFT", 1, 95, 1.0,
                (1, 2), 3, "Robot TCP calibration and torch service"),
    MachineType("WM", "Manual welding bay", "weld", "manual_station", "FAB", "2-SHIFT", 4, 58,
                1.9, (1, 1), 2, "Fume extraction filter change"),
    MachineType("CM", "CNC mill", "mill", "machine", "MCH", "3-SHIFT", 1, 88, 1.0, (2, 3), 5,
                "Spindle and way lubrication service"),
    MachineType("MC", "5-axis machining center", "mill", "machine", "MCH", "3-SHIFT", 1, 135, 0.7,
                (0, 1), 2, "Spindle service and axis calibration"),
    MachineType("CL", "CNC lathe", "turn", "machine", "MCH", "3-SHIFT", 1, 82, 1.0, (1, 2), 4,
                "Chuck and turret service"),
    MachineType("TM", "Turn-mill center", "turn", "machine", "MCH", "3-SHIFT", 1, 120, 0.8,
                (0, 1), 1, "Sub-spindle alignment"),
    MachineType("PC", "Powder coating line", "paint", "line", "ASM", "2-SHIFT", 1, 110, 1.0,
                (1, 1), 1, "Booth filter change and oven inspection"),
    MachineType("WP", "Wet paint booth", "paint", "manual_station", "ASM", "2-SHIFT", 2, 64, 2.2,
                (0, 1), 1, "Booth filter change"),
    MachineType("AL", "Assembly line", "assemble", "line", "ASM", "2-SHIFT", 1, 70, 0.85, (1, 1), 2,
                "Torque tool calibration and conveyor service"),
    MachineType("AS", "Assembly station", "assemble", "manual_station", "ASM", "2-SHIFT", 3, 48,
                1.0, (1, 2), 4, "Torque tool calibration"),
    MachineType("TB", "Test bench", "test", "machine", "ASM", "2-SHIFT", 2, 65, 1.0, (1, 1), 2,
                "Pressure sensor calibration"),
    MachineType("PK", "Packing station", "pack", "manual_station", "ASM", "DAY", 3, 35, 1.0, (1, 1),
                2, "Stretch wrapper service"),
)  # fmt: skip
STEPS = tuple(dict.fromkeys(t.step for t in TYPES))


@dataclass(frozen=True)
class Machine:
    """A generated work center as the routing generator sees it."""

    code: str
    type: MachineType
    speed: float  # this machine's run time factor (type and age)
    setup: float  # its changeover time factor
    rate: float  # its hour rate, local currency


def families(step: str, site: SiteProfile) -> tuple[str, ...]:
    """Setup families of a process step: material, paint colour or product line."""
    if step == "paint":
        return tuple(c for c in COLOURS if c in site.colours)
    if step in ("assemble", "test"):
        return site.lines
    if step in ("mill", "turn"):
        return MATERIALS
    return () if step == "pack" else MATERIALS[1:]


def changeover(step: str, before: str, after: str) -> int:
    """Sequence-dependent changeover seconds: going dark after light, or to a dirtier material,
    is cheap; the other way needs cleaning."""
    if step == "paint":
        order = list(COLOURS)
        gap = order.index(after) - order.index(before)
        return 600 + 300 * gap if gap > 0 else 1800 + 900 * -gap
    if step in ("assemble", "test"):
        return 1500 + 300 * abs(LINES.index(after) - LINES.index(before))
    gap = MATERIALS.index(after) - MATERIALS.index(before)
    return 900 + 300 * abs(gap) + (600 * gap if gap > 0 else 0)


def type_counts(rng: random.Random, scale: int) -> dict[MachineType, int]:
    """Machines per type: a scale-1 plant of 14-20, plus 2 per 3 scale steps spread by weight."""
    counts = {t: rng.randint(*t.count) for t in TYPES}
    while sum(counts.values()) > 20:
        spare = [t for t in TYPES if counts[t] > t.count[0]]
        counts[rng.choice(spare)] -= 1
    for extra in rng.choices(
        TYPES, weights=[t.weight for t in TYPES], k=round(2 * (scale - 1) / 3)
    ):
        counts[extra] += 1
    return counts


def _matrix(step: str, site: SiteProfile, factor: float) -> list[dict[str, Any]]:
    names = families(step, site)
    return [
        {
            "from_family": before,
            "to_family": after,
            "changeover_seconds": round(changeover(step, before, after) * factor / 60) * 60,
        }
        for before in names
        for after in names
        if before != after
    ]


def _maintenance(
    rng: random.Random, site: SiteProfile, kind: MachineType, start: date
) -> list[dict[str, Any]]:
    """A planned maintenance window for about a third of the machines, in working hours."""
    if rng.random() > 0.35:
        return []
    day = start + timedelta(days=rng.randrange(2, 40))
    if day.weekday() >= 5:
        day += timedelta(days=7 - day.weekday())  # on the Monday, not at the weekend
    local = datetime.combine(day, time.fromisoformat(site.shifts.early), ZoneInfo(site.time_zone))
    begins = (local + timedelta(hours=rng.choice((0, 1, 2, 8)))).astimezone(UTC)
    ends = begins + timedelta(hours=rng.choice((2, 4, 4, 6, 8)))
    return [{"starts_at": begins.isoformat(), "ends_at": ends.isoformat(), "reason": kind.upkeep}]


def work_centers(
    rng: random.Random, site: SiteProfile, scale: int, start: date
) -> tuple[list[dict[str, Any]], list[Machine]]:
    rows: list[dict[str, Any]] = []
    machines: list[Machine] = []
    for kind, count in type_counts(rng, scale).items():
        for number in range(1, count + 1):
            machine = Machine(
                code=f"{kind.key}-{number:02d}",
                type=kind,
                speed=round(kind.speed * rng.uniform(0.9, 1.15), 3),
                setup=rng.uniform(0.8, 1.25),
                rate=round(kind.rate * site.rates * rng.uniform(0.92, 1.08), 2),
            )
            machines.append(machine)
            rows.append(
                {
                    "site": site.code,
                    "code": machine.code,
                    "name": f"{kind.name} {number}",
                    "kind": kind.kind,
                    "area": kind.area,
                    "calendar": kind.calendar,
                    "parallel_capacity": kind.capacity,
                    "cost_rate_per_hour": machine.rate,
                    "setup_matrix": _matrix(kind.step, site, machine.setup),
                    "downtime_windows": _maintenance(rng, site, kind, start),
                }
            )
    return rows, machines


def areas(site: SiteProfile) -> list[dict[str, Any]]:
    return [{"site": site.code, "code": code, "name": name} for code, name in AREAS]
