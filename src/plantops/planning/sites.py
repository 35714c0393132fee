"""The site a planning request names, if the caller may see it (else 404, as for any record
out of scope: its existence is not given away)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.errors import NotFound
from plantops.org.models import Site


def visible_site(session: Session, caller: Caller, site_id: int) -> Site:
    site = session.get(Site, site_id)
    if site is None or not caller.scope.allows(site.id):
        raise NotFound(f"site {site_id} not found")
    return site
