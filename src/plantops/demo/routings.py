"""Routings of demo items: the process steps a part's form calls for, each on one to three
alternative work centers with their own setup and run times."""

from __future__ import annotations

import random
from typing import Any

from plantops.demo.equipment import Machine
from plantops.demo.parts import Built, Made
from plantops.demo.people import STEP_SKILL
from plantops.demo.sites import SiteProfile

Step = tuple[str, str, str | None]  # process step, operation name, setup family

# Reference run seconds per unit and setup seconds of each step, for a part of size 1.0.
TIMES = {
    "saw": (90, 900),
    "laser": (150, 1200),
    "bend": (120, 1500),
    "weld": (900, 1800),
    "mill": (720, 3600),
    "turn": (480, 2700),
    "paint": (180, 1800),
    "assemble": (1500, 900),
    "test": (900, 600),
    "pack": (420, 300),
}
TESTS = {"hydraulics": "Pressure test", "drives": "Run-in test", "conveying": "Function test"}
LOT_FOR_SETUP = 25  # setup cost is spread over a typical lot in the standard cost


def made_steps(rng: random.Random, part: Made, colour: str | None) -> list[Step]:
    m = part.material
    steps: list[Step]
    if part.form == "bar":
        steps = [("saw", "Saw to length", m), ("turn", "Turn", m)]
        if rng.random() < 0.5:
            steps.append(("mill", "Mill flats and keyway", m))
    elif part.form == "block":
        steps = [("saw", "Saw blank", m), ("mill", "Mill side A", m)]
        steps.append(("mill", "Mill side B, drill and tap", m))
    elif part.form == "cast":
        steps = [("mill", "Mill mounting faces", m), ("mill", "Drill and tap", m)]
        if rng.random() < 0.4:
            steps.append(("turn", "Bore bearing seats", m))
    elif part.form == "sheet":
        steps = [("laser", "Laser cut", m), ("bend", "Bend", m)]
    elif part.form == "tube":
        steps = [("saw", "Saw to length", m), ("turn", "Turn and face ends", m)]
        if rng.random() < 0.3:
            steps.append(("weld", "Weld ports", m))
    else:  # welded
        steps = [("saw", "Saw profiles", m), ("laser", "Laser cut plates", m), ("weld", "Weld", m)]
        if rng.random() < 0.3:
            steps.append(("mill", "Machine mounting faces", m))
    if colour is not None:
        steps.append(("paint", "Powder coat", colour))
    return steps


def built_steps(assembly: Built, nested: bool, finished: bool) -> list[Step]:
    line = assembly.line
    if finished:
        return [
            ("assemble", "Final assembly", line),
            ("test", TESTS[line], line),
            ("pack", "Pack for shipping", None),
        ]
    if nested or line != "conveying":
        return [("assemble", "Pre-assemble", line), ("test", TESTS[line], line)]
    return [("assemble", "Pre-assemble", line), ("assemble", "Fit, align and torque", line)]


class Router:
    """Turns steps into routing rows on the site's machines; returns the labour and machine cost
    per unit alongside, for the standard cost."""

    def __init__(self, rng: random.Random, site: SiteProfile, machines: list[Machine]) -> None:
        self.rng, self.site = rng, site
        self.by_step: dict[str, list[Machine]] = {}
        for machine in machines:
            self.by_step.setdefault(machine.type.step, []).append(machine)

    def _alternatives(self, step: str, size: float) -> tuple[list[dict[str, Any]], float]:
        rng = self.rng
        pool = self.by_step[step]
        chosen = rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3))))
        run, setup = TIMES[step]
        rows = []
        for machine in chosen:
            seconds = round(run * size * machine.speed * rng.uniform(0.85, 1.2), 1)
            changeover = round(setup * machine.setup / 60) * 60
            rows.append((seconds, changeover, machine))
        rows.sort(key=lambda row: (row[0], row[2].code))  # fastest is preferred
        best, best_setup, machine = rows[0]
        cost = (best + best_setup / LOT_FOR_SETUP) / 3600 * machine.rate
        alternatives = [
            {
                "work_center": m.code,
                "setup_seconds": changeover,
                "run_seconds_per_unit": seconds,
                "preference": rank,
            }
            for rank, (seconds, changeover, m) in enumerate(rows, start=1)
        ]
        return alternatives, cost

    def routing(
        self, item: str, steps: list[Step], size: float, crew: int = 1
    ) -> tuple[dict[str, Any], float]:
        operations, cost = [], 0.0
        for index, (step, name, family) in enumerate(steps):
            alternatives, step_cost = self._alternatives(step, size)
            people = crew if step == "assemble" else 1
            operation: dict[str, Any] = {
                "sequence": 10 * (index + 1),
                "name": name,
                "skill": STEP_SKILL[step],
                "crew_size": people,
                "alternatives": alternatives,
            }
            if family is not None:
                operation["setup_family"] = family
            if index < len(steps) - 1 and self.rng.random() < 0.35:
                # transfer batches: the next step may start once part of the lot is done
                operation["overlap"] = self.rng.choice((0.2, 0.25, 0.5))
            operations.append(operation)
            run = alternatives[0]["run_seconds_per_unit"]
            cost += step_cost + people * run / 3600 * self.site.labour
        row = {"site": self.site.code, "code": f"R-{item}", "item": item, "operations": operations}
        return row, cost
