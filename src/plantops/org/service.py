"""Regions, sites and areas as generic records."""

from __future__ import annotations

from plantops.access.roles import Domain
from plantops.org.models import Area, Region, Site
from plantops.org.schemas import AreaIn, AreaOut, RegionIn, RegionOut, SiteIn, SiteOut
from plantops.resources.spec import ResourceSpec

REGIONS = ResourceSpec("regions", "region", Region, RegionIn, RegionOut, domain=Domain.org)
SITES = ResourceSpec(
    "sites", "site", Site, SiteIn, SiteOut, filters=("region_id",), domain=Domain.org
)
AREAS = ResourceSpec("areas", "area", Area, AreaIn, AreaOut)
