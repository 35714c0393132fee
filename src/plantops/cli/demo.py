"""`plantops demo [--seed N] [--scale N]`: migrate, then load the demo plant into an empty
database through the importer."""

from __future__ import annotations

import time
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import make_url

from plantops.cli.errors import user_errors
from plantops.config import settings
from plantops.demo import build_plant
from plantops.demo.history import DAYS, create_history
from plantops.demo.loader import PlantNotEmpty, ensure_empty, load_document
from plantops.storage.engine import make_engine
from plantops.storage.migrate import upgrade

console = Console(stderr=True)
SHOWN = ("sites", "work_centers", "items", "boms", "routings", "employees", "sales_orders")


def _where() -> str:
    return make_url(settings().database_url).render_as_string(hide_password=True)


def _refuse(error: PlantNotEmpty) -> NoReturn:
    console.print(
        f"[red]error:[/] {escape(error.detail)}: start from an empty one, e.g. "
        "PLANTOPS_DATABASE_URL=sqlite:///./demo.db plantops demo (or remove ./plantops.db)",
        soft_wrap=True,
    )
    raise typer.Exit(1)


def demo(
    seed: int = typer.Option(1, min=0, help="the same seed always gives the same plant"),
    scale: int = typer.Option(
        1, min=1, max=2000, help="product ranges per site; 225 gives about 50,000 items"
    ),
    history_days: int = typer.Option(
        DAYS, min=0, max=366, help="days of simulated production until now, at every site"
    ),
    rates: Path = typer.Option(
        None, exists=True, dir_okay=False, help="simulation rates file (default: the demo's)"
    ),
) -> None:
    """Load the demo plant (three sites, deterministic for a seed) into an empty database."""
    began = time.perf_counter()
    with user_errors():
        engine = make_engine()
        upgrade(engine)
        try:
            ensure_empty(engine)
        except PlantNotEmpty as error:
            _refuse(error)
        columns = (TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task(f"building the demo plant (scale {scale})", total=None)
            document = build_plant(seed, scale)

            def report(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            try:
                counts = load_document(engine, document, report)
            except PlantNotEmpty as error:  # someone loaded meanwhile
                _refuse(error)
            made = create_history(
                engine, history_days, seed, rates, progress=lambda stage: bar.update(
                    task, description=stage, completed=0, total=None)
            ) if history_days else []  # fmt: skip
    shown = ", ".join(f"{counts.get(name, 0)} {name.replace('_', ' ')}" for name in SHOWN)
    seconds = time.perf_counter() - began
    history = ""
    if made:
        events, orders = sum(h.events for h in made), sum(h.orders for h in made)
        history = f", and {history_days} days of history: {orders:,} orders, {events:,} events"
    console.print(
        f"loaded the demo plant (seed {seed}, scale {scale}) into {escape(_where())}: "
        f"{shown}{history} in {seconds:.1f} s",
        soft_wrap=True,
    )
