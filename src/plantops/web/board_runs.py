"""Plan runs from the board: run the plan (or re-optimise around the pins, which every plan
run keeps), follow its phase and progress, and show the new schedule when it ends; and the
site's what-if scenarios beside the plan (they are made and run on the plan page). A role
that may not run plans sees the runs without the buttons, and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from plantops.access.caller import Caller
from plantops.access.roles import Action, Domain
from plantops.planning import models as m
from plantops.planning import run_outcome, run_requests, whatif
from plantops.planning.schemas import PlanRunIn
from plantops.types import PlanRunStatus
from plantops.web import nice
from plantops.web.board_detail import VIEW_ONLY
from plantops.web.shell import SiteChoice, Visitor, link, perform, read

POLL = 1.0  # seconds between looks at a run in progress
EFFORTS = {10.0: "10 s", 30.0: "30 s", 60.0: "1 min", 300.0: "5 min"}  # time to improve


class RunPanel:
    """The latest plan run of the site, with what it is doing now."""

    def __init__(self, who: Visitor, site_id: int, finished: Callable[[], None]) -> None:
        self.who, self.site_id, self.finished = who, site_id, finished
        self.watching: int | None = None
        self.may_run = who.caller.may(Domain.planning, Action.create)
        with ui.card().classes("w-full").mark("run-panel"), ui.row().classes("items-center gap-3"):
            self.effort = (
                ui.select(EFFORTS, value=10.0, label="Time to optimise")
                .classes("min-w-36")
                .props("dense")
            )
            self.start = ui.button("Run the plan", icon="play_arrow", on_click=self.run).mark(
                "run-plan"
            )
            self.again = (
                ui.button("Re-optimise around pins", icon="push_pin", on_click=self.run)
                .props("color=secondary")
                .mark("reoptimise")
            )
            self.again.visible = False
            if not self.may_run:  # shown, then refused, is worse than not shown
                self.effort.visible = self.start.visible = False
                ui.label(VIEW_ONLY).classes("text-sm text-grey-8").props("data-testid=view-only")
            self.state = ui.label("").mark("run-state")
            self.bar = ui.linear_progress(value=0, show_value=False).classes("w-56")
            self.bar.visible = False
        self.timer = ui.timer(POLL, self.look, active=False)
        self._show(self._latest())
        latest = self._latest()
        if latest is not None and latest.status in run_outcome.ACTIVE:
            self._watch(latest.id)

    def pins_changed(self, pinned: int) -> None:
        self.again.visible = pinned > 0 and self.may_run
        self.again.text = f"Re-optimise around {pinned} pin{'s' * (pinned != 1)}"

    def run(self) -> None:
        def ask(session: Session, caller: Caller) -> int:
            wanted = PlanRunIn(site_id=self.site_id, schedule_seconds=float(self.effort.value))
            return run_requests.request_run(session, caller, wanted).id

        run_id = perform(self.who, ask)
        if run_id is None:
            return
        state = nice.state()
        state.jobs.launch(state.engine, run_id)  # a worker process: the page stays responsive
        ui.notify(f"Plan run {run_id} started", type="info")
        self._watch(run_id)

    def _watch(self, run_id: int) -> None:
        self.watching = run_id
        self.start.disable()
        self.again.disable()
        self.timer.activate()
        self.look()

    def look(self) -> None:
        if self.watching is None:
            return
        found = read(self.who, lambda s, c: run_requests.get_run(s, c, self.watching or 0))
        self._show(found)
        if found.status in run_outcome.ACTIVE:
            return
        self.timer.deactivate()
        self.watching = None
        self.start.enable()
        self.again.enable()
        ok = found.status is PlanRunStatus.succeeded
        said = f"Plan run {found.id} {found.status.value}"
        ui.notify(said, type="positive") if ok else ui.notify(said, type="negative")
        self.finished()

    def _latest(self) -> m.PlanRun | None:
        recent = read(self.who, lambda s, c: run_requests.recent_runs(s, c, self.site_id, 10))
        return next((r for r in recent if r.scenario_id is None), None)

    def _show(self, found: m.PlanRun | None) -> None:
        if found is None:
            self.state.text = "The plan was never run for this site."
            return
        active = found.status in run_outcome.ACTIVE
        self.bar.visible = active
        self.bar.value = found.progress
        said = f"Run {found.id}: {found.status.value}"
        if active:
            said += f" · {found.phase} · {found.progress:.0%}"
        else:
            said += _figures(found)
        problems = found.problems or []
        if problems:
            said += " · " + "; ".join(str(p.get("message", "")) for p in problems[:3])
        self.state.text = said


def _figures(found: m.PlanRun) -> str:
    schedule = (found.summary or {}).get("schedule") or {}
    if not schedule:
        return ""
    if schedule.get("reason"):
        return f" · no schedule: {schedule['reason']}"
    return (
        f" · {schedule.get('late_orders', '-')} late orders"
        f" · {schedule.get('lateness_hours', '-')} hours late"
        f" · {schedule.get('setup_hours', '-')} setup hours"
        + (" · pins could not all be kept" if (found.summary or {}).get("pins_released") else "")
    )


def scenarios_panel(who: Visitor, site: SiteChoice) -> None:
    """Each what-if of the site beside the plan: its figures, and which is better."""
    found = read(who, lambda s, c: _comparisons(s, c, site.id))
    with (
        ui.expansion("Compare scenarios", icon="compare_arrows").classes("w-full").mark("scenarios")
    ):
        ui.link("Make and run scenarios on the plan page", link("/plan", who)).classes("text-sm")
        if not found:
            ui.label("No scenario for this site yet.").classes("text-sm")
        for name, comparison in found:
            ui.label(name).classes("font-semibold mt-2")
            rows = [
                {
                    "figure": f["figure"],
                    "plan": _value(f["plan"]),
                    "scenario": _value(f["scenario"]),
                    "better": f["better"] or "",
                }
                for f in comparison["figures"]
            ]
            columns = [{"name": k, "label": k.capitalize(), "field": k} for k in rows[0]]
            ui.table(columns=columns, rows=rows).props("dense flat").classes("w-full")


def _comparisons(
    session: Session, caller: Caller, site_id: int
) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{s.code} · {s.name}", whatif.compare(session, caller, s.id))
        for s in whatif.list_scenarios(session, caller, site_id)
    ]


def _value(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else str(value)
