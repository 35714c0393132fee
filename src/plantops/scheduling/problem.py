"""The scheduling problem, in the plant's terms.

Time is an integer count of units from the start of the horizon: seconds when the planning
layer builds the problem from the plant, the instance's own unit for published benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

Time = int


@dataclass(frozen=True)
class Mode:
    """One way to run an operation: on `resource`, taking `duration` (setup included when it
    does not depend on the sequence), in a `setup_family` for sequence-dependent changeovers."""

    resource: str
    duration: Time
    setup_family: str | None = None


@dataclass(frozen=True)
class Need:
    """A secondary resource the operation holds while it runs: a crew of `quantity` people
    from the skill pool `pool`, or a tool."""

    pool: str
    quantity: int = 1


class Breaks(StrEnum):
    fit = "fit"  # must run inside one available interval of its resource
    pause = "pause"  # stops over breaks and resumes: its elapsed span grows by the breaks


@dataclass(frozen=True)
class Fixed:
    """An operation that must stay where it is: in progress, or pinned by a planner."""

    start: Time
    mode: int = 0


@dataclass(frozen=True)
class Operation:
    id: str
    job: str
    modes: tuple[Mode, ...]
    needs: tuple[Need, ...] = ()
    breaks: Breaks = Breaks.fit
    fixed: Fixed | None = None


class Link(StrEnum):
    finish_start = "finish_start"  # after.start >= before.end + min_lag (<= + max_lag)
    start_start = "start_start"  # after.start >= before.start + min_lag (<= + max_lag)


@dataclass(frozen=True)
class Precedence:
    """A time link between two operations, within a job (routing) or across jobs (a
    component's order before the parent operation that consumes it).

    `share` (start_start only) lets `after` start once that share of `before`'s duration is
    done (overlap, lot streaming); `after` then also cannot end before `before` ends."""

    before: str
    after: str
    link: Link = Link.finish_start
    min_lag: Time = 0
    max_lag: Time | None = None
    share: float | None = None


@dataclass(frozen=True)
class Job:
    """A production order: its operations share the job id."""

    id: str
    release: Time = 0
    due: Time | None = None  # soft: lateness is penalised
    deadline: Time | None = None  # hard: a schedule ending later is infeasible
    weight: int = 1  # priority in tardiness and late-count objectives


@dataclass(frozen=True)
class Changeover:
    from_family: str
    to_family: str
    time: Time


@dataclass(frozen=True)
class Resource:
    """A work center: `capacity` operations at once; `available` intervals (None: always);
    sequence-dependent changeovers between setup families (capacity-1 resources only)."""

    id: str
    capacity: int = 1
    available: tuple[tuple[Time, Time], ...] | None = None
    changeovers: tuple[Changeover, ...] = ()


@dataclass(frozen=True)
class Pool:
    """Secondary capacity that varies over time: people with a skill on shift, or tools.
    `profile` gives (start, end, how many) steps; outside them nothing is available."""

    id: str
    profile: tuple[tuple[Time, Time, int], ...]


@dataclass(frozen=True)
class FlowLine:
    """Resources whose buffers do not let jobs pass: every job visiting them keeps the same
    order on each (a permutation flow shop)."""

    resources: tuple[str, ...]


class Term(StrEnum):
    makespan = "makespan"
    weighted_tardiness = "weighted_tardiness"
    late_jobs = "late_jobs"  # weighted count of jobs ending after their due time
    setup_time = "setup_time"  # total sequence-dependent changeover time
    flow_time = "flow_time"  # sum of job end - job release
    deviation = "deviation"  # sum of |start - previous start|, plus a penalty per moved resource


@dataclass(frozen=True)
class Objective:
    """A weighted sum of terms, or (lexicographic) each term optimised in turn, the earlier
    ones held at their optimum or best found."""

    terms: tuple[tuple[Term, int], ...] = ((Term.makespan, 1),)
    lexicographic: bool = False
    move_penalty: Time = 0  # deviation: added per operation moved off its previous resource


@dataclass(frozen=True)
class Planned:
    """Where an operation stood in the previous schedule (for staying close after a
    disruption)."""

    operation: str
    start: Time
    resource: str


@dataclass(frozen=True)
class Problem:
    jobs: tuple[Job, ...]
    operations: tuple[Operation, ...]
    resources: tuple[Resource, ...]
    precedences: tuple[Precedence, ...] = ()
    pools: tuple[Pool, ...] = ()
    flow_lines: tuple[FlowLine, ...] = ()
    previous: tuple[Planned, ...] = ()
    objective: Objective = field(default_factory=Objective)
    horizon: Time | None = None  # latest end allowed; None: derived from the data
