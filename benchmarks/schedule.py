"""The scheduling engine against its peers on the published instances, and at scale.

    .venv/bin/python benchmarks/schedule.py quality ta01-40 mk01-10 --time-limits 10,60
    .venv/bin/python benchmarks/schedule.py scale --sizes 1k,10k,100k --time-limit 60 --repeat 3

`quality` runs every selected instance through three methods in the same process, one after
the other, with the same time limit and workers: PlantOps' solve(), the textbook OR-Tools
CP-SAT model and PyJobShop (benchmarks/peers). Every result goes through the independent
checker; the objective reported is the checker's. Selections are families (jssp, fjsp,
pfsp_tt, pfsp_sdst), named sets (ta01-40, ta51-60, ta71-80, mk01-10, and `sample`: three
instances of every other family), globs relative to the
data folder (jssp/la0*.txt) or instance names (ft06). Each instance runs --repeat times per
method and time limit (the sample's at least SAMPLE_RUNS times) and the table takes the median
run: on a family of three instances one lucky or unlucky draw of thread timing would otherwise
decide the family's mean. `scale` times a seeded random job shop
(1k = 50x20, 10k = 100x100, 100k = 1000x100 operations) in a process per run: time to the
first schedule, to within 1 % of the final one, peak memory; medians over --repeat runs.
`first` times the first verified schedule on the 100x20 instances (ta71-80).

Every run appends a JSON line to --out (benchmarks/results/, kept in the repository) tagged
with a fingerprint of the code that produced it: the engine's sources for PlantOps, the peer's
module and solver versions for a peer. `quality` skips a run whose instance, method, time
limit, workers, run number and fingerprint are already recorded, and builds its table from
every matching record, so a long measurement can be stopped and resumed, and an engine change
re-measures the engine only. Tables go into docs/benchmarks.md, section "## Scheduling engine
vs peers" (other sections are left alone)."""

from __future__ import annotations

import argparse
import hashlib
import json
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the peers package beside this file

from peers import report, scale

from plantops.scheduling.checker import check, objective_value
from plantops.scheduling.problem import Problem
from plantops.scheduling.readers import FORMATS, read_instance
from plantops.scheduling.schedule import Schedule

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
RESULTS = Path(__file__).resolve().parent / "results"
ENGINE = Path(__file__).resolve().parents[1] / "src" / "plantops" / "scheduling"
PEERS = Path(__file__).resolve().parent / "peers"
DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SETS = {
    "ta01-40": [f"jssp/ta{i:02d}.txt" for i in range(1, 41)],
    "ta51-60": [f"jssp/ta{i:02d}.txt" for i in range(51, 61)],
    "ta71-80": [f"jssp/ta{i:02d}.txt" for i in range(71, 81)],
    "mk01-10": [f"fjsp/mk{i:02d}.fjs" for i in range(1, 11)],
}
PREAMBLE = """PlantOps' engine (`plantops.scheduling.solver.solve`) next to two peers run by the
same script on the same machine with the same time limit and workers: the textbook OR-Tools CP-SAT
model (interval variables, no-overlap per machine, optional intervals for alternatives, one
circuit over the jobs for permutation flow shops, default parameters) and PyJobShop on
OR-Tools. Every schedule is verified by the independent checker
(`plantops.scheduling.checker`); objectives are the checker's. Gap = (objective - best known
upper bound) / best known, from ../shared/benchmarks/bounds.json; the mean is over verified
results with a best known above 0 (tardiness instances with a best known of 0 count in "at
best known" only). How to read and re-run: docs/scheduling.md."""

Solver = Callable[[Problem, float, int], Schedule]


def methods() -> dict[str, Solver]:
    from peers import pyjobshop_peer, textbook

    def plantops(problem: Problem, time_limit: float, workers: int) -> Schedule:
        from plantops.scheduling.solver import solve

        schedule: Schedule = solve(problem, time_limit=time_limit, workers=workers, seed=0)
        return schedule

    return {"plantops": plantops, "cpsat": textbook.solve, "pyjobshop": pyjobshop_peer.solve}


PEER_FILES = {"cpsat": "textbook.py", "pyjobshop": "pyjobshop_peer.py"}


def fingerprint(method: str) -> str:
    """What a result depends on besides the instance: the code and solvers that produced it
    (for a peer, its module and the reader, problem types and checker it goes through)."""
    digest = hashlib.sha256(report.versions().encode())
    if method in PEER_FILES:
        shared = ["readers.py", "problem.py", "schedule.py"]
        files = [PEERS / PEER_FILES[method], *(ENGINE / name for name in shared)]
        files += sorted((ENGINE / "checker").glob("*.py"))
    else:
        files = sorted(ENGINE.rglob("*.py"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


SAMPLE_RUNS = 3  # runs per instance and method of the sample families: their medians count


def sample(data: Path) -> list[Path]:
    """Three instances, evenly spread, of every family but ta01-40 and mk01-10 (measured in
    full): the rest of the published record, at a cost a 2-core machine can measure."""
    in_sets = {data / p for p in SETS["ta01-40"] + SETS["mk01-10"]}
    families: dict[tuple[str, str], list[Path]] = {}
    for kind in FORMATS:
        for path in sorted((data / kind).glob("*.*")):
            families.setdefault((kind, report.family(path.stem, kind)), []).append(path)
    chosen: list[Path] = []
    for paths in families.values():
        if not in_sets.intersection(paths):
            chosen += list(dict.fromkeys(paths[i * (len(paths) - 1) // 2] for i in range(3)))
    return chosen


def select(names: list[str], data: Path) -> list[Path]:
    found: list[Path] = []
    for name in names:
        if name == "sample":
            found += sample(data)
        elif name in SETS:
            found += [data / p for p in SETS[name]]
        elif name in FORMATS:
            found += sorted((data / name).glob("*.*"))
        elif Path(name).is_file():
            found.append(Path(name))
        else:
            matches = sorted(data.glob(name)) or sorted(data.glob(f"*/{name}.*"))
            if not matches:
                sys.exit(f"nothing matches {name!r} in {data}")
            found += matches
    return list(dict.fromkeys(found))


def run_one(
    path: Path, method: str, solver: Solver, limit: float, workers: int, run: int = 0
) -> dict[str, Any]:
    instance = read_instance(path)
    bounds = json.loads((path.parent.parent / "bounds.json").read_text()).get(instance.name, {})
    row: dict[str, Any] = {
        "instance": instance.name,
        "format": instance.format,
        "family": report.family(instance.name, instance.format),
        "method": method,
        "time_limit": limit,
        "workers": workers,
        "run": run,
        "ub": bounds.get("ub"),
        "lb": bounds.get("lb"),
        "code": fingerprint(method),
        "date": report.today(),
        "machine": report.cpu(),
    }
    started = time.perf_counter()
    try:
        schedule = solver(instance.problem, limit, workers)
    except NotImplementedError as error:
        return {
            **row,
            "feasible": False,
            "objective": None,
            "status": "unsupported",
            "violations": 0,
            "seconds": 0.0,
            "error": str(error),
        }
    seconds = time.perf_counter() - started
    violations = check(instance.problem, schedule) if schedule.assignments else []
    feasible = bool(schedule.assignments) and not violations
    return {
        **row,
        "feasible": feasible,
        "objective": objective_value(instance.problem, schedule) if feasible else None,
        "claimed": schedule.objective,
        "lower_bound": schedule.lower_bound,
        "status": schedule.status.value,
        "violations": len(violations),
        "first_violation": str(violations[0]) if violations else None,
        "seconds": round(seconds, 3),
    }


def quality(args: argparse.Namespace) -> None:
    files = select(args.select, args.data)
    chosen = args.methods.split(",")
    solvers = methods()
    limits = [float(t) for t in args.time_limits.split(",")]
    codes = {method: fingerprint(method) for method in chosen}
    name_of = {path: read_instance(path).name for path in files}
    names = set(name_of.values())
    sampled = set(sample(args.data)) if "sample" in args.select else set()
    runs = {p: max(args.repeat, SAMPLE_RUNS if p in sampled else 1) for p in files}
    done = {
        _key(row): row
        for row in _records(args.out)
        if row.get("method") in codes and row.get("code") == codes[row["method"]]
        and row.get("workers") == args.workers and row.get("instance") in names
        and row.get("time_limit") in limits
    }  # fmt: skip
    wanted = {
        (name_of[path], method, limit, run): (limit, path, method, run)
        for limit in limits
        for path in files
        for run in range(runs[path])
        for method in chosen
    }
    done = {key: row for key, row in done.items() if key in wanted}
    todo = [what for key, what in wanted.items() if key not in done]
    print(f"{len(done)} runs already recorded, {len(todo)} to go", flush=True)
    if args.report_only:  # the table of what is recorded so far; the header says how much
        todo = []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a", encoding="utf-8") as out:
        for limit, path, method, run in todo:
            row = run_one(path, method, solvers[method], limit, args.workers, run)
            done[_key(row)] = row
            out.write(json.dumps(row) + "\n")
            out.flush()
            shown = row["objective"] if row["feasible"] else f"not verified ({row['status']})"
            print(
                f"{limit:g}s {row['instance']:<16} {method:<10} run {run + 1} {shown} "
                f"best known {row['ub']} in {row['seconds']:.1f}s",
                flush=True,
            )
    rows = list(done.values())
    table = report.quality_table(rows, chosen)
    print("\n" + table)
    if args.doc:
        what = f"{len(files)} instances, {len(rows)} of {len(wanted)} runs measured"
        if any(n > 1 for n in runs.values()):
            what += f" ({_counts(runs)}; the median run of each counts)"
        dates = sorted({row["date"] for row in rows if row.get("date")})
        body = _header(args, what, dates, rows) + "\n\n" + table
        report.update_doc(args.doc, "Quality", body, PREAMBLE)


def _counts(runs: dict[Path, int]) -> str:
    """'55 instances run once, 45 three times', for the header."""
    words = {1: "once", 2: "twice", 3: "three times"}
    by_count: dict[int, int] = {}
    for n in runs.values():
        by_count[n] = by_count.get(n, 0) + 1
    return ", ".join(
        f"{k} instance{'s' * (k != 1)} run {words.get(n, f'{n} times')}"
        for n, k in sorted(by_count.items())
    )


def _key(row: dict[str, Any]) -> tuple[str, str, float, int]:
    """Rows recorded before runs were numbered are run 0."""
    return row["instance"], row["method"], row["time_limit"], row.get("run", 0)


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def scale_run(args: argparse.Namespace) -> None:
    table = [
        "| size | operations | method | first schedule s | within 1 % s | objective "
        "| verified | peak RSS MiB | runs |",
        "|" + " --- |" * 3 + " ---: |" * 6,
    ]
    recorded = _records(args.out) if args.report_only else []
    measured: list[dict[str, Any]] = []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a", encoding="utf-8") as out:
        for size in args.sizes.split(","):
            for method in args.methods.split(","):
                if args.report_only:  # the last --repeat runs recorded
                    same = [r for r in recorded if (r["size"], r["method"]) == (size, method)]
                    runs = same[-args.repeat :]
                else:
                    runs = [_scale_once(size, method, args) for _ in range(args.repeat)]
                    out.writelines(json.dumps(run) + "\n" for run in runs)
                    out.flush()
                if runs:
                    measured += runs
                    print(json.dumps(runs[-1]), flush=True)
                    table.append(_scale_row(runs))
    print("\n" + "\n".join(table))
    if args.doc:
        body = _header(args, f"sizes {args.sizes}", rows=measured) + "\n\n" + "\n".join(table)
        report.update_doc(args.doc, "Scale", body, PREAMBLE)


def _scale_once(size: str, method: str, args: argparse.Namespace) -> dict[str, Any]:
    """One run in a fresh process: the same seeded instance every time (timings vary)."""
    job = {
        "size": size,
        "method": method,
        "time_limit": args.time_limit,
        "workers": args.workers,
        "seed": args.seed,
    }
    command = [sys.executable, __file__, "scale-worker", json.dumps(job)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        failed = {"verified": False, "error": done.stderr.strip().splitlines()[-1:]}
        return {**job, **failed, "machine": report.cpu()}
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "machine": report.cpu()}


def _scale_row(runs: list[dict[str, Any]]) -> str:
    def median(key: str, digits: int = 1) -> str:
        values = [r[key] for r in runs if r.get(key) is not None]
        return f"{statistics.median(values):.{digits}f}" if values else "-"

    first = runs[0]
    verified = sum(1 for r in runs if r.get("verified"))
    cells = [
        first["size"],
        str(first.get("operations", "-")),
        first["method"],
        median("first_seconds", 2),
        median("within_1pct_seconds", 2),
        median("objective", 0),
        f"{verified}/{len(runs)}",
        median("peak_mib", 0),
        str(len(runs)),
    ]
    return "| " + " | ".join(cells) + " |"


def _header(
    args: argparse.Namespace,
    what: str,
    dates: list[str] | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> str:
    """What was run, when, on which machine (this one; and, when the rows came from several
    sessions, the CPU each was measured on) and the command that reproduces it."""
    label = f"**{args.label}** — " if args.label else ""
    when = " to ".join(dict.fromkeys([dates[0], dates[-1]])) if dates else report.today()
    shown = [arg for before, arg in pairwise(["", *sys.argv[1:]]) if _shown(arg, before)]
    command = "`.venv/bin/python benchmarks/schedule.py " + shlex.join(shown) + "`"
    where = f" Runs by CPU: {report.machines(rows)}." if rows else ""
    return f"{label}{what}, {when}. Machine: {report.machine()}.{where}\n\nCommand: {command}" + (
        f"\n\nFull run: `{args.full}`" if args.full else ""
    )


def _first_once(problem: Problem, args: argparse.Namespace) -> tuple[float, float, int, bool]:
    from plantops.scheduling.solver import solve

    events: list[float] = []
    started = time.perf_counter()
    schedule = solve(
        problem, time_limit=args.time_limit, workers=args.workers,
        on_progress=lambda p: events.append(time.perf_counter() - started),
    )  # fmt: skip
    returned = time.perf_counter() - started
    verified = bool(schedule.assignments) and not check(problem, schedule)
    return min(events, default=returned), returned, schedule.objective or 0, verified


def _shown(arg: str, before: str) -> bool:
    """Arguments worth showing in the docs: where the results went is not."""
    hidden = ("--out", "--doc", "--report-only")
    return arg not in hidden and before not in ("--out", "--doc")


def first(args: argparse.Namespace) -> None:
    """Wall-clock seconds from the call of solve() to its first schedule (progress event) and
    to a returned, verified schedule under a short time limit; medians over --repeat runs."""
    table = [
        "| instance | jobs x machines | first schedule s | returned s | objective | verified |",
        "| --- | --- |" + " ---: |" * 4,
    ]
    rows = []
    for path in select(args.select, args.data):
        instance = read_instance(path)
        runs = [_first_once(instance.problem, args) for _ in range(args.repeat)]
        jobs = len(instance.problem.jobs)
        machines = len(instance.problem.resources)
        row = {
            "instance": instance.name,
            "size": f"{jobs} x {machines}",
            "first_seconds": statistics.median(r[0] for r in runs),
            "returned_seconds": statistics.median(r[1] for r in runs),
            "objective": statistics.median(r[2] for r in runs),
            "verified": sum(r[3] for r in runs),
            "runs": len(runs),
            "time_limit": args.time_limit,
            "workers": args.workers,
            "code": fingerprint("plantops"),
            "date": report.today(),
            "machine": report.cpu(),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        table.append(
            f"| {row['instance']} | {row['size']} | {row['first_seconds']:.2f} "
            f"| {row['returned_seconds']:.2f} | {row['objective']:.0f} "
            f"| {row['verified']}/{row['runs']} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in rows)
    print("\n" + "\n".join(table))
    if args.doc:
        body = _header(args, f"{len(rows)} instances", rows=rows) + "\n\n" + "\n".join(table)
        report.update_doc(args.doc, "First schedule", body, PREAMBLE)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "scale-worker":
        scale.main(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    q = commands.add_parser("quality", help="published instances, three methods")
    q.add_argument("select", nargs="+", help="families, sets, globs or instance names")
    q.add_argument("--time-limits", default="10,60", help="comma-separated seconds")
    q.add_argument("--methods", default="plantops,cpsat,pyjobshop")
    q.add_argument(
        "--repeat", type=int, default=1,
        help=f"runs per instance and method (the median counts; the sample's: {SAMPLE_RUNS})",
    )  # fmt: skip
    q.add_argument("--data", type=Path, default=DATA)
    q.add_argument(
        "--report-only", action="store_true", help="the table from the runs in --out, no new run"
    )
    s = commands.add_parser("scale", help="random job shops of 1k, 10k, 100k operations")
    s.add_argument("--sizes", default="1k,10k,100k")
    s.add_argument("--time-limit", type=float, default=60.0)
    s.add_argument("--repeat", type=int, default=3, help="runs per size (medians)")
    s.add_argument("--seed", type=int, default=0, help="of the random instance")
    s.add_argument("--methods", default="plantops", help="plantops and/or cpsat")
    s.add_argument(
        "--report-only", action="store_true", help="the table from the runs in --out, no new run"
    )
    f = commands.add_parser("first", help="time to the first schedule (100x20 instances)")
    f.add_argument("select", nargs="*", default=["ta71-80"])
    f.add_argument("--time-limit", type=float, default=0.5, help="of each solve")
    f.add_argument("--repeat", type=int, default=3, help="runs per instance (medians)")
    f.add_argument("--data", type=Path, default=DATA)
    for p, name in ((q, "quality"), (s, "scale"), (f, "first")):
        p.add_argument("--workers", type=int, default=2)
        out = RESULTS / f"schedule-{name}.jsonl"
        p.add_argument("--out", type=Path, default=out, help="raw results, appended")
        p.add_argument("--doc", default=str(DOC), help="'' to leave the docs alone")
        p.add_argument("--label", default="", help="e.g. 'Smoke run': shown with the table")
        p.add_argument("--full", default="", help="the command of the full run, for the docs")
    args = parser.parse_args()
    args.doc = Path(args.doc) if args.doc else None
    {"quality": quality, "scale": scale_run, "first": first}[args.command](args)


if __name__ == "__main__":
    main()
