"""Settings from the environment (PLANTOPS_*), read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_DATABASE_URL = "sqlite:///./plantops.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    max_page_size: int = 500
    max_body_bytes: int = 64 * 1024 * 1024


def from_environment() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("PLANTOPS_DATABASE_URL", DEFAULT_DATABASE_URL),
        host=env.get("PLANTOPS_HOST", "127.0.0.1"),
        port=int(env.get("PLANTOPS_PORT", "8000")),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return from_environment()
