"""`plantops user`, `plantops audit` and the first admin of `make run`, on both databases."""

from __future__ import annotations

import csv
from pathlib import Path

import httpx
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from plantops.cli.main import app, first_admin
from plantops.demo.loader import load_demo
from plantops.storage.engine import make_session_factory

runner = CliRunner()


def _run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, " ".join(result.output.split())


def test_the_first_start_creates_one_admin_with_a_generated_password(configured: Engine) -> None:
    password = first_admin(configured)
    assert password is not None and len(password) == 16
    assert first_admin(configured) is None  # only ever once
    code, listed = _run("user", "list")
    assert code == 0 and "admin" in listed and "everywhere" in listed


def test_users_are_added_granted_and_disabled(configured: Engine) -> None:
    load_demo(configured)
    code, out = _run("user", "add", "ann", "--role", "operator", "--site", "DE-STR")
    assert code == 0 and "password:" in out
    code, out = _run(
        "user", "add", "rita", "--role", "regional_manager", "--region", "EMEA",
        "--password-stdin", stdin="a long enough password\n",
    )  # fmt: skip
    assert code == 0, out
    assert "password:" not in out
    code, out = _run("user", "list")
    assert "ann" in out and "DE-STR" in out and "region EMEA" in out
    assert _run("user", "set-role", "ann", "supervisor")[0] == 0
    code, out = _run("user", "set-role", "ann", "king")
    assert code == 1 and "role: 'king' is not one of operator" in out
    code, out = _run("user", "add", "bob", "--role", "operator", "--site", "XX-NOPE")
    assert code == 1 and "no site with code 'XX-NOPE'" in out
    code, out = _run("user", "add", "ann", "--role", "operator", "--everywhere")
    assert code == 1 and "already exists" in out
    code, out = _run(
        "user", "add", "cy", "--role", "operator", "--everywhere", "--password-stdin",
        stdin="short\n",
    )  # fmt: skip
    assert code == 1 and "at least 12 characters" in out
    assert _run("user", "disable", "ann", "--reason", "left the company")[0] == 0
    assert "no" in _run("user", "list")[1]


def test_a_token_from_the_command_line_opens_the_api(
    configured: Engine, server: tuple[object, str]
) -> None:
    from tests.web.conftest import bind

    base = bind(server, configured)
    assert _run("user", "add", "line3", "--role", "operator", "--everywhere")[0] == 0
    result = runner.invoke(app, ["user", "token", "create", "line3", "--name", "terminal 3"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{base}/api/v1/me", headers=headers, timeout=30).json()["username"] == "line3"
    listed = _run("user", "token", "list", "line3")[1]
    assert "terminal 3" in listed and secret not in listed
    assert _run("user", "token", "revoke", "1")[0] == 0
    assert httpx.get(f"{base}/api/v1/me", headers=headers, timeout=30).status_code == 401


def test_audit_verify_and_export(configured: Engine, tmp_path: Path) -> None:
    assert _run("user", "add", "ann", "--role", "operator", "--everywhere")[0] == 0
    assert _run("user", "set-role", "ann", "auditor")[0] == 0
    code, out = _run("audit", "verify")
    assert code == 0 and "audit trail intact: 2 records" in out
    code, out = _run("audit", "export", str(tmp_path / "trail.csv"))
    assert code == 0 and "2 audit records written" in out
    rows = list(csv.DictReader((tmp_path / "trail.csv").open(encoding="utf-8")))
    assert [(r["action"], r["entity"], r["username"]) for r in rows] == [
        ("create", "users", "system"),
        ("update", "users", "system"),
    ]
    assert '"role":"auditor"' in rows[1]["new"] and "password" not in rows[1]["new"]
    with make_session_factory(configured)() as session, session.begin():
        if configured.dialect.name == "postgresql":
            session.execute(text("ALTER TABLE audit_record DISABLE TRIGGER USER"))
        else:
            session.execute(text("DROP TRIGGER audit_record_no_update"))
        session.execute(text("UPDATE audit_record SET new = '{}' WHERE id = 1"))
    code, out = _run("audit", "verify")
    assert code == 1 and "record 1 was altered after it was written" in out
