"""Loading the demo plant: through the plant-file importer, the one path all data takes into the
database, and only into a database that holds no site yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from plantops.access.caller import SYSTEM
from plantops.catalog import BY_NAME
from plantops.demo.plant import build_plant
from plantops.errors import Conflict
from plantops.integration.service import import_plant
from plantops.kpi import targets
from plantops.org.models import Site
from plantops.resources.service import ListQuery, list_records
from plantops.storage.engine import make_session_factory, unit_of_work

Progress = Callable[[str, int, int], None]  # stage, done, total
SITE_CODES = {"CN-SUZ", "DE-STR", "US-MKE"}


class PlantNotEmpty(Conflict):
    """The demo goes only into an empty database: it would clash with (or mix into) real data."""


def existing_sites(session: Session) -> tuple[int, list[str]]:
    """How many sites the database holds, and the first few codes (to name in a message)."""
    page = list_records(session, BY_NAME["sites"], SYSTEM, ListQuery(sort="code", limit=3))
    return page.total, [site.code for site in page.items]


def refuse_if_sites(session: Session) -> None:
    total, codes = existing_sites(session)
    if total:
        more = ", ..." if total > len(codes) else ""
        raise PlantNotEmpty(
            f"the database already holds {total} site(s) ({', '.join(codes)}{more}); "
            "the demo plant loads only into an empty database"
        )


def is_empty(engine: Engine) -> bool:
    with unit_of_work(make_session_factory(engine)) as session:
        return existing_sites(session)[0] == 0


def is_demo(engine: Engine) -> bool:
    """Whether the database holds the demo plant's sites and no others."""
    with unit_of_work(make_session_factory(engine)) as session:
        total, codes = existing_sites(session)
    return total == len(SITE_CODES) and set(codes) == SITE_CODES


def ensure_empty(engine: Engine) -> None:
    """Raise PlantNotEmpty if the database holds a site."""
    with unit_of_work(make_session_factory(engine)) as session:
        refuse_if_sites(session)


def load_document(
    engine: Engine, document: dict[str, Any], progress: Progress | None = None
) -> dict[str, int]:
    """Import a demo document in one transaction; rows written per table."""
    with unit_of_work(make_session_factory(engine)) as session:
        refuse_if_sites(session)  # again, inside the transaction that writes
        counts = import_plant(session, SYSTEM, document, progress=progress)
        set_targets(session)
        return counts


# What the demo's managers aim for (kpi.targets): world-class OEE is about 85 %, a
# believable target for a plant that measures it honestly lower.
TARGETS = {"oee": 0.65, "availability": 0.85, "effectiveness": 0.9, "quality_ratio": 0.98,
           "scrap_ratio": 0.02, "on_time_delivery": 0.95, "schedule_adherence": 0.8,
           "mttr": 45.0}  # fmt: skip


def set_targets(session: Session) -> None:
    for site_id in session.scalars(select(Site.id).order_by(Site.id)):
        for kpi, target in TARGETS.items():
            targets.set_target(session, SYSTEM, site_id, kpi, target)


def load_demo(
    engine: Engine,
    seed: int = 1,
    scale: int = 1,
    start: date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    ensure_empty(engine)  # before spending time on building the plant
    return load_document(engine, build_plant(seed, scale, start), progress)


def load_demo_if_empty(engine: Engine, seed: int = 1, scale: int = 1) -> bool:
    """`serve --prepare`: a first start shows a populated plant; an existing one is left alone."""
    if not is_empty(engine):
        return False
    load_demo(engine, seed, scale)
    return True
