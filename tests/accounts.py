"""Users and API tokens for tests, made fast: the argon2 hash of the one test password is
computed once per session (hashing it for every test would cost seconds)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access import tokens
from plantops.access.caller import SYSTEM
from plantops.access.credentials import hash_password
from plantops.access.models import Grant, User
from plantops.storage.engine import unit_of_work

PASSWORD = "correct horse battery staple"


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)


def add_user(
    sessions: sessionmaker[Session],
    username: str,
    role: str,
    *,
    site_ids: tuple[int, ...] = (),
    region_ids: tuple[int, ...] = (),
    everywhere: bool = False,
) -> str:
    """The user (created unless it exists) and a fresh API token for them: the token."""
    with unit_of_work(sessions) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            grants = [Grant(site_id=s) for s in site_ids] + [Grant(region_id=r) for r in region_ids]
            user = User(
                username=username,
                display_name=username,
                password_hash=password_hash(),
                role=role,
                everywhere=everywhere,
                active=True,
                created_at=datetime.now(UTC),
                grants=grants,
            )
            session.add(user)
            session.flush()
        _, secret = tokens.create(session, SYSTEM, user, f"test {username}")
        return secret


def admin_token(sessions: sessionmaker[Session]) -> str:
    return add_user(sessions, "admin", "admin", everywhere=True)
