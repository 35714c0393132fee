"""Import and export of a large plant: wall time and peak memory.

    .venv/bin/python benchmarks/import_export.py --scale 225 --runs 3

Builds the demo plant (plantops.demo.build_plant; scale 225 gives about 50,000 items), writes
it as YAML and XLSX, then for each format imports it into a fresh SQLite database and exports
it back (each run in its own process, so peak RSS is that of one run), and prints a Markdown
table: median, min and max wall time of the runs, peak RSS. Migrations are not timed."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

FORMATS = ("yaml", "json", "csv", "xlsx")


def build_document(scale: int, seed: int) -> dict[str, Any]:
    from plantops.demo import build_plant

    return build_plant(seed, scale, date(2025, 4, 14))  # a fixed start: the same plant every run


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(step: str, path: Path, database: Path, kind: str) -> None:
    """One measured run, in a process of its own; prints a JSON line."""
    from plantops.access.caller import SYSTEM
    from plantops.integration.files import read_plant, write_plant
    from plantops.integration.service import export_plant, import_file
    from plantops.storage.engine import make_engine, make_session_factory, unit_of_work
    from plantops.storage.migrate import upgrade

    engine = make_engine(f"sqlite:///{database}")
    if step == "import":
        upgrade(engine)
    sessions = make_session_factory(engine)
    start = time.perf_counter()
    if step == "import":
        with unit_of_work(sessions) as session:
            import_file(session, SYSTEM, read_plant(path))
    else:
        with unit_of_work(sessions) as session:
            document = export_plant(session, SYSTEM)
        write_plant(document, path, kind)
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_mib": _peak_mib()}))


def _measure(args: list[str]) -> dict[str, float]:
    command = [sys.executable, __file__, "--worker", *args]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _sizes(document: dict[str, Any]) -> str:
    from plantops.integration.tabular import flatten

    counts = {t.name: len(t.rows) for t in flatten(document) if t.rows}
    return ", ".join(f"{n} {name}" for name, n in counts.items())


def _written(document: dict[str, Any], directory: Path, kind: str) -> Path:
    """The file to import: plant.<kind>, or the directory of CSV files."""
    from plantops.integration.files import write_plant

    paths = write_plant(document, directory / kind, kind)
    return directory / kind if kind == "csv" else paths[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=225, help="demo plant scale (225: ~50k items)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--formats", default="yaml,xlsx", help="comma-separated: " + ",".join(FORMATS)
    )
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        step, path, database, kind = args.worker
        worker(step, Path(path), Path(database), kind)
        return
    document = build_document(args.scale, args.seed)
    print(f"demo plant, seed {args.seed}, scale {args.scale}: {_sizes(document)}\n")
    print("| step | format | file MiB | median s | min s | max s | peak RSS MiB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        kinds = [k for k in args.formats.split(",") if k in FORMATS]
        files = {kind: _written(document, root / "in", kind) for kind in kinds}
        del document
        for kind in kinds:
            path = files[kind]
            paths = sorted(path.glob("*.csv")) if path.is_dir() else [path]
            size = sum(p.stat().st_size for p in paths) / 2**20
            for step in ("import", "export"):
                results = []
                for run in range(args.runs):
                    database = root / f"{kind}-{run}.db"
                    target = files[kind] if step == "import" else root / f"out-{kind}-{run}"
                    results.append(_measure([step, str(target), str(database), kind]))
                times = [r["seconds"] for r in results]
                peak = max(r["peak_mib"] for r in results)
                print(
                    f"| {step} | {kind} | {size:.1f} | {statistics.median(times):.1f} "
                    f"| {min(times):.1f} | {max(times):.1f} | {peak:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
