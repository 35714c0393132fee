"""Signing in to the web UI: password check with brute-force limits, server-side sessions
(the cookie holds a random id; the row holds its digest and the CSRF token), signing out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from plantops.access.credentials import digest, new_secret, verify_password, waste_time
from plantops.access.models import LoginFailure, User, WebSession
from plantops.errors import TooManyAttempts

COOKIE = "plantops_session"  # the browser's handle on its session (HttpOnly, SameSite=Lax)
WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failures per account within the window, from anywhere
PER_ADDRESS = 20  # failures per client address within the window, on any account
LIFETIME = timedelta(hours=12)  # a shift and then some


@dataclass(frozen=True)
class SignIn:
    user: User
    secret: str  # the cookie value, never stored
    csrf_token: str


def check_attempts(session: Session, username: str, address: str) -> None:
    """429 before the password is even looked at when either limit is reached."""
    since = datetime.now(UTC) - WINDOW
    for column, value, limit in (
        (LoginFailure.username, username.lower()[:64], PER_ACCOUNT),
        (LoginFailure.address, address[:64], PER_ADDRESS),
    ):
        recent = select(func.count(), func.min(LoginFailure.at)).where(
            column == value, LoginFailure.at >= since
        )
        count, oldest = session.execute(recent).one()
        if count >= limit:
            wait = max(1, int((oldest + WINDOW - datetime.now(UTC)).total_seconds()) + 1)
            raise TooManyAttempts(
                f"too many failed sign-ins; try again in {wait // 60 + 1} minutes", wait
            )


def sign_in(session: Session, username: str, password: str, address: str) -> SignIn | None:
    """A new session, or None after recording the failure (the caller commits it)."""
    check_attempts(session, username, address)
    user = session.scalar(select(User).where(User.username == username.lower()[:64]))
    if user is None:
        waste_time(password)
    # The password is checked for a disabled account too: the time taken tells nothing.
    if user is None or not verify_password(password, user.password_hash) or not user.active:
        now = datetime.now(UTC)
        session.add(LoginFailure(username=username.lower()[:64], address=address[:64], at=now))
        session.execute(delete(LoginFailure).where(LoginFailure.at < now - 2 * WINDOW))
        return None
    secret, csrf = new_secret(), new_secret()
    now = datetime.now(UTC)
    session.add(
        WebSession(
            user_id=user.id,
            digest=digest(secret),
            csrf_token=csrf,
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    return SignIn(user, secret, csrf)


def resume(session: Session, secret: str) -> tuple[User, WebSession] | None:
    """The user and session a cookie belongs to, while both are live."""
    if len(secret) > 200:
        return None
    found = session.scalar(select(WebSession).where(WebSession.digest == digest(secret)))
    if found is None or found.expires_at <= datetime.now(UTC):
        return None
    user = session.get(User, found.user_id)
    if user is None or not user.active:
        return None
    return user, found


def sign_out(session: Session, secret: str) -> None:
    session.execute(delete(WebSession).where(WebSession.digest == digest(secret)))
