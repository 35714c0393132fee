"""Plant files from the master data page: download the site (YAML, XLSX, or the CSV tables in
a zip), and import one in two steps: a check that writes nothing and shows every problem at
its file, row and field, then the import itself, all or nothing (integration/service.py)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from nicegui import events, run, ui

from plantops.access.roles import Action, Domain
from plantops.errors import DomainError, FieldError, ValidationFailed
from plantops.integration.csv_io import read_csv_dir, write_csv_dir
from plantops.integration.files import MEDIA_TYPES, PlantFile, dump_plant, read_plant_bytes
from plantops.integration.service import export_plant, import_file
from plantops.integration.tabular import flatten
from plantops.storage.engine import unit_of_work
from plantops.web.data_cells import ERROR_CLASS
from plantops.web.nice import sessions
from plantops.web.shell import Visitor, current, read

MOST_BYTES = 50_000_000
ACCEPTED = ".yaml,.yml,.json,.xlsx,.csv,.zip"


def csv_zip(document: dict[str, Any]) -> bytes:
    """The plant file's CSV tables (as `plantops export --format csv` writes them), zipped."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(buffer, "w") as archive:
        for path in write_csv_dir(flatten(document), Path(folder)):
            archive.write(path, path.name)
    return buffer.getvalue()


def read_upload(data: bytes, name: str) -> PlantFile:
    """A received file as a plant file: one `<table>.csv`, a zip of them, or a whole file."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".zip"):
        return read_plant_bytes(data, name)
    with tempfile.TemporaryDirectory() as folder:
        if suffix == ".csv":
            (Path(folder) / Path(name).name).write_bytes(data)
        else:
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for member in archive.namelist():
                        if member.lower().endswith(".csv"):  # only the name: nothing outside
                            (Path(folder) / Path(member).name).write_bytes(archive.read(member))
            except zipfile.BadZipFile:
                raise ValidationFailed(
                    "not a zip file", [FieldError((), "not a zip file", name, None)]
                ) from None
        plant = read_csv_dir(Path(folder))
    return PlantFile(name, plant.document, plant.problems, plant.locate)


class Transfer:
    """The import and export panel."""

    def __init__(self, who: Visitor) -> None:
        self.who = who
        self.received: tuple[bytes, str] | None = None
        caller = who.caller
        exports = caller.may(Domain.plant_file, Action.read)
        imports = caller.may(Domain.plant_file, Action.create)
        said = may_say(exports, imports)
        if said:  # a tab left blank would look broken: say what the role may do here
            ui.label(said).classes("text-grey-8").props('data-testid="transfer-role"')
        with ui.row().classes("w-full gap-6 items-start"):
            if exports:
                self._export_card()
            if imports:
                self._import_card()
        self.result = ui.column().classes("w-full").props('data-testid="import-result"')

    def _export_card(self) -> None:
        where = self.who.site.code if self.who.site else "all my sites"
        with ui.card().classes("gap-2"):
            ui.label(f"Export {where}").classes("font-medium")
            with ui.row().classes("gap-2"):
                for kind, label in (("yaml", "YAML"), ("xlsx", "XLSX"), ("csv", "CSV (zip)")):
                    ui.button(
                        label, icon="download", on_click=lambda k=kind: self._export(k)
                    ).props(f'outline no-caps data-testid="export-{kind}"')

    def _import_card(self) -> None:
        with ui.card().classes("gap-2"):
            ui.label("Import a plant file").classes("font-medium")
            ui.label(
                "YAML, JSON, XLSX, one table's CSV or a zip of CSV tables. It is checked first; "
                "nothing is written while any problem is left."
            ).classes("text-sm text-grey-8 max-w-md")
            ui.upload(
                label="Plant file",
                auto_upload=True,
                on_upload=self._received,
                max_file_size=MOST_BYTES,
            ).props(f'accept="{ACCEPTED}" flat bordered').classes("w-96").props(
                'data-testid="import-upload"'
            )

    async def _export(self, kind: str) -> None:
        sites = [self.who.site.code] if self.who.site else None

        def export() -> bytes:
            document = read(self.who, lambda s, c: export_plant(s, c, sites))
            return csv_zip(document) if kind == "csv" else dump_plant(document, kind)

        try:
            data = await run.io_bound(export)
        except DomainError as error:
            ui.notify(error.detail, type="negative")
            return
        stem = f"plant-{self.who.site.code if self.who.site else 'all'}"
        suffix, media = ("zip", "application/zip") if kind == "csv" else (kind, MEDIA_TYPES[kind])
        if data is not None:
            ui.download.content(data, f"{stem}.{suffix}", media)

    async def _received(self, event: events.UploadEventArguments) -> None:
        data, name = await event.file.read(), event.file.name
        self.received = None
        checked = await run.io_bound(self._check, data, name)
        if checked is None:  # the server is shutting down
            return
        counts, problems = checked
        self.result.clear()
        with self.result:
            if problems:
                self._problems(name, problems)
                return
            self.received = (data, name)
            ui.label(f"{name} is ready to import: {_summary(counts)}.").props(
                'data-testid="import-ready"'
            )
            ui.button("Import", icon="upload", on_click=self._import).props(
                'no-caps data-testid="import-confirm"'
            )

    def _check(self, data: bytes, name: str) -> tuple[dict[str, int], list[FieldError]]:
        """Import the file in a transaction that is rolled back: the service's whole check,
        nothing written. Its counts, or every problem found."""
        try:
            plant = read_upload(data, name)
            with sessions()() as session:
                try:
                    return import_file(session, current(session, self.who), plant), []
                finally:
                    session.rollback()
        except ValidationFailed as error:
            return {}, error.errors or [FieldError((), error.detail, name, None)]
        except DomainError as error:
            return {}, [FieldError((), error.detail, name, None)]

    def _problems(self, name: str, problems: list[FieldError]) -> None:
        ui.label(
            f"{name}: {len(problems)} problem(s); nothing was imported. Fix them and upload again."
        ).classes("text-negative font-medium").props('data-testid="import-failed"')
        rows = [
            {
                "file": p.source or name,
                "row": p.row,
                "field": ".".join(str(x) for x in p.location) or "(whole row)",
                "problem": p.message,
            }
            for p in problems
        ]
        columns: list[dict[str, Any]] = [{"field": c} for c in ("file", "row", "field")]
        columns.append({"field": "problem", "flex": 1, "wrapText": True, "autoHeight": True})
        options: dict[str, Any] = {"columnDefs": columns, "rowData": rows}
        options |= {"domLayout": "autoHeight", "defaultColDef": {"cellClass": ERROR_CLASS}}
        ui.aggrid(options, auto_size_columns=False).classes("w-full").props(
            'data-testid="import-errors"'
        )

    async def _import(self) -> None:
        if self.received is None:
            return
        data, name = self.received
        self.received = None
        written = await run.io_bound(self._write, data, name)
        if written is None:
            return
        counts, problems = written
        self.result.clear()
        with self.result:
            if problems:
                self._problems(name, problems)
            else:
                ui.label(f"Imported {name}: {_summary(counts)}.").classes(
                    "text-positive font-medium"
                ).props('data-testid="import-done"')

    def _write(self, data: bytes, name: str) -> tuple[dict[str, int], list[FieldError]]:
        try:
            with unit_of_work(sessions()) as session:
                plant = read_upload(data, name)
                return import_file(session, current(session, self.who), plant), []
        except ValidationFailed as error:
            return {}, error.errors or [FieldError((), error.detail, name, None)]
        except DomainError as error:
            return {}, [FieldError((), error.detail, name, None)]


def may_say(exports: bool, imports: bool) -> str:
    """What a role that may not do both is told on the tab ("" when it may)."""
    if exports and imports:
        return ""
    if exports:
        return "Your role may export plant files but not import them."
    if imports:
        return "Your role may import plant files but not export them."
    return (
        "Your role may neither import nor export plant files: production and regional "
        "managers, the director and administrators can."
    )


def _summary(counts: dict[str, int]) -> str:
    shown = [f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n and "." not in name]
    return ", ".join(shown) or "nothing"
