"""Whole plants over HTTP: download a plant file, upload one (docs/plant-file.md)."""
# No "from __future__ import annotations": FastAPI reads these signatures at runtime.

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from plantops.api.auth import caller, sessions
from plantops.api.problems import problem_responses
from plantops.errors import FieldError, ValidationFailed
from plantops.integration.files import MEDIA_TYPES, PlantFile, dump_plant, read_plant_bytes
from plantops.integration.service import export_plant, import_file
from plantops.storage.engine import unit_of_work

router = APIRouter(prefix="/plant", tags=["plant"])
XLSX = MEDIA_TYPES["xlsx"]
# body media type -> the file name its format is read as
_BODIES = {
    "application/json": "plant.json",
    "application/yaml": "plant.yaml",
    "application/x-yaml": "plant.yaml",
    "text/yaml": "plant.yaml",
    "text/x-yaml": "plant.yaml",
    XLSX: "plant.xlsx",
}
_FILE_PART = {
    "type": "object",
    "properties": {"file": {"type": "string", "format": "binary"}},
    "required": ["file"],
}
_IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "a plant file: uploaded as the form field `file` (.yaml, .yml, .json, "
        ".xlsx), or sent as the body itself",
        "content": {
            "multipart/form-data": {"schema": _FILE_PART},
            "application/json": {"schema": {"type": "object"}},
            "application/yaml": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class ImportResult(BaseModel):
    counts: dict[str, int] = Field(
        description="rows written per table: each section and its child tables (boms.lines...)"
    )


async def _received(request: Request) -> PlantFile:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            message = "send the plant file as the form field 'file'"
            raise ValidationFailed(message, [FieldError(("body", "file"), message)])
        data, name = await upload.read(), upload.filename or "plant"
    elif media in _BODIES:
        data, name = await request.body(), _BODIES[media]
    else:
        known = ", ".join(["multipart/form-data", *_BODIES])
        raise HTTPException(415, f"send the plant file as one of {known}")
    return await run_in_threadpool(read_plant_bytes, data, name)


def _import(request: Request, plant: PlantFile) -> dict[str, int]:
    with unit_of_work(sessions(request)) as session:
        return import_file(session, caller(request), plant)


@router.post(
    "/import",
    status_code=201,
    response_model=ImportResult,
    summary="Import a whole plant file",
    description="All or nothing: the whole file is checked first and every problem is answered "
    "at once (422, each with `source`, `row` and `pointer`); records that already exist are "
    "problems too, never overwritten.",
    openapi_extra=_IMPORT_BODY,
    responses=problem_responses(409, 415, 422),
)
async def import_plant(request: Request) -> ImportResult:
    plant = await _received(request)
    counts = await run_in_threadpool(_import, request, plant)
    return ImportResult(counts=counts)


@router.get(
    "/export",
    summary="Download the whole plant as one plant file",
    response_class=Response,
    responses={
        200: {
            "description": "the plant file",
            "content": {media: {} for media in MEDIA_TYPES.values()},
        }
    },
)
def export(
    request: Request,
    file_format: Annotated[Literal["yaml", "json", "xlsx"], Query(alias="format")] = "yaml",
    site: Annotated[
        list[str] | None,
        Query(max_length=100, description="only these sites (codes); default every site"),
    ] = None,
) -> Response:
    with unit_of_work(sessions(request)) as session:
        document = export_plant(session, caller(request), site)
    headers = {"Content-Disposition": f'attachment; filename="plant.{file_format}"'}
    return Response(
        dump_plant(document, file_format), media_type=MEDIA_TYPES[file_format], headers=headers
    )
