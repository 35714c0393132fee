"""Every aggregate PlantOps exposes, in dependency order (what a record refers to comes first).

The API, the plant file import/export and the demo all walk this one list."""

from __future__ import annotations

from sqlalchemy import Table

from plantops.inventory.service import LOCATIONS
from plantops.masterdata.service import (
    BOMS,
    CALENDARS,
    ITEMS,
    REASON_CODES,
    ROUTINGS,
    WORK_CENTERS,
)
from plantops.org.service import AREAS, REGIONS, SITES
from plantops.planning.service import CUSTOMERS, SALES_ORDERS
from plantops.resources.spec import ChildSpec, ResourceSpec
from plantops.workforce.service import EMPLOYEES, SKILLS

RESOURCES: tuple[ResourceSpec, ...] = (
    REGIONS,
    SITES,
    AREAS,
    CALENDARS,
    SKILLS,
    WORK_CENTERS,
    ITEMS,
    BOMS,
    ROUTINGS,
    REASON_CODES,
    LOCATIONS,
    EMPLOYEES,
    CUSTOMERS,
    SALES_ORDERS,
)
BY_NAME: dict[str, ResourceSpec] = {spec.name: spec for spec in RESOURCES}


def _parent_links(parent: Table, children: tuple[ChildSpec, ...]) -> dict[Table, tuple[Table, str]]:
    links: dict[Table, tuple[Table, str]] = {}
    for child in children:
        table: Table = child.model.__table__  # type: ignore[assignment]
        column = next(fk.parent.name for fk in table.foreign_keys if fk.column.table is parent)
        links[table] = (parent, column)
        links |= _parent_links(table, child.children)
    return links


# child table -> (its parent table, the column pointing at it): to name the owner of a child row
PARENTS: dict[Table, tuple[Table, str]] = {}
for _spec in RESOURCES:
    PARENTS |= _parent_links(_spec.table, _spec.children)
