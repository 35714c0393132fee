"""Doing a queued run of either kind, with the floor's state: a plan run schedules what the
floor has started from where it runs, a reschedule repairs the schedule around a disruption.
The worker process (`plantops plan work`) and `plantops plan run` start runs here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.execution.floor_state import read_floor
from plantops.execution.reschedule import execute_reschedule
from plantops.planning import models as m
from plantops.planning.run_phases import Progress
from plantops.planning.runs import execute_run
from plantops.types import PlanRunKind


def execute(factory: sessionmaker[Session], run_id: int, progress: Progress | None = None) -> None:
    with factory() as session:
        kind = session.scalar(select(m.PlanRun.kind).where(m.PlanRun.id == run_id))
    if kind is PlanRunKind.reschedule:
        execute_reschedule(factory, run_id, progress)
    elif kind is not None:
        execute_run(factory, run_id, progress, floor=read_floor)
