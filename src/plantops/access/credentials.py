"""Passwords (argon2 through pwdlib) and random bearer secrets (API tokens, session ids)."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from pwdlib import PasswordHash

from plantops.errors import ValidationFailed

MIN_PASSWORD = 12
TOKEN_PREFIX = "pot_"  # recognisable in logs and by secret scanners


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()  # argon2id with pwdlib's current parameters


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher().hash(password)


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed.field(field, f"must be at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise ValidationFailed.field(field, "must be at most 1024 characters")


def verify_password(password: str, stored: str) -> bool:
    return len(password) <= 1024 and _hasher().verify(password, stored)


@lru_cache(maxsize=1)
def _decoy() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def waste_time(password: str) -> None:
    """Verify against a throwaway hash when the account does not exist, so that the answer
    takes as long as for a real one (no guessing which usernames exist from the timing)."""
    _hasher().verify(password[:1024], _decoy())


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_password() -> str:
    """A generated first password: 16 characters from an unambiguous alphabet."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))
