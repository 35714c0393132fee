"""The master-data rules the record service runs one record at a time (check_bom,
check_routing in plantops.masterdata.service), applied to a whole plant file at once: only made
items take a BOM or a routing, and the BOMs of a site form no cycle (find_cycle, over the
file's BOMs together with those already in the database). Messages are the service's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy.orm import Session

from plantops.errors import FieldError
from plantops.integration.document import Level
from plantops.integration.existing import Existing, Key
from plantops.masterdata.bom_graph import find_cycle
from plantops.masterdata.models import Item
from plantops.masterdata.service import bom_edges, bought_item_problem, check_bom, check_routing
from plantops.types import MakeOrBuy

MAX_CYCLES = 50  # per site: enough to show the pattern without drowning the list
_LABELS = {check_bom: "BOM", check_routing: "routing"}


@dataclass(frozen=True)
class _Edge:
    parent: str
    component: str
    section: str
    row: int
    line: int


class Rules:
    def __init__(self, session: Session, existing: Existing, key_of: Callable[[int], Key]):
        self.session = session
        self.existing = existing
        self.key_of = key_of
        self.made: dict[Key, bool] = {}  # items of the file
        self.edges: dict[str, list[_Edge]] = {}  # site -> BOM edges of the file

    def record(self, level: Level, key: Key, record: dict[str, Any], row: int) -> list[FieldError]:
        """Check one valid root record; remember what later records need."""
        if level.table is Item.__table__:
            self.made[key] = record["make_or_buy"] is MakeOrBuy.make
            return []
        label = _LABELS.get(level.spec.check)  # type: ignore[arg-type]
        if label is None:
            return []
        item = self.key_of(record["item_id"])
        errors: list[FieldError] = []
        made = self.made.get(item)
        if made is None and item[1] is not None:
            stored = self.existing.values(Item.__table__, item[1], "make_or_buy").get(item[2])  # type: ignore[arg-type]
            made = None if stored is None else stored is MakeOrBuy.make
        if made is False:
            message = bought_item_problem(item[2], label)
            errors.append(FieldError(("item",), message, level.name, row))
        if label == "BOM" and key[1] is not None:
            edges = self.edges.setdefault(key[1], [])
            for index, line in enumerate(record["lines"]):
                component = self.key_of(line["component_item_id"])[2]
                edges.append(_Edge(item[2], component, level.name, row, index))
        return errors

    def finish(self) -> list[FieldError]:
        """Every BOM cycle of each site (up to MAX_CYCLES), on the file's lines that close it."""
        errors: list[FieldError] = []
        for site, edges in self.edges.items():
            graph: dict[str, list[str]] = {}
            for edge in edges:
                graph.setdefault(edge.parent, []).append(edge.component)
            for parent, components in self._stored_edges(site).items():
                graph.setdefault(parent, []).extend(components)
            for _ in range(MAX_CYCLES):
                cycle = find_cycle(graph)
                if cycle is None:
                    break
                pairs = set(pairwise(cycle))
                message = "BOM cycle: " + " -> ".join(cycle)
                errors.extend(
                    FieldError(("lines", e.line, "component_item"), message, e.section, e.row)
                    for e in edges
                    if (e.parent, e.component) in pairs
                )
                for parent, component in pairs:
                    graph[parent] = [c for c in graph[parent] if c != component]
        return errors

    def _stored_edges(self, site: str) -> dict[str, list[str]]:
        site_id = self.existing.site_id(site)
        if site_id is None:
            return {}
        codes = {i: c for c, i in self.existing.codes(Item.__table__, site).items()}  # type: ignore[arg-type]
        return {
            codes[parent]: [codes[c] for c in components]
            for parent, components in bom_edges(self.session, site_id).items()
        }
