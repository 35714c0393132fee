"""Use cases: import a whole plant file, export a whole plant.

An import is all or nothing: the whole file is validated first and every problem reported at
once; only a file without any is written, in the caller's one transaction. Records that
already exist (same code at the same site) are conflicts, never overwritten."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.errors import Conflict, FieldError, ValidationFailed
from plantops.integration import exporting
from plantops.integration.auditing import audit_import
from plantops.integration.document import Progress
from plantops.integration.files import Locate, PlantFile
from plantops.integration.tabular import LAYOUTS
from plantops.integration.validation import validate
from plantops.integration.writing import write


def _failed(errors: list[FieldError]) -> ValidationFailed:
    return ValidationFailed("the plant file has problems; nothing was imported", errors)


def import_plant(
    session: Session,
    caller: Caller,
    document: Any,
    *,
    progress: Progress | None = None,
    locate: Locate | None = None,
    problems: Sequence[FieldError] = (),
) -> dict[str, int]:
    """Validate the whole document, then insert it; the number of rows per table.

    `problems` are the reader's own findings, reported together with the validation's;
    `locate` points the validation's (section, index) locations at a tabular file's rows."""
    caller.require(Domain.plant_file, Action.create, "import plant files")
    plan, errors = validate(session, caller.scope, document, progress)
    if locate is not None:
        errors = locate(errors)
    errors = [*problems, *errors]
    if errors:
        raise _failed(errors)
    try:
        written = write(session, plan, progress)
    except IntegrityError as error:  # someone wrote the same code meanwhile
        raise Conflict(
            f"the plant file conflicts with a record written meanwhile: {error.orig}"
        ) from None
    audit_import(session, caller, plan)
    return {name: written.get(name, 0) for name in LAYOUTS}


def import_file(
    session: Session, caller: Caller, plant: PlantFile, progress: Progress | None = None
) -> dict[str, int]:
    return import_plant(
        session,
        caller,
        plant.document,
        progress=progress,
        locate=plant.locate,
        problems=plant.problems,
    )


def export_plant(
    session: Session,
    caller: Caller,
    site_codes: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every site in scope (or the named ones) as a plant-file document."""
    caller.require(Domain.plant_file, Action.read, "export plant files")
    return exporting.export_plant(session, caller.scope, site_codes, progress)
