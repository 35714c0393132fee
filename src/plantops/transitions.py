"""The one way a state machine moves (DESIGN.md rule 5): a table from each state to the
states it may reach, and a refusal naming the allowed ones. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from plantops.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)


def transition(table: Mapping[S, frozenset[S]], current: S, wanted: S, what: str) -> S:
    """`wanted`, if the table allows it from `current`; otherwise InvalidTransition (409)
    naming the states that are allowed."""
    allowed = table.get(current, frozenset())
    if wanted not in allowed:
        options = ", ".join(sorted(allowed)) or "none"
        raise InvalidTransition(
            f"{what} is {current}: it cannot become {wanted} (allowed: {options})"
        )
    return wanted
