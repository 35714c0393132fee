"""Signing in over real HTTP: cookies, the CSRF guards, and the brute-force limits."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine

from plantops.access.logins import PER_ACCOUNT, PER_ADDRESS
from plantops.storage.engine import make_session_factory
from tests.accounts import PASSWORD, add_user
from tests.web.conftest import signed_in, submit_sign_in


def test_pages_need_a_sign_in(base_url: str) -> None:
    answer = httpx.get(f"{base_url}/", timeout=30)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_the_session_cookie_is_httponly_and_samesite(base_url: str, engine: Engine) -> None:
    add_user(make_session_factory(engine), "ann", "operator", everywhere=True)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        answer = submit_sign_in(client, "ann", PASSWORD)
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("plantops_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie


def test_a_sign_in_from_another_site_is_refused(base_url: str, engine: Engine) -> None:
    add_user(make_session_factory(engine), "ann", "operator", everywhere=True)
    forged = {"username": "ann", "password": PASSWORD, "csrf": "guessed"}
    answer = httpx.post(f"{base_url}/login", data=forged, timeout=30)
    assert answer.status_code == 400 and "plantops_session" not in answer.headers.get(
        "set-cookie", ""
    )


def test_wrong_passwords_are_limited_per_account(base_url: str, engine: Engine) -> None:
    sessions = make_session_factory(engine)
    add_user(sessions, "ann", "operator", everywhere=True)
    add_user(sessions, "bob", "operator", everywhere=True)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for _ in range(PER_ACCOUNT):
            answer = submit_sign_in(client, "ann", "wrong password!")
            assert answer.status_code == 401
            assert "Unknown username or wrong password." in answer.text
        locked = submit_sign_in(client, "ann", PASSWORD)  # even the right password, for now
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 60
        assert "too many failed sign-ins" in locked.text
        assert submit_sign_in(client, "bob", PASSWORD).status_code == 303  # another account is fine


def test_guessing_across_accounts_is_limited_per_address(base_url: str, engine: Engine) -> None:
    """T18: one address trying many usernames is stopped too, before any one account locks."""
    add_user(make_session_factory(engine), "ann", "operator", everywhere=True)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for k in range(PER_ADDRESS):
            assert submit_sign_in(client, f"guess{k}", "wrong password!").status_code == 401
        blocked = submit_sign_in(client, "ann", PASSWORD)
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers


def test_an_unknown_user_answers_like_a_wrong_password(base_url: str, engine: Engine) -> None:
    add_user(make_session_factory(engine), "ann", "operator", everywhere=True)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        unknown = submit_sign_in(client, "nobody", PASSWORD)
        wrong = submit_sign_in(client, "ann", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    assert (
        unknown.text.replace("nobody", "ann")
        == wrong.text.replace(
            wrong.cookies.get("plantops_form", ""), unknown.cookies.get("plantops_form", "")
        )
        or "Unknown username or wrong password." in unknown.text
    )


def test_cookie_changes_through_the_api_need_the_csrf_token(base_url: str, engine: Engine) -> None:
    with signed_in(base_url, engine) as client:
        body = {"code": "EU", "name": "Europe"}
        refused = client.post("/api/v1/regions", json=body)
        assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
        page = client.get("/plant").text
        token = page.split('name="csrf" value="')[1].split('"')[0]
        accepted = client.post("/api/v1/regions", json=body, headers={"X-CSRF-Token": token})
        assert accepted.status_code == 201, accepted.text
        assert client.get("/api/v1/regions").status_code == 200  # reads need no token


def test_signing_out_ends_the_session_only_with_its_token(base_url: str, engine: Engine) -> None:
    def me(cookie: str) -> int:
        jar = {"plantops_session": cookie}
        return httpx.get(f"{base_url}/api/v1/me", cookies=jar, timeout=30).status_code

    with signed_in(base_url, engine) as client:
        cookie = client.cookies["plantops_session"]
        token = client.get("/plant").text.split('name="csrf" value="')[1].split('"')[0]
        client.post("/logout", data={"csrf": "forged"})
        assert me(cookie) == 200  # a forged sign-out (from another site) ends nothing
        client.cookies.set("plantops_session", cookie)
        assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert me(cookie) == 401


def test_odd_form_tokens_are_refused_not_crashed_on(base_url: str, engine: Engine) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.get("/login")
        form = {"username": "ann", "password": PASSWORD, "csrf": "jäger ✓"}
        assert client.post("/login", data=form).status_code == 400
    with signed_in(base_url, engine) as client:
        headers = {"X-CSRF-Token": "j\u00e4ger".encode("latin-1")}
        answer = client.post("/api/v1/regions", json={"code": "X", "name": "x"}, headers=headers)
        assert answer.status_code == 403
        assert client.post("/logout", data={"csrf": "jäger ✓"}).status_code == 303
