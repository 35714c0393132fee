"""Fixtures of the floor's API tests: the floor plant imported over the API, and the
sessions of the database the server is bound to."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.floor import Floor


@pytest.fixture
def floor(api: httpx.Client) -> Floor:
    return Floor(api)


@pytest.fixture
def factory(bound: tuple[sessionmaker[Session], str]) -> sessionmaker[Session]:
    return bound[0]
