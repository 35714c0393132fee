"""Personal API tokens for integrations and shop-floor terminals: shown once, stored as a
digest, with an expiry, revocable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.credentials import TOKEN_PREFIX, digest, new_secret
from plantops.access.models import ApiToken, User
from plantops.access.roles import Action, Domain, Role
from plantops.access.users import scope_of_id
from plantops.errors import NotFound, ValidationFailed

MAX_DAYS = 366
USED_EVERY = timedelta(minutes=5)  # last_used_at is refreshed at most this often
ENTITY = "api_tokens"


def create(
    session: Session, actor: Caller, user: User, name: str, days: int = 90
) -> tuple[ApiToken, str]:
    """A token for `user` (the actor's own, or anyone's for an admin) and its secret."""
    if actor.user_id != user.id:
        actor.require(Domain.users, Action.update, "other users' tokens")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed.field("days", f"between 1 and {MAX_DAYS}")
    if not name.strip() or len(name) > 200:
        raise ValidationFailed.field("name", "1 to 200 characters")
    secret = new_secret(TOKEN_PREFIX)
    now = datetime.now(UTC)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        digest=digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    shown = {"user": user.username, "name": token.name, "expires_at": token.expires_at.isoformat()}
    audit.append(session, actor, "create", ENTITY, token.id, None, None, shown)
    return token, secret


def owned(session: Session, actor: Caller, user: User) -> list[ApiToken]:
    if actor.user_id != user.id:
        actor.require(Domain.users, Action.read, "other users' tokens")
    statement = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return list(session.scalars(statement))


def revoke(session: Session, actor: Caller, token_id: int, *, own: bool = False) -> ApiToken:
    """Revoke the actor's own token or, for who may change users and unless `own`, anyone's;
    any other token answers as missing."""
    token = session.get(ApiToken, token_id)
    anyones = not own and actor.may(Domain.users, Action.update)
    if token is None or (token.user_id != actor.user_id and not anyones):
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        audit.append(session, actor, "revoke", ENTITY, token.id, None, None, {"name": token.name})
    return token


_BEARER = (
    select(ApiToken.id.label("token_id"), ApiToken.expires_at, ApiToken.revoked_at,
           ApiToken.last_used_at, User.id.label("user_id"), User.username, User.role,
           User.everywhere, User.active)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.digest == bindparam("digest"))
)  # fmt: skip


def authenticate(session: Session, secret: str) -> Caller | None:
    """Who an active user's live token lets act, or None. Read as plain rows, not as
    objects: terminals send it with every event."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = session.execute(_BEARER, {"digest": digest(secret)}).one_or_none()
    now = datetime.now(UTC)
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > USED_EVERY:
        used = update(ApiToken).where(ApiToken.id == row.token_id).values(last_used_at=now)
        session.execute(used)
    scope = scope_of_id(session, row.user_id, row.everywhere)
    return Caller(row.user_id, row.username, Role(row.role), scope)
