"""User errors end a command with exit code 1 and one clear line, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import ArgumentError, OperationalError

from plantops.errors import DomainError, FieldError, ValidationFailed

console = Console(stderr=True, soft_wrap=True)  # one line, however long
SHOWN_PROBLEMS = 50


def describe(error: FieldError) -> str:
    where = ":".join(str(p) for p in (error.source, error.row) if p is not None)
    field = ".".join(str(p) for p in error.location)
    return ": ".join(part for part in (where, field, error.message) if part)


@contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except ValidationFailed as error:
        count = len(error.errors)
        console.print(f"[red]error:[/] {escape(error.detail)} ({count} problem(s))")
        for problem in error.errors[:SHOWN_PROBLEMS]:
            console.print(f"  {escape(describe(problem))}", soft_wrap=True)
        if count > SHOWN_PROBLEMS:
            console.print(f"  ... and {count - SHOWN_PROBLEMS} more")
        raise typer.Exit(1) from None
    except DomainError as error:
        console.print(f"[red]error:[/] {escape(error.detail)}")
        raise typer.Exit(1) from None
    except (OperationalError, ArgumentError) as error:
        cause = str(getattr(error, "orig", None) or error).splitlines()[0]
        console.print(f"[red]error:[/] cannot use the database: {escape(cause)}")
        raise typer.Exit(1) from None
