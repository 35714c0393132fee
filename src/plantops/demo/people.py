"""Skills and employees of a demo site: a crew sized to the machine park, each person with a
main trade, some second skills, and certifications that run out (a few of them soon)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from plantops.demo.equipment import Machine
from plantops.demo.names import person_names
from plantops.demo.sites import SiteProfile

SKILLS = (
    ("SAW", "Sawing"),
    ("LASER", "Laser and plasma cutting"),
    ("BEND", "Press brake bending"),
    ("WELD", "MAG/TIG welding (ISO 9606-1)"),
    ("MILL", "CNC milling"),
    ("TURN", "CNC turning"),
    ("PAINT", "Powder and wet painting"),
    ("ASSY", "Mechanical assembly"),
    ("TEST", "Hydraulic and run-in testing"),
    ("PACK", "Packing and shipping"),
    ("FORKLIFT", "Forklift driving"),
    ("CRANE", "Overhead crane operation"),
    ("QC", "Quality inspection"),
)
STEP_SKILL = {
    "saw": "SAW",
    "laser": "LASER",
    "bend": "BEND",
    "weld": "WELD",
    "mill": "MILL",
    "turn": "TURN",
    "paint": "PAINT",
    "assemble": "ASSY",
    "test": "TEST",
    "pack": "PACK",
}
CERTIFIED = frozenset({"WELD", "FORKLIFT", "CRANE", "TEST"})  # expire and must be renewed
CREWS, CREW_SHARES = ("EARLY", "LATE", "NIGHT", "DAY"), (40, 35, 20, 5)


def skills(site: SiteProfile) -> list[dict[str, Any]]:
    return [{"site": site.code, "code": code, "name": name} for code, name in SKILLS]


class _Certificates:
    """Validity dates: every fifth certificate runs out within four weeks of the start."""

    def __init__(self, rng: random.Random, start: date) -> None:
        self.rng, self.start, self.issued = rng, start, 0

    def until(self) -> str:
        self.issued += 1
        soon = self.issued % 5 == 1
        days = self.rng.randint(3, 28) if soon else self.rng.randint(45, 1000)
        return (self.start + timedelta(days=days)).isoformat()


def _skill(code: str, level: int, certificates: _Certificates) -> dict[str, Any]:
    row: dict[str, Any] = {"skill": code, "level": level}
    if code in CERTIFIED:
        row["certified_until"] = certificates.until()
    return row


def _skills_of(
    rng: random.Random, main: str, certificates: _Certificates, trades: list[str]
) -> list[dict[str, Any]]:
    rows = [_skill(main, rng.choices((2, 3, 4), (25, 50, 25))[0], certificates)]
    held = {main}
    extras = [t for t in rng.sample(trades, rng.choice((0, 1, 1, 2))) if t not in held]
    extras += [
        c for c, share in (("FORKLIFT", 0.3), ("CRANE", 0.12), ("QC", 0.1)) if rng.random() < share
    ]
    for code in extras:
        if code not in held:
            held.add(code)
            rows.append(_skill(code, rng.choices((1, 2, 3), (30, 45, 25))[0], certificates))
    return rows


def employees(
    rng: random.Random, site: SiteProfile, machines: list[Machine], start: date
) -> list[dict[str, Any]]:
    """About 40 people for up to 20 work centers and 2 more per further one; main trades follow
    the machine park, so every skill an operation asks for is held by someone."""
    count = 40 + 2 * max(0, len(machines) - 20) + rng.randint(-2, 2)
    demand = Counter(STEP_SKILL[m.type.step] for m in machines)
    trades = sorted(demand)
    mains = [
        *trades,
        *rng.choices(trades, [demand[t] for t in trades], k=max(0, count - len(trades))),
    ]
    rng.shuffle(mains)
    certificates = _Certificates(rng, start)
    rows = []
    for number, (name, main) in enumerate(
        zip(person_names(rng, site.country, count), mains, strict=True)
    ):
        held = _skills_of(rng, main, certificates, trades)
        top = max(s["level"] for s in held)
        rows.append(
            {
                "site": site.code,
                "code": f"E{number + 1001:04d}",
                "name": name,
                "shift_calendar": rng.choices(CREWS, CREW_SHARES)[0],
                "hourly_cost": round(
                    site.labour * (0.85 + 0.07 * top) * rng.uniform(0.95, 1.05), 2
                ),
                "skills": held,
            }
        )
    return rows
