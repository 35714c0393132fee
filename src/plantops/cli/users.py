"""`plantops user ...` and `plantops audit ...`: accounts, tokens and the audit trail, from the
plant's own machine (acting as PlantOps itself, so the trail shows "system")."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from plantops.cli.errors import console, user_errors

user = typer.Typer(no_args_is_help=True, help="User accounts and API tokens")
token = typer.Typer(no_args_is_help=True, help="Personal API tokens")
audit_app = typer.Typer(no_args_is_help=True, help="The audit trail")
user.add_typer(token, name="token")
out = console.__class__(soft_wrap=True)  # stdout: what a script may capture
T = TypeVar("T")

SITES = typer.Option(None, "--site", "-s", help="site code granted (repeat for several)")
REGIONS = typer.Option(None, "--region", "-r", help="region code granted whole (repeatable)")
EVERYWHERE = typer.Option(False, "--everywhere", help="every site, now and later")
STDIN = typer.Option(False, "--password-stdin", help="read the password from standard input")


@contextmanager
def _session() -> Iterator[Session]:
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    with user_errors():
        engine = make_engine()
        upgrade(engine)
        with unit_of_work(make_session_factory(engine)) as session:
            yield session


def _run(use_case: Callable[[Session], T]) -> T:
    with _session() as session:
        return use_case(session)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@user.command("add")
def add(
    username: str,
    role: str = typer.Option(
        ...,
        "--role",
        help="operator, supervisor, production_manager, "
        "regional_manager, director, admin or auditor",
    ),
    site: list[str] | None = SITES,
    region: list[str] | None = REGIONS,
    everywhere: bool = EVERYWHERE,
    name: str | None = typer.Option(None, "--name", help="display name"),
    password_stdin: bool = STDIN,
) -> None:
    """Create a user; without --password-stdin a password is generated and shown once."""
    from plantops.access.caller import SYSTEM
    from plantops.access.users import add_user

    password = _password(True) if password_stdin else None
    created, generated = _run(
        lambda s: add_user(
            s, SYSTEM, username, role=role, password=password, display_name=name,
            sites=site or [], regions=region or [], everywhere=everywhere,
        )
    )  # fmt: skip
    console.print(f"user {escape(created.username)} created ({created.role})")
    if generated:
        out.print(f"password: {generated}  (shown once)")


@user.command("list")
def list_command() -> None:
    """Every user with role, grants and state."""
    from plantops.access.caller import SYSTEM
    from plantops.access.users import list_users

    rows = _run(lambda s: [shown for _, shown in list_users(s, SYSTEM)])
    table = Table("username", "name", "role", "where", "active")
    for r in rows:
        where = (
            "everywhere"
            if r["everywhere"]
            else ", ".join([*r["sites"], *(f"region {c}" for c in r["regions"])])
        )
        table.add_row(
            r["username"], r["display_name"], r["role"], where, "yes" if r["active"] else "no"
        )
    out.print(table)


@user.command("set-role")
def set_role_command(username: str, role: str) -> None:
    """Change a user's role."""
    from plantops.access.caller import SYSTEM
    from plantops.access.users import set_role

    _run(lambda s: set_role(s, SYSTEM, username, role))
    console.print(f"{escape(username)} is now {escape(role)}")


@user.command("grant")
def grant_command(
    username: str,
    site: list[str] | None = SITES,
    region: list[str] | None = REGIONS,
    everywhere: bool = EVERYWHERE,
) -> None:
    """Replace a user's grants: these sites and regions, or everywhere."""
    from plantops.access.caller import SYSTEM
    from plantops.access.users import set_grants

    _run(lambda s: set_grants(
        s, SYSTEM, username, sites=site or [], regions=region or [], everywhere=everywhere
    ))  # fmt: skip
    console.print(f"grants of {escape(username)} replaced")


@user.command("disable")
def disable_command(
    username: str, reason: str | None = typer.Option(None, "--reason", help="for the trail")
) -> None:
    """Stop a user signing in; their sessions end and their tokens stop working."""
    from plantops.access.caller import SYSTEM
    from plantops.access.users import disable

    _run(lambda s: disable(s, SYSTEM, username, reason))
    console.print(f"{escape(username)} disabled")


@user.command("set-password")
def set_password_command(username: str, password_stdin: bool = STDIN) -> None:
    """Set a user's password (prompted twice, or one line from standard input)."""
    from plantops.access.caller import SYSTEM
    from plantops.access.users import set_password

    password = _password(password_stdin)
    _run(lambda s: set_password(s, SYSTEM, username, password))
    console.print(f"password of {escape(username)} changed")


@token.command("create")
def token_create(
    username: str,
    name: str = typer.Option(..., "--name", help="what will use it, e.g. 'terminal line 3'"),
    days: int = typer.Option(90, "--days", help="valid for this many days (at most 366)"),
) -> None:
    """Create an API token for a user; the token is printed once, on standard output."""
    from plantops.access import tokens
    from plantops.access.caller import SYSTEM
    from plantops.access.users import find

    made, secret = _run(lambda s: tokens.create(s, SYSTEM, find(s, username), name, days))
    console.print(f"token {made.id} for {escape(username)}, valid until {made.expires_at:%Y-%m-%d}")
    out.print(secret)


@token.command("list")
def token_list(username: str) -> None:
    """A user's tokens (never the secrets)."""
    from plantops.access import tokens
    from plantops.access.caller import SYSTEM
    from plantops.access.users import find

    rows = _run(lambda s: tokens.owned(s, SYSTEM, find(s, username)))
    table = Table("id", "name", "expires", "revoked", "last used")
    for t in rows:

        def day(value: object) -> str:
            return f"{value:%Y-%m-%d}" if value is not None else "-"

        table.add_row(str(t.id), t.name, day(t.expires_at), day(t.revoked_at), day(t.last_used_at))
    out.print(table)


@token.command("revoke")
def token_revoke(ident: int) -> None:
    """Revoke a token at once (by the id `token list` shows)."""
    from plantops.access import tokens
    from plantops.access.caller import SYSTEM

    _run(lambda s: tokens.revoke(s, SYSTEM, ident))
    console.print(f"token {ident} revoked")


@audit_app.command("verify")
def verify_command() -> None:
    """Check the whole audit trail's hash chain; exit code 1 when it was tampered with."""
    from plantops.access import audit

    verdict = _run(audit.verify)
    if verdict.intact:
        out.print(f"audit trail intact: {verdict.records} records")
        return
    console.print(f"[red]audit trail broken:[/] {len(verdict.problems)} problem(s)")
    for problem in verdict.problems[:50]:
        console.print(f"  {escape(problem)}")
    raise typer.Exit(1)


@audit_app.command("export")
def export_command(file: Path = typer.Argument(..., help="the CSV file to write")) -> None:
    """Write the whole audit trail to a CSV file, oldest first."""
    from plantops.access import audit
    from plantops.access.caller import SYSTEM

    def write(session: Session) -> int:
        count = 0
        with file.open("w", encoding="utf-8", newline="") as target:
            for line in audit.to_csv(audit.export_rows(session, SYSTEM, audit.TrailQuery())):
                target.write(line)
                count += 1
        return count - 1

    try:
        count = _run(write)
    except OSError as error:
        console.print(f"[red]error:[/] cannot write {escape(str(file))}: {error.strerror}")
        raise typer.Exit(1) from None
    console.print(f"{count} audit records written to {escape(str(file))}")
