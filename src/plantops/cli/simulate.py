"""`plantops simulate --runs 50 [--plan RUN] [--site S] [--days 7]`: how a plan's schedule
holds up on a floor that misbehaves (breakdowns, slow runs, scrap, late material, absent
operators at the rates of the plant's rates file), run after run, beside its promise."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import asdict
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from plantops.cli.errors import user_errors


def simulate(
    runs: int = typer.Option(50, min=1, max=10_000, help="simulations, each with other draws"),
    plan: int = typer.Option(None, help="plan run id (default: the site's latest plan)"),
    site: str = typer.Option(None, help="site code (default: the latest plan of any site)"),
    days: int = typer.Option(7, min=1, max=90, help="the orders the plan starts in these days"),
    seed: int = typer.Option(1, min=0, help="the same seed gives the same figures"),
    rates: Path = typer.Option(
        None, exists=True, dir_okay=False, help="rates file (default: the demo's)"
    ),
    as_json: bool = typer.Option(False, "--json", help="the figures as JSON on stdout"),
    live: bool = typer.Option(False, help="keep the plant producing now, in accelerated time"),
    speed: float = typer.Option(60, min=1, max=100_000, help="--live: simulated s per second"),
    minutes: float = typer.Option(None, min=0, help="--live, --load: stop after this many minutes"),
    load: bool = typer.Option(
        False, help="load test: every work center a terminal posting to --url over HTTP"
    ),
    url: str = typer.Option(None, help="--load: the server, e.g. http://127.0.0.1:8000"),
    rate: float = typer.Option(
        60, min=0.1, max=10_000, help="--load: events per second, all terminals together"
    ),
    readers: int = typer.Option(0, min=0, max=1000, help="--load: UI users reading meanwhile"),
) -> None:
    """Replay a plan's schedule under random disruptions: on-time delivery, lateness and
    makespan as distributions, to compare plans and scenarios on what they can deliver.
    With --live, run the open work of every site (or --site) on the floor instead, posting
    each event as it happens, until Ctrl-C or --minutes. With --load, simulate --days of
    the open work first, then send it to the server at --url from one simulated terminal
    per work center, --rate events per second, with --readers UI users reading beside
    them, and say how fast and how well the server answered."""
    if load:
        _load(url, site, days, seed, rates, rate, readers, minutes, as_json)
        return
    if live:
        _live(site, speed, minutes, rates)
        return
    from plantops.access.caller import SYSTEM
    from plantops.simulation.rates_file import load as load_rates
    from plantops.simulation.replay import plan_floor
    from plantops.simulation.robustness import replay
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work

    with user_errors():
        book = load_rates(rates)
        with unit_of_work(make_session_factory(make_engine())) as session:
            planned = plan_floor(session, SYSTEM, site, plan, book, days)
        began = time.perf_counter()
        result = replay(planned.floor, runs, seed)
        seconds = time.perf_counter() - began
    if as_json:
        figures = {"plan_run": planned.run_id, "site": planned.site, "days": days,
                   "seconds": round(seconds, 2), "on_paper": {
                       "on_time": planned.on_paper_on_time,
                       "makespan_hours": planned.on_paper_makespan_hours},
                   **asdict(result)}  # fmt: skip
        print(json.dumps(figures, indent=2))
        return
    table = Table(title=f"plan run {planned.run_id} at {planned.site}: {result.jobs} orders "
                  f"started in {days} days, {runs} simulations ({seconds:.1f} s)")  # fmt: skip
    for column in ("figure", "on paper", "p10", "median", "p90", "worst-best"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    rows = (
        ("on time", planned.on_paper_on_time, result.on_time, "{:.0%}"),
        ("not done", 0.0, result.unfinished, "{:.0%}"),
        ("mean lateness (h)", None, result.mean_lateness_hours, "{:.1f}"),
        ("makespan (h)", planned.on_paper_makespan_hours, result.makespan_hours, "{:.1f}"),
    )
    for name, paper, spread, form in rows:
        worst, best = (spread.low, spread.high) if name == "on time" else (spread.high, spread.low)
        table.add_row(
            name, "" if paper is None else form.format(paper), form.format(spread.p10),
            form.format(spread.median), form.format(spread.p90),
            f"{form.format(worst)} - {form.format(best)}",
        )  # fmt: skip
    Console().print(table)


def _live(site: str | None, speed: float, minutes: float | None, rates: Path | None) -> None:
    from plantops.simulation import live
    from plantops.simulation.rates_file import load
    from plantops.storage.engine import make_engine, make_session_factory

    with user_errors():
        factory = make_session_factory(make_engine())
        stop, tally, threads = live.start(factory, load(rates), speed, [site] if site else None)
    Console(stderr=True).print(f"the plant is producing at {speed:g}x (Ctrl-C stops it)")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stop and say what was done
        stop.wait(None if minutes is None else minutes * 60)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    said = f"; the last refused: {tally.last_refusal}" if tally.refused else ""
    print(f"posted {tally.posted} events, {tally.refused} refused{said}")


def _load(
    url: str | None, site: str | None, days: int, seed: int, rates: Path | None, rate: float,
    readers: int, minutes: float | None, as_json: bool,
) -> None:  # fmt: skip
    from plantops.errors import ValidationFailed
    from plantops.simulation import terminals
    from plantops.simulation.rates_file import load
    from plantops.storage.engine import make_engine, make_session_factory

    with user_errors():
        if not url:
            raise ValidationFailed.field("url", "--load needs the server's address")
        terminals.check_server(url)
        factory = make_session_factory(make_engine())
        began = time.perf_counter()
        prepared = terminals.prepare(
            factory, load(rates), [site] if site else None, days, seed, readers
        )
        said = Console(stderr=True)
        said.print(
            f"{len(prepared.postings):,} events of {prepared.orders} orders from "
            f"{len(prepared.terminals)} terminals, prepared in {time.perf_counter() - began:.1f}"
            f" s; sending {rate:g} a second (Ctrl-C stops)"
        )
        stop = threading.Event()
        try:
            measured = terminals.run(url, prepared, rate, None if minutes is None else minutes * 60,
                                     stop)  # fmt: skip
        except KeyboardInterrupt:
            stop.set()
            raise
    figures = measured.summary()
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    table = Table(title=f"{figures['events']:,} events in {figures['seconds']} s "
                  f"({figures['events_per_second']}/s), {figures['reads']:,} reads")  # fmt: skip
    for column in ("", "answered", "refused", "failed", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="left" if not column else "right")
    for name, answered, refused, failed, ms in (
        ("events", figures["recorded"], figures["refused"], figures["failed"], figures["event_ms"]),
        ("reads", figures["reads"] - figures["reads_failed"], "", figures["reads_failed"],
         figures["read_ms"]),
    ):  # fmt: skip
        table.add_row(name, str(answered), str(refused), str(failed),
                      *(f"{ms[p]:.0f}" for p in ("p50", "p95", "p99")))  # fmt: skip
    Console().print(table)
    if figures["last_refusal"]:
        print(f"the last refused: {figures['last_refusal']}")
