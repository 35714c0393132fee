"""Tables for docs/benchmarks.md: per family and method, and the one section of that file the
scheduling benchmark owns (other sections are left exactly as they are)."""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
from collections import defaultdict
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

SECTION = "## Scheduling engine vs peers"
METHOD_NAMES = {"plantops": "PlantOps", "cpsat": "CP-SAT textbook", "pyjobshop": "PyJobShop"}


def family(name: str, kind: str) -> str:
    """The published set an instance belongs to, as the literature groups results."""
    if kind == "jssp" and name.startswith("ta"):
        number = int(name[2:])
        return next(
            f"ta{a:02d}-{b:02d}"
            for a, b in ((1, 40), (41, 50), (51, 60), (61, 80))
            if a <= number <= b
        )
    if kind == "jssp":
        return re.sub(r"\d.*", "", name)
    if kind == "fjsp":
        if name.startswith("mk"):
            return "Brandimarte mk"
        if "_" in name:
            return "Hurink " + name.rsplit("_", 1)[1]
        return {"kac": "Kacem", "sfj": "Fattahi sfjs", "mfj": "Fattahi mfjs"}.get(name[:3], name)
    if kind == "pfsp_tt":
        return "TT " + name.split("_")[1]
    return "SDST " + name.rsplit("sdst", 1)[1]


def gap(objective: int | None, upper: int | None) -> float | None:
    """(objective - best known) / best known; None when either is missing or the best known
    is 0 (tardiness): such instances count in 'at best known' only."""
    if objective is None or not upper:
        return None
    return (objective - upper) / upper


def median_runs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per instance, method and time limit: the median of its runs (unverified runs
    rank last; of an even number, the worse middle one)."""
    runs: dict[tuple[str, str, float], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        runs[row["instance"], row["method"], row["time_limit"]].append(row)
    out = []
    for same in runs.values():
        same.sort(key=lambda r: (not r["feasible"], r["objective"] or 0, r["seconds"]))
        out.append({**same[len(same) // 2], "runs": len(same)})
    return out


def quality_table(rows: list[dict[str, Any]], methods: list[str]) -> str:
    """Per family and method, over the median run of each instance."""
    groups: dict[tuple[float, str, str], dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in median_runs(rows):
        groups[row["time_limit"], row["format"], row["family"]][row["method"]].append(row)
    head = ["time limit", "format", "family", "instances", "runs"]
    for method in methods:
        name = METHOD_NAMES.get(method, method)
        head += [f"{name} mean gap %", "proven opt.", "at best known", "verified"]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + " --- |" * 4 + " ---: |" * (1 + 4 * len(methods)),
    ]
    for (limit, kind, fam), by_method in sorted(groups.items()):
        count = max(len(v) for v in by_method.values())
        every = [r["runs"] for v in by_method.values() for r in v]
        cells = [f"{limit:g} s", kind, fam, str(count), _span(min(every), max(every))]
        for method in methods:
            cells += _cells(by_method.get(method, []))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _cells(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["-"] * 4
    gaps = [g for r in rows if r["feasible"] and (g := gap(r["objective"], r["ub"])) is not None]
    mean = f"{100 * statistics.fmean(gaps):.2f}" if gaps else "-"
    optimal = sum(1 for r in rows if r["feasible"] and r["status"] == "optimal")
    at_best = sum(
        1 for r in rows if r["feasible"] and r["ub"] is not None and r["objective"] <= r["ub"]
    )
    verified = sum(1 for r in rows if r["feasible"])
    return [mean, str(optimal), str(at_best), f"{verified}/{len(rows)}"]


def _lscpu() -> dict[str, str]:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    return dict(re.findall(r"^([^:\n]+):\s*(.*)$", lscpu, flags=re.M))


def cpu() -> str:
    """The CPU model, recorded with every run: results of two machines are not comparable."""
    return _lscpu().get("Model name", platform.processor() or "unknown CPU")


def machines(rows: list[dict[str, Any]]) -> str:
    """Which CPUs the rows were measured on, with their number of runs."""
    count: dict[str, int] = defaultdict(int)
    for row in rows:
        count[row.get("machine") or "not recorded"] += 1
    return "; ".join(f"{name}: {n} runs" for name, n in sorted(count.items()))


def machine() -> str:
    """CPU model and cores (lscpu), memory, Python and solver versions."""
    fields = _lscpu()
    cores = int(fields.get("Core(s) per socket", 0) or 0) * int(fields.get("Socket(s)", 1) or 1)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{fields.get('Model name', platform.processor() or 'unknown CPU')}, "
        f"{cores or os.cpu_count()} cores ({os.cpu_count()} logical CPUs), {memory:.0f} GiB, "
        f"{platform.system()} {platform.release()}, {versions()}"
    )


def versions() -> str:
    """Python and the solvers: part of what a measured result depends on."""
    solvers = ", ".join(f"{p} {_version(p)}" for p in ("ortools", "pyjobshop"))
    return f"Python {platform.python_version()}, {solvers}"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # a missing peer is reported, not fatal
        return "not installed"


def update_doc(doc: Path, subsection: str, body: str, preamble: str) -> None:
    """Replace (or add) `### subsection` inside SECTION; everything else stays as it was."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    lines = text.rstrip("\n").split("\n")
    if SECTION not in lines:
        lines += ["", SECTION, "", *preamble.split("\n")]
    start = lines.index(SECTION)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    section = lines[start:end]
    title = f"### {subsection}"
    block = [title, "", *body.rstrip("\n").split("\n"), ""]
    if title in section:
        a = section.index(title)
        b = next(
            (i for i in range(a + 1, len(section)) if section[i].startswith("### ")), len(section)
        )
        section[a:b] = block
    else:
        while section and not section[-1].strip():
            section.pop()
        section += ["", *block]
    lines[start:end] = section
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def today() -> str:
    return date.today().isoformat()
