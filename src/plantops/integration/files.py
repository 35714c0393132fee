"""Reading and writing plant files in each format: `.yaml`/`.yml`, `.json`, `.xlsx`, or a
directory of `.csv` files."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plantops.errors import FieldError, NotFound, ValidationFailed
from plantops.integration.csv_io import read_csv_dir, write_csv_dir
from plantops.integration.tabular import Unflattened, flatten
from plantops.integration.xlsx_io import read_xlsx, write_xlsx
from plantops.integration.yaml_json import dump_json, dump_yaml, load_json, load_yaml

FORMATS = ("yaml", "json", "csv", "xlsx")
FILE_NAMES = {"yaml": "plant.yaml", "json": "plant.json", "xlsx": "plant.xlsx"}
MEDIA_TYPES = {
    "yaml": "application/yaml",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx"}
Locate = Callable[[list[FieldError]], list[FieldError]]


@dataclass
class PlantFile:
    """A plant file as read: the document, what the reader itself found wrong, and how to
    point a problem found later (section, index) at the file's own rows."""

    name: str
    document: Any
    problems: list[FieldError] = field(default_factory=list)
    locate: Locate | None = None


def _tabular(name: str, result: Unflattened) -> PlantFile:
    return PlantFile(name, result.document, result.problems, result.locate)


def format_of(name: str) -> str:
    kind = _SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        known = ", ".join(_SUFFIXES)
        message = f"unknown kind of file: use {known} or a directory of .csv files"
        raise ValidationFailed(message, [FieldError((), message, Path(name).name, None)])
    return kind


def read_plant(path: Path) -> PlantFile:
    """A .yaml/.yml/.json file, an .xlsx workbook or a directory of .csv files."""
    if not path.exists():
        raise NotFound(f"{path} does not exist")
    if path.is_dir():
        return _tabular(path.name, read_csv_dir(path))
    kind = format_of(path.name)
    if kind == "xlsx":
        return _tabular(path.name, read_xlsx(path, path.name))
    with path.open("rb") as stream:
        load = load_yaml if kind == "yaml" else load_json
        return PlantFile(path.name, load(stream, path.name))


def read_plant_bytes(data: bytes, name: str) -> PlantFile:
    """A plant file received whole (an upload): the name's suffix tells the format."""
    kind = format_of(name)
    if kind == "xlsx":
        return _tabular(name, read_xlsx(io.BytesIO(data), name))
    load = load_yaml if kind == "yaml" else load_json
    return PlantFile(name, load(data, name))


def write_plant(document: dict[str, Any], directory: Path, kind: str) -> list[Path]:
    """Write DIR/plant.yaml, plant.json, plant.xlsx, or one DIR/<table>.csv per table."""
    if kind == "csv":
        return write_csv_dir(flatten(document), directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE_NAMES[kind]
    if kind == "xlsx":
        write_xlsx(flatten(document), path)
    else:
        with path.open("w", encoding="utf-8", newline="\n") as stream:
            (dump_yaml if kind == "yaml" else dump_json)(document, stream)
    return [path]


def dump_plant(document: dict[str, Any], kind: str) -> bytes:
    """The plant file as bytes (yaml, json or xlsx), for a download."""
    if kind == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(flatten(document), buffer)
        return buffer.getvalue()
    text = io.StringIO()
    (dump_yaml if kind == "yaml" else dump_json)(document, text)
    return text.getvalue().encode("utf-8")
