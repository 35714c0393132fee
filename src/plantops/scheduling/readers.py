"""Readers for the published scheduling benchmarks (../shared/benchmarks/README.md).

The format comes from the file's folder: `jssp/` (job shop, machines 0-indexed), `fjsp/`
(flexible job shop, Brandimarte format, machines 1-indexed), `pfsp_tt/` (permutation flow shop,
total tardiness) and `pfsp_sdst/` (permutation flow shop, sequence-dependent setups). Resources
keep the file's machine numbers (`M0`... in jssp, `M1`... in fjsp), jobs are `J0`... in file
order and operations `J<j>.<k>` in route order, so a result can be traced back to the file.

The readers are line-based on purpose: every job sits on one line in all four formats, and
checking counts per line catches a truncated or shifted file at the line where it goes wrong
instead of several lines later."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from plantops.scheduling.problem import (
    Changeover,
    FlowLine,
    Job,
    Mode,
    Objective,
    Operation,
    Precedence,
    Problem,
    Resource,
    Term,
)

FORMATS = ("jssp", "fjsp", "pfsp_tt", "pfsp_sdst")


class BenchmarkFormatError(ValueError):
    """A benchmark file that cannot be read: names the file, the line (0: the whole file)
    and what is wrong."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Instance:
    name: str  # the file name without its suffix, as in bounds.json
    format: str  # one of FORMATS
    problem: Problem


class _Lines:
    """The non-blank lines of a file as integers, with their line numbers for errors."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self._lines = [(n, s.split()) for n, s in enumerate(text.splitlines(), 1) if s.strip()]
        self._next = 0
        self.last = self._lines[-1][0] if self._lines else 0

    def fail(self, line: int, problem: str) -> BenchmarkFormatError:
        return BenchmarkFormatError(self.path, line, problem)

    def take(
        self, what: str, count: int | None = None, more: bool = False
    ) -> tuple[int, list[int]]:
        """The next line's numbers: all of them, or exactly `count` (at least, if `more`
        tokens may follow: the FJSP header's average flexibility is a float)."""
        if self._next >= len(self._lines):
            raise self.fail(self.last + 1, f"file ends early: expected {what}")
        line, tokens = self._lines[self._next]
        self._next += 1
        if count is not None and (len(tokens) < count or (len(tokens) > count and not more)):
            raise self.fail(line, f"{what}: expected {count} numbers, found {len(tokens)}")
        values = []
        for token in tokens[:count]:
            try:
                values.append(int(token))
            except ValueError:
                raise self.fail(line, f"{what}: {token!r} is not an integer") from None
            if values[-1] < 0:
                raise self.fail(line, f"{what}: {token} is negative")
        return line, values

    def end(self) -> None:
        if self._next < len(self._lines):
            line = self._lines[self._next][0]
            raise self.fail(line, "unexpected data after the last expected line")


def read_instance(path: Path | str) -> Instance:
    """Read one benchmark file; its parent folder names the format."""
    path = Path(path)
    kind = path.parent.name
    if kind not in FORMATS:
        known = ", ".join(FORMATS)
        raise BenchmarkFormatError(path, 0, f"unknown benchmark folder {kind!r}: expected {known}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise BenchmarkFormatError(path, 0, f"cannot read the file: {reason}") from None
    lines = _Lines(path, text)
    reader = {"jssp": _jssp, "fjsp": _fjsp, "pfsp_tt": _pfsp_tt, "pfsp_sdst": _pfsp_sdst}[kind]
    problem = reader(lines)
    lines.end()
    return Instance(name=path.stem, format=kind, problem=problem)


def _counts(lines: _Lines, what: str, count: int, more: bool = False) -> list[int]:
    line, values = lines.take(what, count, more)
    if any(v < 1 for v in values):
        raise lines.fail(line, f"{what}: counts must be at least 1")
    return values


def _routed(jobs: Sequence[Sequence[tuple[Mode, ...]]], resources: int, first: int) -> Problem:
    """A job shop: each job's operations in route order, finish-to-start."""
    operations, precedences = [], []
    for j, route in enumerate(jobs):
        ids = [f"J{j}.{k}" for k in range(len(route))]
        operations += [
            Operation(id=i, job=f"J{j}", modes=m) for i, m in zip(ids, route, strict=True)
        ]
        precedences += [Precedence(before=a, after=b) for a, b in pairwise(ids)]
    return Problem(
        jobs=tuple(Job(id=f"J{j}") for j in range(len(jobs))),
        operations=tuple(operations),
        resources=tuple(Resource(id=f"M{m}") for m in range(first, first + resources)),
        precedences=tuple(precedences),
    )


def _machine(lines: _Lines, line: int, machine: int, low: int, high: int) -> str:
    if not low <= machine <= high:
        raise lines.fail(line, f"machine {machine} is out of range {low}..{high}")
    return f"M{machine}"


def _jssp(lines: _Lines) -> Problem:
    n, m = _counts(lines, "header <jobs> <machines>", 2)
    jobs = []
    for j in range(n):
        line, pairs = lines.take(f"job {j} (machine duration pairs)", 2 * m)
        route: list[tuple[Mode, ...]] = []
        for k in range(m):
            resource = _machine(lines, line, pairs[2 * k], 0, m - 1)
            route.append((Mode(resource=resource, duration=pairs[2 * k + 1]),))
        jobs.append(route)
    return _routed(jobs, m, 0)


def _fjsp(lines: _Lines) -> Problem:
    n, m = _counts(lines, "header <jobs> <machines> <flexibility>", 2, more=True)
    jobs = []
    for j in range(n):
        line, values = lines.take(f"job {j}")
        jobs.append(_fjsp_job(lines, line, values, m))
    return _routed(jobs, m, 1)


def _fjsp_job(lines: _Lines, line: int, values: list[int], m: int) -> list[tuple[Mode, ...]]:
    """`<#ops> { <#alternatives> { <machine> <duration> } }` on one line."""

    def cursor() -> Iterator[int]:
        yield from values
        raise lines.fail(line, "line ends early: fewer numbers than the counts announce")

    numbers = cursor()
    route = []
    for _ in range(next(numbers)):
        alternatives = next(numbers)
        if alternatives < 1:
            raise lines.fail(line, "an operation with no eligible machine")
        modes = []
        for _ in range(alternatives):
            resource = _machine(lines, line, next(numbers), 1, m)
            modes.append(Mode(resource=resource, duration=next(numbers)))
        route.append(tuple(modes))
    if not route:
        raise lines.fail(line, "a job with no operations")
    consumed = 1 + sum(1 + 2 * len(modes) for modes in route)
    if consumed != len(values):
        extra = len(values) - consumed
        raise lines.fail(line, f"extra numbers after the job's last operation: {extra}")
    return route


def _flow_shop(lines: _Lines, due: bool) -> tuple[list[int], Problem]:
    """The common head of both flow-shop formats and the plain flow shop it describes."""
    (n,) = _counts(lines, "<jobs>", 1)
    (m,) = _counts(lines, "<machines>", 1)
    dues = lines.take("due dates", n)[1] if due else []
    times = [lines.take(f"job {j} processing times", m)[1] for j in range(n)]
    routes = [tuple((Mode(f"M{k}", p),) for k, p in enumerate(row)) for row in times]
    return dues, _routed(routes, m, 0)


def _pfsp_tt(lines: _Lines) -> Problem:
    dues, base = _flow_shop(lines, due=True)
    return Problem(
        jobs=tuple(Job(id=f"J{j}", due=d) for j, d in enumerate(dues)),
        operations=base.operations,
        resources=base.resources,
        precedences=base.precedences,
        flow_lines=(FlowLine(resources=tuple(r.id for r in base.resources)),),
        objective=Objective(terms=((Term.weighted_tardiness, 1),)),
    )


def _pfsp_sdst(lines: _Lines) -> Problem:
    """Setup block k, row i, column j: on machine k when job j follows job i. Each job is its
    own setup family, so the block is the machine's changeover matrix as it stands."""
    _, base = _flow_shop(lines, due=False)
    n, m = len(base.jobs), len(base.resources)
    resources = []
    for k in range(m):
        changeovers = []
        for i in range(n):
            _, row = lines.take(f"setup block of machine {k}, row of job {i}", n)
            changeovers += [Changeover(f"J{i}", f"J{j}", t) for j, t in enumerate(row) if t]
        resources.append(Resource(id=f"M{k}", changeovers=tuple(changeovers)))
    operations = tuple(
        Operation(o.id, o.job, tuple(Mode(d.resource, d.duration, o.job) for d in o.modes))
        for o in base.operations
    )
    return Problem(
        jobs=base.jobs,
        operations=operations,
        resources=tuple(resources),
        precedences=base.precedences,
        flow_lines=(FlowLine(resources=tuple(r.id for r in resources)),),
    )
