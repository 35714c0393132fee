"""`plantops import FILE` and `plantops export DIR`: whole plants in and out
(docs/plant-file.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from plantops.cli.errors import console, user_errors
from plantops.errors import DomainError

Report = Callable[[str, int, int], None]


class Format(StrEnum):
    yaml = "yaml"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@contextmanager
def _progress(first: str) -> Iterator[Report]:
    columns = (TextColumn("{task.description:<44}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(first, total=None)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        yield report


def _summary(counts: dict[str, int]) -> str:
    shown = [f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n and "." not in name]
    return ", ".join(shown) or "nothing"


def import_command(
    file: Path = typer.Argument(
        ..., help="a .yaml/.yml/.json file, an .xlsx workbook or a directory of .csv files"
    ),
) -> None:
    """Import a whole plant file: everything or, if anything is wrong, nothing."""
    from plantops.access.caller import SYSTEM
    from plantops.integration.files import read_plant
    from plantops.integration.service import import_file
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    with user_errors(), _progress(f"reading {file.name}") as report:
        try:
            plant = read_plant(file)
        except OSError as error:
            raise DomainError(f"cannot read {file}: {error.strerror}") from None
        engine = make_engine()
        upgrade(engine)  # importing into a new database file must just work, as the demo does
        with unit_of_work(make_session_factory(engine)) as session:
            counts = import_file(session, SYSTEM, plant, report)
    console.print(f"imported {escape(file.name)}: {_summary(counts)}", soft_wrap=True)


def export_command(
    directory: Path = typer.Argument(..., help="where to write plant.<format> (or the .csv files)"),
    format: Format = typer.Option(Format.yaml, "--format", "-f", help="file format"),
    site: list[str] | None = typer.Option(
        None, "--site", "-s", help="only this site (repeat for several); default every site"
    ),
) -> None:
    """Export the whole plant (or some sites) as one plant file."""
    from plantops.access.caller import SYSTEM
    from plantops.integration.files import write_plant
    from plantops.integration.service import export_plant
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work

    with user_errors(), _progress("exporting") as report:
        sessions = make_session_factory(make_engine())
        with unit_of_work(sessions) as session:
            document = export_plant(session, SYSTEM, site or None, report)
        report(f"writing {format.value}", 0, 1)
        try:
            paths = write_plant(document, directory, format.value)
        except OSError as error:
            where = error.filename or directory
            raise DomainError(f"cannot write {where}: {error.strerror}") from None
    where = str(paths[0]) if len(paths) == 1 else f"{len(paths)} files in {directory}"
    counts = {name: len(records) for name, records in document.items() if isinstance(records, list)}
    console.print(f"exported {_summary(counts)} to {escape(where)}", soft_wrap=True)
