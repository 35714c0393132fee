"""The caller's own account: who am I, what may I do where, and my API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from plantops.access import tokens
from plantops.access.models import ApiToken, User
from plantops.access.roles import PERMISSIONS, Role
from plantops.api.auth import caller, sessions
from plantops.api.problems import problem_responses
from plantops.errors import NotFound
from plantops.storage.engine import unit_of_work

router = APIRouter(prefix="/me", tags=["me"])


class MeOut(BaseModel):
    username: str
    role: Role
    site_ids: list[int] | None = Field(description="null: every site")
    region_ids: list[int] | None = Field(description="null: every region")
    permissions: dict[str, list[str]] = Field(description="domain -> actions the role allows")


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="what uses it, e.g. 'line 3'")
    days: int = Field(default=90, ge=1, le=tokens.MAX_DAYS, description="valid for")


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="the secret, shown this once: store it now")


def _out(token: ApiToken) -> TokenOut:
    return TokenOut.model_validate(token, from_attributes=True)


def _user(request: Request, session: Session) -> User:
    found = session.get(User, caller(request).user_id)
    if found is None:
        raise NotFound("no account behind this request")
    return found


@router.get("", response_model=MeOut, summary="Who is calling, and what they may do where")
def me(request: Request) -> MeOut:
    who = caller(request)
    scope = who.scope
    return MeOut(
        username=who.username,
        role=who.role,
        site_ids=sorted(scope.site_ids) if scope.site_ids is not None else None,
        region_ids=sorted(scope.region_ids) if scope.region_ids is not None else None,
        permissions={
            d.value: sorted(a.value for a in acts) for d, acts in PERMISSIONS[who.role].items()
        },
    )


@router.get("/tokens", response_model=list[TokenOut], summary="My API tokens")
def list_tokens(request: Request) -> list[TokenOut]:
    with unit_of_work(sessions(request)) as session:
        return [_out(t) for t in tokens.owned(session, caller(request), _user(request, session))]


@router.post("/tokens", response_model=NewTokenOut, status_code=201, summary="Create an API token")
def create_token(request: Request, body: TokenIn) -> NewTokenOut:
    with unit_of_work(sessions(request)) as session:
        token, secret = tokens.create(
            session, caller(request), _user(request, session), body.name, body.days
        )
        return NewTokenOut(**_out(token).model_dump(), token=secret)


@router.delete(
    "/tokens/{ident}",
    status_code=204,
    summary="Revoke one of my API tokens",
    responses=problem_responses(404),
)
def revoke_token(request: Request, ident: Annotated[int, Path(ge=1, le=2**62)]) -> Response:
    with unit_of_work(sessions(request)) as session:
        tokens.revoke(session, caller(request), ident, own=True)
    return Response(status_code=204)
