"""User accounts: create, change role and grants, disable, set a password; and the caller
(role and scope) a user acts as. Every change is audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import TableClause, column, func, select, table
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import Caller
from plantops.access.credentials import hash_password, new_password
from plantops.access.models import Grant, User, WebSession
from plantops.access.roles import Action, Domain, Role
from plantops.access.scope import EVERYWHERE, Scope
from plantops.errors import Conflict, FieldError, NotFound, ValidationFailed

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# org sits above access: its tables are named, not imported
SITES: TableClause = table("site", column("id"), column("code"), column("region_id"))
REGIONS: TableClause = table("region", column("id"), column("code"))
ENTITY = "users"


def _snapshot(user: User, session: Session) -> dict[str, Any]:
    sites = {i: c for i, c in session.execute(select(SITES.c.id, SITES.c.code))}
    regions = {i: c for i, c in session.execute(select(REGIONS.c.id, REGIONS.c.code))}
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
        "everywhere": user.everywhere,
        "sites": sorted(sites[g.site_id] for g in user.grants if g.site_id is not None),
        "regions": sorted(regions[g.region_id] for g in user.grants if g.region_id is not None),
    }


def find(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise NotFound(f"user {username!r} not found")
    return user


def _grants(
    session: Session, sites: list[str], regions: list[str], everywhere: bool
) -> list[Grant]:
    """The grant rows for these codes (none for a user granted everywhere); a code that
    names nothing, or no grant at all, is refused."""
    grants: list[Grant] = []
    errors: list[FieldError] = []
    for codes, source, key, where in (
        (sites, SITES, "site_id", "sites"),
        (regions, REGIONS, "region_id", "regions"),
    ):
        for code in dict.fromkeys(codes):
            found = session.scalar(select(source.c.id).where(source.c.code == code))
            if found is None:
                errors.append(FieldError((where,), f"no {where[:-1]} with code {code!r}"))
            else:
                grants.append(Grant(**{key: found}))
    if errors:
        first = errors[0]
        raise ValidationFailed(f"{first.location[0]}: {first.message}", errors)
    if not grants and not everywhere:
        raise ValidationFailed.field("sites", "grant at least one site or region, or everywhere")
    return [] if everywhere else grants


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValidationFailed.field("role", f"{value!r} is not one of {names}") from None


def add_user(
    session: Session,
    actor: Caller,
    username: str,
    *,
    role: str,
    password: str | None = None,
    display_name: str | None = None,
    sites: list[str] | None = None,
    regions: list[str] | None = None,
    everywhere: bool = False,
) -> tuple[User, str | None]:
    """The new user, and the generated password when none was given (shown once)."""
    actor.require(Domain.users, Action.create, "users")
    name = username.lower()
    if not USERNAME.match(name):
        raise ValidationFailed.field("username", "2-64 lowercase letters, digits, '.', '_' or '-'")
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise Conflict(f"user {name!r} already exists")
    grants = _grants(session, sites or [], regions or [], everywhere)
    generated = new_password() if password is None else None
    user = User(
        username=name,
        display_name=display_name or name,
        password_hash=hash_password(password or generated or ""),
        role=_role(role).value,
        everywhere=everywhere,
        active=True,
        created_at=datetime.now(UTC),
        grants=grants,
    )
    session.add(user)
    session.flush()
    audit.append(session, actor, "create", ENTITY, user.id, None, None, _snapshot(user, session))
    return user, generated


def _change(session: Session, actor: Caller, user: User, apply: Any, reason: str | None) -> User:
    actor.require(Domain.users, Action.update, "users")
    old = _snapshot(user, session)
    apply()
    session.flush()
    new = _snapshot(user, session)
    audit.append(session, actor, "update", ENTITY, user.id, None, old, new, reason)
    return user


def set_role(session: Session, actor: Caller, username: str, role: str) -> User:
    user = find(session, username)
    value = _role(role).value
    return _change(session, actor, user, lambda: setattr(user, "role", value), None)


def set_grants(
    session: Session,
    actor: Caller,
    username: str,
    *,
    sites: list[str],
    regions: list[str],
    everywhere: bool,
) -> User:
    user = find(session, username)
    grants = _grants(session, sites, regions, everywhere)

    def apply() -> None:
        user.grants = grants
        user.everywhere = everywhere

    return _change(session, actor, user, apply, None)


def disable(session: Session, actor: Caller, username: str, reason: str | None = None) -> User:
    """No more sign-ins; the user's web sessions end and tokens stop working at once."""
    user = find(session, username)

    def apply() -> None:
        user.active = False
        for s in session.scalars(select(WebSession).where(WebSession.user_id == user.id)):
            session.delete(s)

    return _change(session, actor, user, apply, reason)


def set_password(session: Session, actor: Caller, username: str, password: str) -> User:
    user = find(session, username)
    hashed = hash_password(password)
    return _change(session, actor, user, lambda: setattr(user, "password_hash", hashed), None)


def list_users(session: Session, actor: Caller) -> list[tuple[User, dict[str, Any]]]:
    """Every user for a caller granted everything; for a scoped caller, the users who work
    only within the caller's sites (no other site's name leaks through a grant)."""
    actor.require(Domain.users, Action.read, "users")
    users = list(session.scalars(select(User).order_by(User.username)))
    mine = actor.scope.site_ids
    if mine is not None:
        users = [u for u in users if (s := scope_of(session, u).site_ids) is not None and s <= mine]
    return [(u, _snapshot(u, session)) for u in users]


def scope_of(session: Session, user: User) -> Scope:
    if user.everywhere:
        return EVERYWHERE
    return _granted(session, [(g.site_id, g.region_id) for g in user.grants])


def scope_of_id(session: Session, user_id: int, everywhere: bool) -> Scope:
    """A user's scope, for who has only their id at hand (an API request's token)."""
    if everywhere:
        return EVERYWHERE
    pairs = session.execute(select(Grant.site_id, Grant.region_id).where(Grant.user_id == user_id))
    return _granted(session, [(site_id, region_id) for site_id, region_id in pairs])


def _granted(session: Session, grants: list[tuple[int | None, int | None]]) -> Scope:
    site_ids = {site_id for site_id, _ in grants if site_id is not None}
    region_ids = {region_id for _, region_id in grants if region_id is not None}
    if region_ids:
        rows = session.scalars(select(SITES.c.id).where(SITES.c.region_id.in_(region_ids)))
        site_ids |= set(rows)
    if site_ids:
        rows = session.scalars(select(SITES.c.region_id).where(SITES.c.id.in_(site_ids)))
        region_ids |= set(rows)
    return Scope(frozenset(site_ids), frozenset(region_ids))


def caller_of(session: Session, user: User) -> Caller:
    return Caller(user.id, user.username, Role(user.role), scope_of(session, user))


def ensure_admin(session: Session, actor: Caller) -> str | None:
    """On first start: an `admin` with a generated password (returned, to print once)."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    _, password = add_user(session, actor, "admin", role=Role.admin.value, everywhere=True)
    return password
