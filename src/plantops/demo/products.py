"""Items, BOMs and routings of a demo site, built top-down from the part catalogue.

A site makes one product range per scale step. Each finished good picks the assemblies and
parts its template calls for; a pick reuses an item of that template already made for the range
(the least used one) or designs a new one, so components and sub-assemblies are shared the way
real variants share them. Fasteners, packaging and paints are one pool for the whole site.
Components are always created before the item that uses them, so the BOMs cannot cycle."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from plantops.demo.equipment import COLOURS, Machine
from plantops.demo.parts import FINISHED, POWDER, STOCK, TEMPLATES, Bought, Built, Made
from plantops.demo.routings import Router, built_steps, made_steps
from plantops.demo.sites import SiteProfile

PREFIX = {"raw_material": "RM", "purchased_part": "PP", "manufactured_part": "MP"}
PREFIX |= {"sub_assembly": "SA", "finished_good": "FG"}
NEW_DESIGN = 0.35  # chance a pick designs a new variant while the pool has room
POOL_ROOM = {Bought: 1, Made: 2, Built: 2}  # variants of one template per product range
SHARED_ROOM = 2  # variants of a site-wide template (bolts, cartons...)
STOCK_BY_FORM = {t.stock: t for t in STOCK}
RAW = {"bar": 0.32, "block": 0.22, "sheet": 3.5, "tube": 0.45, "profile": 1.4}  # per size unit


@dataclass
class Entry:
    code: str
    cost: float
    uses: int = 0


def _fill(
    rng: random.Random, pattern: str, values: tuple[tuple[object, ...], ...]
) -> tuple[str, float]:
    """The pattern with sizes chosen, and where the first size sits in its range (0..1)."""
    picks = [rng.randrange(len(choices)) for choices in values]
    names = "abc"[: len(values)]
    text = pattern.format(
        **{n: values[i][p] for i, (n, p) in enumerate(zip(names, picks, strict=True))}
    )
    position = picks[0] / max(1, len(values[0]) - 1) if values else 0.5
    return text, position


# Lot-size rules of made items, drawn with these odds.
MADE_LOTS = {
    "manufactured_part": ("fixed:20", "fixed:25", "fixed:50", "fixed:100")
    + ("minmax:10:10:200",) * 3
    + ("l4l",) * 3,
    "sub_assembly": ("l4l", "l4l", "l4l", "fixed:5", "fixed:10"),
    "finished_good": ("l4l", "l4l", "minmax:5:5"),
}


def _lot(rule: str) -> dict[str, Any]:
    """'fixed:N', 'minmax:MIN:MULTIPLE[:MAX]' or 'l4l' as item fields."""
    kind, *numbers = rule.split(":")
    if kind == "fixed":
        return {"lot_size_rule": "fixed", "lot_size_fixed": int(numbers[0])}
    if kind == "minmax":
        row = {"lot_size_rule": "min_max_multiple", "lot_size_min": int(numbers[0])}
        row["lot_size_multiple"] = int(numbers[1])
        if len(numbers) > 2:
            row["lot_size_max"] = int(numbers[2])
        return row
    return {"lot_size_rule": "lot_for_lot"}


class Products:
    def __init__(
        self, rng: random.Random, site: SiteProfile, machines: list[Machine], start: date
    ) -> None:
        self.rng, self.site, self.start = rng, site, start
        self.router = Router(rng, site, machines)
        self.items: list[dict[str, Any]] = []
        self.boms: list[dict[str, Any]] = []
        self.routings: list[dict[str, Any]] = []
        self.finished: list[str] = []
        self.spares: list[str] = []  # machined parts customers also order as spare parts
        self._pools: dict[tuple[object, str], list[Entry]] = {}
        self._numbers = dict.fromkeys(PREFIX.values(), 10000)
        self._names: set[str] = set()
        self._rows: dict[str, dict[str, Any]] = {}

    def product_range(self, block: int) -> None:
        """One product range: 10-15 finished goods of the site's product lines."""
        offered = [t for t in FINISHED if t.line in self.site.lines]
        for index in range(self.rng.randint(10, 15)):
            entry = self._built(self.rng.choice(offered), block, finished=True, change=index == 0)
            self.finished.append(entry.code)

    # -- picking and naming -------------------------------------------------------------------

    def pick(self, key: str, block: int) -> Entry:
        template = TEMPLATES[key]
        shared = isinstance(template, Bought) and template.shared
        pool = self._pools.setdefault(("site" if shared else block, key), [])
        if block and not shared and isinstance(template, Built) and self.rng.random() < 0.1:
            pool = self._pools.get((block - 1, key)) or pool  # platform parts of the last range
        room = SHARED_ROOM if shared else POOL_ROOM[type(template)]
        if not pool or (len(pool) < room and self.rng.random() < NEW_DESIGN):
            pool.append(self._create(template, block))
            entry = pool[-1]
        else:
            entry = min(pool, key=lambda e: (e.uses, self.rng.random()))
        entry.uses += 1
        return entry

    def _name(self, pattern: str, values: tuple[tuple[object, ...], ...]) -> tuple[str, float]:
        for _ in range(6):
            name, position = _fill(self.rng, pattern, values)
            if name not in self._names:
                break
        self._names.add(name)
        return name, position

    def _code(self, kind: str) -> str:
        prefix = PREFIX[kind]
        self._numbers[prefix] += 1
        return f"{prefix}-{self._numbers[prefix]}"

    def _item(
        self,
        code: str,
        kind: str,
        name: str,
        uom: str,
        cost: float,
        lead: int,
        extra: dict[str, Any],
    ) -> None:
        row = {
            "site": self.site.code,
            "code": code,
            "name": name,
            "item_type": "manufactured_part" if kind == "sub_assembly" else kind,
            "make_or_buy": "buy" if kind in ("raw_material", "purchased_part") else "make",
            "uom": uom,
            "standard_cost": round(cost, 2),
            "lead_time_days": lead,
        }
        self._rows[code] = row | extra
        self.items.append(self._rows[code])

    def _create(self, template: Bought | Made | Built, block: int) -> Entry:
        if isinstance(template, Bought):
            return self._bought(template, template.pattern, template.values)
        if isinstance(template, Made):
            return self._made(template, block)
        return self._built(template, block, finished=False, change=False)

    # -- the three kinds of item --------------------------------------------------------------

    def _bought(
        self, template: Bought, pattern: str, values: tuple[tuple[object, ...], ...]
    ) -> Entry:
        rng = self.rng
        name, position = self._name(pattern, values)
        low, high = template.price
        price = (low + (high - low) * position) * rng.uniform(0.95, 1.05) * self.site.prices
        kind = "raw_material" if template.stock or template is POWDER else "purchased_part"
        extra = _lot(template.lot)
        if rng.random() < 0.3:
            extra["safety_stock"] = extra.get("lot_size_fixed") or 2 * extra.get("lot_size_min", 1)
        code = self._code(kind)
        self._item(code, kind, name, template.uom, price, rng.randint(*template.lead), extra)
        return Entry(code, price)

    def _powder(self, colour: str) -> Entry:
        pool = self._pools.setdefault(("site", f"powder {colour}"), [])
        if not pool:
            pool.append(self._bought(POWDER, POWDER.pattern, ((colour,), (COLOURS[colour],))))
        pool[0].uses += 1
        return pool[0]

    def _made(self, part: Made, block: int) -> Entry:
        rng = self.rng
        name, _ = self._name(part.pattern, part.values)
        size = part.size * rng.uniform(0.8, 1.3)
        lines: list[tuple[Entry, float, float]] = []  # component, quantity per, scrap factor
        if part.form == "cast":  # each casting is made to the part's own pattern
            blank = Bought("casting", f"Casting blank for {name}", (), "pc", (18 * size,) * 2,
                           "l4l", (25, 40))  # fmt: skip
            lines.append((self._bought(blank, blank.pattern, ()), 1, 0))
        else:
            forms = ("profile", "sheet") if part.form == "welded" else (part.form,)
            for form in forms:
                stock = self.pick(STOCK_BY_FORM[f"{form}/{part.material}"].key, block)
                lines.append(
                    (stock, round(RAW[form] * size, 3), rng.choice((0.02, 0.03, 0.05, 0.08)))
                )
        colour = None
        if part.painted:
            colour = rng.choices(self.site.colours, (60, 25, 15))[0]
            lines.append((self._powder(colour), round(0.12 * size, 3), 0.1))
        steps = made_steps(rng, part, colour)
        entry = self._make("manufactured_part", name, lines, steps, size, 1)
        if rng.random() < 0.3:
            self.spares.append(entry.code)
        return entry

    def _built(self, assembly: Built, block: int, finished: bool, change: bool) -> Entry:
        rng = self.rng
        name, _ = self._name(assembly.pattern, assembly.values)
        nested = False
        lines: list[tuple[Entry, float, float]] = []
        for key, quantities in assembly.parts:
            nested = nested or isinstance(TEMPLATES[key], Built)
            lines.append((self.pick(key, block), rng.choice(quantities), 0))
        kind = "finished_good" if finished else "sub_assembly"
        steps = built_steps(assembly, nested, finished)
        crew = 2 if finished else 1  # final assembly is a two-person job
        return self._make(kind, name, lines, steps, assembly.size, crew, change=change)

    def _make(
        self,
        kind: str,
        name: str,
        lines: list[tuple[Entry, float, float]],
        steps: list[tuple[str, str, str | None]],
        size: float,
        crew: int,
        change: bool = False,
    ) -> Entry:
        rng = self.rng
        extra = _lot(rng.choice(MADE_LOTS[kind]))
        if kind == "finished_good" and rng.random() < 0.3:
            extra["safety_stock"] = rng.choice((2, 4, 5, 10))
        material = sum(e.cost * q / (1 - s) for e, q, s in lines)
        lead = {"manufactured_part": (2, 5), "sub_assembly": (2, 4), "finished_good": (1, 3)}[kind]
        code = self._code(kind)
        routing, work = self.router.routing(code, steps, size, crew)
        cost = material + work
        self._item(code, kind, name, "pc", cost, rng.randint(*lead), extra)
        bom_lines = []
        for entry, quantity, scrap in lines:
            line: dict[str, Any] = {"component_item": entry.code, "quantity_per": quantity}
            if scrap:
                line["scrap_factor"] = scrap
            bom_lines.append(line)
        if change:
            bom_lines += self._engineering_change(bom_lines)
        self.boms.append(
            {
                "site": self.site.code,
                "code": f"B-{code}",
                "item": code,
                "quantity": 1,
                "lines": bom_lines,
            }
        )
        self.routings.append(routing)
        return Entry(code, cost)

    def _engineering_change(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The last line is replaced by a new purchased part three weeks after the start."""
        switch = self.start + timedelta(days=21)
        old = lines[-1]
        old["valid_to"] = (switch - timedelta(days=1)).isoformat()
        row = self._rows[old["component_item"]]
        price = row["standard_cost"] / self.site.prices
        name = f"{row['name']} (new supplier)"
        template = Bought("change", name, (), row["uom"], (price, price), "l4l", (5, 15))
        new = self._bought(template, template.pattern, ())
        return [
            {
                "component_item": new.code,
                "quantity_per": old["quantity_per"],
                "valid_from": switch.isoformat(),
            }
        ]
