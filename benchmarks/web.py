"""How long the web application's pages take to show their figures (issue 9), in Chromium,
over real HTTP against `plantops serve` in its own process.

    .venv/bin/python benchmarks/web.py [--history-days 7] [--repeat 7] [--json FILE]

A fresh SQLite database in a temporary directory: `plantops serve --prepare` loads the demo
plant and simulates --history-days of its production; `plantops plan run --site DE-STR`
then schedules Stuttgart (5 s of search), so the board and the late orders have a plan.
Signed in as the administrator, each page is opened --repeat times after one visit not
counted; a visit is timed from the navigation's start to the moment the page shows its
figures (the element named in PAGES: not the first paint, which comes earlier). Reported:
median and p90 per page, and the server-rendered plant page (/plant, one query per table)
as the floor of what a page costs here. Target: every page's figures in under 2 s."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PLANTOPS = ROOT / ".venv" / "bin" / "plantops"
CHROMIUM = "/usr/bin/chromium"  # Debian's; never a downloaded build

# page -> (path and query, what shows that its figures are there)
PAGES: dict[str, tuple[str, str]] = {
    "plant (server-rendered)": ("/plant", "section.site h2"),
    "cockpit, one site": ("/cockpit?site=DE-STR", "text=/^updated \\d/"),
    "cockpit, all sites": ("/cockpit?site=all", "text=/^updated \\d/"),
    "board, one site": ("/board?site=DE-STR", "text=/\\d+ operations · \\d+ orders/"),
    "orders, one site": ("/orders?site=DE-STR", ".ag-center-cols-container .ag-row"),
    "order detail": ("/orders/{order}?site=DE-STR", "text=Operations"),
    "KPIs, 30 days": ("/kpis?site=DE-STR", '[data-kpi="oee"] .kpi-value'),
    # its dispatch list, or the word that it is empty (a long history may leave none open)
    "terminal": (
        "/terminal?site=DE-STR&work_center={center}",
        "[data-op] >> nth=0 || text=Nothing to run on this work center.",
    ),
    "master data, items": ("/data?site=DE-STR&table=items", ".ag-center-cols-container .ag-row"),
}


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(url: str, port: int, days: int) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PLANTOPS_DATABASE_URL": url}
    command = [str(PLANTOPS), "serve", "--prepare", "--history-days", str(days), "--no-live",
               "--port", str(port)]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)  # fmt: skip
    password = ""
    assert server.stdout is not None
    for line in server.stdout:
        found = re.search(r"password (\S+)", line)
        password = found[1] if found else password
        if "Application startup complete" in line or "Uvicorn running" in line:
            break
    if not password:
        server.kill()
        raise SystemExit("the server printed no admin password")
    return server, password


def _plan(url: str) -> None:
    env = {**os.environ, "PLANTOPS_DATABASE_URL": url}
    subprocess.run([str(PLANTOPS), "plan", "run", "--site", "DE-STR", "--schedule-seconds", "5"],
                   env=env, check=True, capture_output=True)  # fmt: skip


def _subjects(url: str) -> dict[str, str]:
    """An order with operations on the floor, and the work center with the most to run (or,
    with nothing open, the busiest one and its latest order)."""
    from sqlalchemy import func, select

    from plantops.execution.models import OrderOperation
    from plantops.org.models import Site
    from plantops.planning.models import ProductionOrder
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work

    with unit_of_work(make_session_factory(make_engine(url))) as session:
        site = session.scalars(select(Site).where(Site.code == "DE-STR")).one()
        busiest = (
            select(OrderOperation.work_center_id, func.max(OrderOperation.production_order_id))
            .where(OrderOperation.site_id == site.id)
            .group_by(OrderOperation.work_center_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        open_only = busiest.where(OrderOperation.actual_end.is_(None))
        center, order_id = (session.execute(open_only).first()
                            or session.execute(busiest).one())  # fmt: skip
        order = session.get_one(ProductionOrder, order_id)
        return {"center": str(center), "order": order.code}


def _measure(base: str, password: str, subjects: dict[str, str], repeat: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    found: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900}, base_url=base)
        page.goto("/login")
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile("/cockpit"))
        for name, (path, ready) in PAGES.items():
            target = path.format(**subjects)
            times = []
            for attempt in range(repeat + 1):
                page.goto("about:blank")
                started = time.perf_counter()
                page.goto(target)
                first, *others = ready.split(" || ")
                shown = page.locator(first)
                for other in others:
                    shown = shown.or_(page.locator(other))
                shown.first.wait_for(timeout=60_000)
                if attempt:  # the first visit warms the server's caches: not counted
                    times.append(time.perf_counter() - started)
            times.sort()
            found[name] = {
                "path": target,
                "median_ms": round(statistics.median(times) * 1000),
                "p90_ms": round(times[min(len(times) - 1, int(len(times) * 0.9))] * 1000),
                "runs": len(times),
            }
            print(f"{name:28} {found[name]['median_ms']:6} ms  p90 {found[name]['p90_ms']:6} ms",
                  flush=True)  # fmt: skip
        browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history-days", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/web.db"
        port = _port()
        started = time.perf_counter()
        server, password = _serve(url, port, args.history_days)
        try:
            print(f"demo plant and {args.history_days} days: {time.perf_counter() - started:.0f} s")
            _plan(url)
            subjects = _subjects(url)
            pages = _measure(f"http://127.0.0.1:{port}", password, subjects, args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = {
        "history_days": args.history_days,
        "repeat": args.repeat,
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version()},
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip(),
        "pages": pages,
    }  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2), file=sys.stderr)


if __name__ == "__main__":
    main()
