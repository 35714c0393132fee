"""Which sites a caller may see and change, from their grants: sites, whole regions, or
everything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scope:
    site_ids: frozenset[int] | None = None  # None: every site
    region_ids: frozenset[int] | None = None  # regions of those sites (seen, not changed)

    def allows(self, site_id: int) -> bool:
        return self.site_ids is None or site_id in self.site_ids

    def sees_region(self, region_id: int) -> bool:
        return self.region_ids is None or region_id in self.region_ids

    def conditions(self, column: Any, site_id: int | None = None) -> list[Any]:
        """Conditions on a query's site column: the sites granted, and only `site_id` when
        given (a site not granted then matches nothing)."""
        found: list[Any] = []
        if self.site_ids is not None:
            found.append(column.in_(self.site_ids))
        if site_id is not None:
            found.append(column == site_id)
        return found


EVERYWHERE = Scope()
NOWHERE = Scope(frozenset(), frozenset())
