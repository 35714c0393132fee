"""User accounts, for administrators and auditors (changes go through `plantops user`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from plantops.access import users
from plantops.access.roles import Role
from plantops.api.auth import caller, sessions
from plantops.storage.engine import unit_of_work

router = APIRouter(prefix="/users", tags=["users"])


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    everywhere: bool
    sites: list[str] = Field(description="codes of the sites granted one by one")
    regions: list[str] = Field(description="codes of the regions granted whole")


@router.get("", response_model=list[UserOut], summary="Every user account")
def list_users(request: Request) -> list[UserOut]:
    with unit_of_work(sessions(request)) as session:
        found = users.list_users(session, caller(request))
        return [UserOut(id=u.id, **shown) for u, shown in found]
