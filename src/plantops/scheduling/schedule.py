"""What the engine returns: a schedule with its quality, and what can be said about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from plantops.scheduling.problem import Time


@dataclass(frozen=True)
class Assignment:
    """An operation placed: in mode `mode` (index into its modes), from `start` to `end`.
    For a pausing operation `end - start` includes the breaks it waits through."""

    operation: str
    mode: int
    start: Time
    end: Time


class Status(StrEnum):
    optimal = "optimal"  # proven: objective == lower bound
    feasible = "feasible"  # a verified schedule, optimality not proven
    infeasible = "infeasible"  # proven: no schedule satisfies every constraint
    unknown = "unknown"  # no schedule found in the time limit, nothing proven


@dataclass(frozen=True)
class Violation:
    """One broken constraint, as the checker reports it."""

    constraint: str  # e.g. "precedence", "capacity", "calendar", "deadline"
    subject: str  # the operation, job or resource concerned
    message: str


@dataclass(frozen=True)
class Cause:
    """One link of the chain that fixed a late order's end."""

    kind: str  # "precedence", "resource", "calendar", "release", "component", "pool"
    operation: str
    detail: str  # e.g. "waits for CNC-3 busy with O-12 until 14:00"


@dataclass(frozen=True)
class Explanation:
    job: str
    lateness: Time
    chain: tuple[Cause, ...]
    bottlenecks: tuple[str, ...]


@dataclass(frozen=True)
class Schedule:
    status: Status
    assignments: tuple[Assignment, ...] = ()
    objective: int | None = None
    lower_bound: int | None = None
    seconds: float = 0.0
    reason: str = ""  # why infeasible or unknown, in words
    explanations: tuple[Explanation, ...] = field(default_factory=tuple)

    @property
    def gap(self) -> float | None:
        """Relative distance to the lower bound: (objective - bound) / objective."""
        if self.objective is None or self.lower_bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return (self.objective - self.lower_bound) / abs(self.objective)


@dataclass(frozen=True)
class Progress:
    """Reported through the caller's callback as the engine improves its schedule."""

    seconds: float
    objective: int
    lower_bound: int | None
    phase: str  # "construction", "cp-sat", "lns"
