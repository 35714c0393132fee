"""`plantops ledger verify`: the shop-floor and stock ledgers against what is derived."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

from plantops.cli.errors import console, user_errors

ledger_app = typer.Typer(no_args_is_help=True, help="The shop-floor and stock ledgers")
out = Console(soft_wrap=True)  # stdout: what a script may capture


@ledger_app.command("verify")
def verify_command() -> None:
    """Operation totals against their events, stock balances against their moves, negative
    stock where forbidden, duplicate event keys; exit code 1 on any disagreement."""
    from plantops.execution.verify import problems
    from plantops.storage.engine import consistent_read, make_engine, make_session_factory
    from plantops.storage.migrate import upgrade

    with user_errors():
        engine = make_engine()
        upgrade(engine)
        with consistent_read(make_session_factory(engine)) as session:
            found = problems(session)
    if not found:
        out.print("ledgers consistent: every total is the sum of its events and moves")
        return
    console.print(f"[red]ledgers inconsistent:[/] {len(found)} problem(s)")
    for problem in found[:50]:
        console.print(f"  {escape(problem)}")
    raise typer.Exit(1)
