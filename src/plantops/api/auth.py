"""Who is calling: an API token (`Authorization: Bearer pot_...`) or the web session cookie.

Every route under /api/v1 except the health check depends on `authenticate`; a request with
neither answers 401. A cookie-authenticated change (POST, PATCH, PUT, DELETE) must also carry
the session's CSRF token in `X-CSRF-Token`: a page on another site can make the browser send
the cookie, but cannot read the token."""
# No "from __future__ import annotations": FastAPI reads the dependency's parameter types.

from dataclasses import dataclass
from hmac import compare_digest
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from plantops.access import logins, tokens
from plantops.access.caller import Caller
from plantops.access.users import caller_of
from plantops.errors import Forbidden, Unauthenticated
from plantops.storage.engine import unit_of_work

COOKIE = logins.COOKIE
CSRF_HEADER = "X-CSRF-Token"
SAFE = {"GET", "HEAD", "OPTIONS"}

bearer = HTTPBearer(auto_error=False, description="A personal API token: pot_...")
cookie = APIKeyCookie(name=COOKIE, auto_error=False, description="The web UI's session")


def sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request presents, before the database is asked whom it belongs to."""

    token: str | None  # the Authorization header's bearer secret ("" if malformed)
    web_session: str | None  # the session cookie, when no Authorization header is sent
    csrf: str  # the X-CSRF-Token header
    changes: bool  # not a GET, HEAD or OPTIONS: a cookie then needs the CSRF token


async def credentials(  # async: no database, so no hop to a worker thread
    request: Request,
    bearer_credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    session_id: Annotated[str | None, Depends(cookie)],
) -> Credentials:
    """The request's credentials, checked in a transaction later (see signed_in): for the
    floor's events, in the one that records them. Neither presented answers 401 at once."""
    header = request.headers.get("authorization")
    if header is None and session_id is None:
        raise Unauthenticated("sign in, or send an API token: Authorization: Bearer pot_...")
    token = None
    if header is not None:
        token = bearer_credentials.credentials if bearer_credentials is not None else ""
    csrf = request.headers.get(CSRF_HEADER, "")
    return Credentials(token, session_id, csrf, request.method not in SAFE)


def signed_in(session: Session, presented: Credentials) -> Caller:
    """Who the credentials are, read in the caller's transaction; 401 or 403 if nobody."""
    if presented.token is not None:
        by_token = tokens.authenticate(session, presented.token)
        if by_token is None:
            raise Unauthenticated("the API token is unknown, expired or revoked")
        return by_token
    assert presented.web_session is not None  # credentials() saw one or the other
    found = logins.resume(session, presented.web_session)
    if found is None:
        raise Unauthenticated("the session has ended; sign in again")
    user, web = found
    if presented.changes and not compare_digest(presented.csrf.encode(), web.csrf_token.encode()):
        raise Forbidden(f"a change from the web UI needs the {CSRF_HEADER} header")
    return caller_of(session, user)


def authenticate(
    request: Request, presented: Annotated[Credentials, Depends(credentials)]
) -> Caller:
    """The caller, for the routes that depend on it (all under /api/v1 but the health
    check and the floor's single events, which check it where they record)."""
    with unit_of_work(sessions(request)) as session:
        found = signed_in(session, presented)
    request.state.caller = found
    return found


def caller(request: Request) -> Caller:
    """The caller `authenticate` established for this request."""
    return request.state.caller  # type: ignore[no-any-return]
