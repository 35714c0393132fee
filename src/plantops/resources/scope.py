"""Which sites a caller may see and change. Access control fills this in per user."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    site_ids: frozenset[int] | None = None  # None: every site

    def allows(self, site_id: int) -> bool:
        return self.site_ids is None or site_id in self.site_ids


EVERYWHERE = Scope()
