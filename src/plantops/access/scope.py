"""Which sites a caller may see and change, from their grants: sites, whole regions, or
everything."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    site_ids: frozenset[int] | None = None  # None: every site
    region_ids: frozenset[int] | None = None  # regions of those sites (seen, not changed)

    def allows(self, site_id: int) -> bool:
        return self.site_ids is None or site_id in self.site_ids

    def sees_region(self, region_id: int) -> bool:
        return self.region_ids is None or region_id in self.region_ids


EVERYWHERE = Scope()
NOWHERE = Scope(frozenset(), frozenset())
