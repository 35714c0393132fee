"""What the plant simulation takes and gives: frozen dataclasses, times in integer seconds
from the run's origin (DESIGN.md rule 6). Pure: no database, no clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

LOSSES = ("breakdown", "minor_stop", "setup", "speed_loss", "scrap", "rework")


@dataclass(frozen=True)
class Rates:
    """How a work center and its operations misbehave. Means of exponential draws, except
    the chances (per operation, or per unit for scrap and rework)."""

    mtbf_hours: float = 40.0  # running time between breakdowns
    mttr_minutes: float = 50.0  # a breakdown's repair
    minor_stops_per_hour: float = 0.6
    minor_stop_minutes: float = 3.0
    speed_loss: float = 0.07  # how much slower than standard a run is, on average
    scrap_rate: float = 0.015
    rework_rate: float = 0.02
    shortage_chance: float = 0.03  # an operation's material is late when it is to start
    shortage_hours: float = 3.0
    absence_chance: float = 0.05  # the trained operator is away: a learner runs it
    learner_slowdown: float = 0.35
    report_minutes: float = 60.0  # how often a terminal reports quantities

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"{name}: must not be negative")
        for name in ("scrap_rate", "rework_rate", "shortage_chance", "absence_chance"):
            if getattr(self, name) > 1:
                raise ValueError(f"{name}: a chance is at most 1")
        if self.mtbf_hours == 0 or self.report_minutes == 0:
            raise ValueError("mtbf_hours and report_minutes must be above 0")


@dataclass(frozen=True)
class Station:
    """A work center: its open shift intervals (sorted, disjoint), changeover seconds from
    one setup family to another, and how many operations it runs at once."""

    id: int
    open: tuple[tuple[int, int], ...]
    rates: Rates = Rates()
    capacity: int = 1
    changeovers: Mapping[tuple[str, str], int] = field(default_factory=dict)
    state: str | None = None  # as the floor last reported it: not reported again


@dataclass(frozen=True)
class Step:
    """An operation of a job, on the station the plan put it on."""

    id: int  # the order operation
    station: int
    quantity: int
    run_seconds_per_unit: float
    setup_seconds: int = 0
    setup_family: str = ""
    started: bool = False  # under way already: `quantity` is what remains to be made


@dataclass(frozen=True)
class Job:
    """A production order: its steps in routing order, each after the one before."""

    id: int
    steps: tuple[Step, ...]
    due: int  # when it should be done
    release: int = 0  # not before


@dataclass(frozen=True)
class Floor:
    """A simulation run: the jobs, each station's dispatch sequence (step ids in the order
    the floor takes them: the first that may start), from `start` until `end`."""

    stations: tuple[Station, ...]
    jobs: tuple[Job, ...]
    sequence: Mapping[int, tuple[int, ...]]  # station id -> step ids
    start: int
    end: int


@dataclass(frozen=True)
class Happening:
    """One thing a terminal would report. `kind` is the shop-floor event kind."""

    at: int
    kind: str  # operation_start | operation_report | operation_complete | work_center_state
    station: int
    step: int | None = None
    job: int | None = None
    state: str | None = None  # running | idle | setup | down | planned_stop
    loss: str | None = None  # one of LOSSES: why down, or why scrap / rework
    quantity: int = 0  # operation_start: how many
    good: int = 0
    scrap: int = 0
    rework: int = 0
    note: str = ""
    draw: int = 0  # a random number for the adapter to pick a reason code with


@dataclass(frozen=True)
class JobOutcome:
    job: int
    due: int
    finished: int | None  # None: not done by the run's end

    @property
    def lateness(self) -> int | None:
        return None if self.finished is None else self.finished - self.due


@dataclass(frozen=True)
class Run:
    happenings: tuple[Happening, ...]
    jobs: tuple[JobOutcome, ...]
