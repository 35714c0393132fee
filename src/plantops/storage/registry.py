"""Imports every domain's models so the metadata (and Alembic) sees all tables."""

from plantops.access import models as access_models
from plantops.execution import models as execution_models
from plantops.inventory import models as inventory_models
from plantops.kpi import models as kpi_models
from plantops.masterdata import models as masterdata_models
from plantops.org import models as org_models
from plantops.planning import models as planning_models
from plantops.storage.base import Base
from plantops.workforce import models as workforce_models

__all__ = [
    "Base",
    "access_models",
    "execution_models",
    "inventory_models",
    "kpi_models",
    "masterdata_models",
    "org_models",
    "planning_models",
    "workforce_models",
]
