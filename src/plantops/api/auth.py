"""Who is calling: an API token (`Authorization: Bearer pot_...`) or the web session cookie.

Every route under /api/v1 except the health check depends on `authenticate`; a request with
neither answers 401. A cookie-authenticated change (POST, PATCH, PUT, DELETE) must also carry
the session's CSRF token in `X-CSRF-Token`: a page on another site can make the browser send
the cookie, but cannot read the token."""
# No "from __future__ import annotations": FastAPI reads the dependency's parameter types.

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


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    session_id: Annotated[str | None, Depends(cookie)],
) -> Caller:
    header = request.headers.get("authorization")
    with unit_of_work(sessions(request)) as session:
        if header is not None:
            secret = credentials.credentials if credentials is not None else ""
            by_token = tokens.authenticate(session, secret)
            if by_token is None:
                raise Unauthenticated("the API token is unknown, expired or revoked")
            caller = by_token
        elif session_id is not None:
            found = logins.resume(session, session_id)
            if found is None:
                raise Unauthenticated("the session has ended; sign in again")
            user, web = found
            sent = request.headers.get(CSRF_HEADER, "")
            if request.method not in SAFE and not compare_digest(
                sent.encode(), web.csrf_token.encode()
            ):
                raise Forbidden(f"a change from the web UI needs the {CSRF_HEADER} header")
            caller = caller_of(session, user)
        else:
            raise Unauthenticated("sign in, or send an API token: Authorization: Bearer pot_...")
    request.state.caller = caller
    return caller


def caller(request: Request) -> Caller:
    """The caller `authenticate` established for this request."""
    return request.state.caller  # type: ignore[no-any-return]
