"""Signing in and out of the web UI, as plain HTML forms.

The sign-in form is protected against cross-site posting by a double-submit token (a cookie
and a hidden field that must match); once signed in, forms carry the session's own CSRF
token. The session cookie is HttpOnly and SameSite=Lax, and Secure whenever the request came
over HTTPS."""
# No "from __future__ import annotations": FastAPI reads the form parameters' types.

from hmac import compare_digest
from html import escape
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from plantops.access import logins
from plantops.access.caller import Caller
from plantops.access.credentials import new_secret
from plantops.access.models import WebSession
from plantops.access.users import caller_of
from plantops.errors import TooManyAttempts
from plantops.storage.engine import unit_of_work

router = APIRouter(include_in_schema=False)
FORM_COOKIE = "plantops_form"
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #f5f7fa; color: #1d2733; }
form { max-width: 340px; margin: 10vh auto; background: #fff; padding: 24px 28px;
       border: 1px solid #d8dee6; border-radius: 6px; }
h1 { margin-top: 0; font-size: 22px; color: #1f3a5f; }
label { display: block; margin: 12px 0 4px; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 7px; }
button { margin-top: 18px; padding: 8px 18px; background: #1f3a5f; color: #fff; border: 0;
         border-radius: 4px; font-size: 15px; }
p.error { color: #a3161b; }
"""


def _sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions  # type: ignore[no-any-return]


def signed_in(request: Request) -> tuple[Caller, WebSession] | None:
    """The caller behind the session cookie, with the session (for its CSRF token)."""
    secret = request.cookies.get(logins.COOKIE)
    if not secret:
        return None
    with unit_of_work(_sessions(request)) as session:
        found = logins.resume(session, secret)
        if found is None:
            return None
        user, web = found
        return caller_of(session, user), web


def _page(request: Request, message: str = "", username: str = "", status: int = 200) -> Response:
    token = new_secret()
    error = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Sign in · PlantOps</title><style>{STYLE}</style></head><body>"
        '<form method="post" action="/login"><h1>PlantOps</h1>'
        f'{error}<input type="hidden" name="csrf" value="{escape(token)}">'
        '<label for="username">Username</label>'
        f'<input type="text" id="username" name="username" value="{escape(username)}" '
        'autocomplete="username" required autofocus>'
        '<label for="password">Password</label>'
        '<input type="password" id="password" name="password" '
        'autocomplete="current-password" required>'
        '<button type="submit">Sign in</button></form></body></html>'
    )
    response = HTMLResponse(html, status_code=status)
    secure = request.url.scheme == "https"
    response.set_cookie(FORM_COOKIE, token, httponly=True, samesite="strict", secure=secure)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    if signed_in(request) is not None:
        return RedirectResponse("/", status_code=303)
    return _page(request)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    expected = request.cookies.get(FORM_COOKIE)
    if not expected or not compare_digest(csrf.encode(), expected.encode()):
        return _page(request, "The form expired; please sign in again.", username, 400)
    address = request.client.host if request.client else "unknown"
    try:
        with unit_of_work(_sessions(request)) as session:
            outcome = logins.sign_in(session, username, password, address)
    except TooManyAttempts as error:
        response = _page(request, error.detail, username, 429)
        response.headers.update(error.headers)
        return response
    if outcome is None:
        return _page(request, "Unknown username or wrong password.", username, 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        logins.COOKIE,
        outcome.secret,
        max_age=int(logins.LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(FORM_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    found = signed_in(request)
    if found is not None and compare_digest(csrf.encode(), found[1].csrf_token.encode()):
        with unit_of_work(_sessions(request)) as session:
            logins.sign_out(session, request.cookies.get(logins.COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(logins.COOKIE)
    return response
