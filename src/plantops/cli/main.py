"""`plantops db upgrade | demo | import | export | serve | user | audit | ledger`."""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy import Engine

from plantops.cli import transfer
from plantops.cli.bench import bench
from plantops.cli.demo import demo
from plantops.cli.errors import user_errors
from plantops.cli.ledger import ledger_app
from plantops.cli.plan import plan_app
from plantops.cli.report import kpi_app, report
from plantops.cli.simulate import simulate
from plantops.cli.users import audit_app, user
from plantops.config import settings
from plantops.demo.history import DAYS, create_history
from plantops.demo.loader import is_demo, load_demo_if_empty
from plantops.storage.engine import make_engine
from plantops.storage.migrate import upgrade

app = typer.Typer(no_args_is_help=True, add_completion=False, help="PlantOps production management")
db = typer.Typer(no_args_is_help=True, help="Database schema")
app.add_typer(db, name="db")
app.add_typer(bench, name="bench")
app.add_typer(user, name="user")
app.add_typer(plan_app, name="plan")
app.add_typer(audit_app, name="audit")
app.add_typer(ledger_app, name="ledger")
app.add_typer(kpi_app, name="kpi")
app.command("report")(report)
app.command("demo")(demo)
app.command("simulate")(simulate)
app.command("import")(transfer.import_command)
app.command("export")(transfer.export_command)
console = Console(stderr=True)


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    with user_errors():
        upgrade(make_engine())
    console.print(f"database at {settings().database_url} is up to date")


@app.command()
def serve(
    host: str = typer.Option(None, help="address to listen on (default PLANTOPS_HOST)"),
    port: int = typer.Option(None, help="port (default PLANTOPS_PORT or 8000)"),
    prepare: bool = typer.Option(False, help="migrate, and load the demo plant if empty"),
    history_days: int = typer.Option(
        DAYS, min=0, max=366, help="--prepare: days of simulated production to give the demo"
    ),
    workers: int = typer.Option(
        1, min=1, max=64, help="server processes (PostgreSQL: one per core; SQLite: one)"
    ),
    access_log: bool = typer.Option(
        False, help="a line per request on stdout (what the floor did is in the ledger)"
    ),
    live: bool = typer.Option(
        True, help="--prepare, the demo plant: keep it producing (plantops simulate --live)"
    ),
    speed: float = typer.Option(60, min=1, max=100_000, help="--live: simulated s per second"),
) -> None:
    """Serve the API, its docs and the web pages."""
    import uvicorn

    from plantops.api.app import create_app

    engine = make_engine()
    if workers > 1 and engine.dialect.name == "sqlite":
        # SQLite takes one writer at a time: processes would queue on its file lock (polled
        # with sleeps) instead of on the lock one process hands over at once
        raise typer.BadParameter("SQLite is served by one process", param_hint="--workers")
    if prepare:
        with user_errors():
            upgrade(engine)
            loaded = load_demo_if_empty(engine)
            password = first_admin(engine)
            if loaded:
                console.print("the database was empty: loaded the demo plant (see plantops demo)")
            else:
                console.print("the database holds sites already: the demo plant was not loaded")
            if loaded and history_days:
                console.print(
                    f"simulating {history_days} days of its production (docs/simulation.md)"
                )
                made = create_history(engine, history_days)
                console.print(f"posted {sum(h.events for h in made):,} shop-floor events")
        if password:
            console.print(
                f"first start: sign in as [bold]admin[/] with password [bold]{password}[/] "
                "(shown once; change it with `plantops user set-password admin`)",
                soft_wrap=True,
            )
    if prepare and live and is_demo(engine):
        from plantops.simulation import live as plant
        from plantops.simulation.rates_file import load
        from plantops.storage.engine import make_session_factory

        plant.start(make_session_factory(engine), load(), speed)
        console.print(f"the demo plant is producing at {speed:g}x (--no-live to stop it)")
    host, port = host or settings().host, port or settings().port
    console.print(f"PlantOps on http://{host}:{port}")
    if workers == 1:
        uvicorn.run(create_app(engine), host=host, port=port, access_log=access_log)
    else:  # each process builds its own app (and engine) from the environment
        engine.dispose()
        uvicorn.run(
            "plantops.api.app:create_app", factory=True, workers=workers, host=host, port=port,
            access_log=access_log,
        )  # fmt: skip


def first_admin(engine: Engine) -> str | None:
    """An admin with a generated password when the database has no user yet."""
    from plantops.access.caller import SYSTEM
    from plantops.access.users import ensure_admin
    from plantops.storage.engine import make_session_factory, unit_of_work

    with unit_of_work(make_session_factory(engine)) as session:
        return ensure_admin(session, SYSTEM)


def main() -> None:
    app()


if __name__ == "__main__":  # `python -m plantops.cli.main`: how plan run workers start
    main()
