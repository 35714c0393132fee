"""Simulated terminals: the load generator of the reliability and load tests
(reference/reliability.md T13), against a running server over real HTTP.

The engine runs each site's open work for a simulated span at once (`prepare`). Each work
center then becomes a terminal of its own: its operator's token, its own connection. All
terminals together send their events at a steady `rate` per second, each event when its
turn comes and not before the events it follows: the ones before it on its terminal, and
the one before it of its order (the previous operation's last report, on another
terminal). Each is stamped with the sending moment, as a connected terminal stamps it, and
re-sent under the same idempotency key when no answer comes. UI users read beside them.
Every answer and how long it took is kept (`Measured`)."""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from plantops.access import tokens, users
from plantops.access.caller import SYSTEM
from plantops.access.models import User
from plantops.errors import ValidationFailed
from plantops.org.models import Site
from plantops.simulation.engine import simulate
from plantops.simulation.history import reasons_of
from plantops.simulation.live import live_floor
from plantops.simulation.model import Happening
from plantops.simulation.posting import Reasons, event
from plantops.simulation.rates_file import RatesBook
from plantops.storage.engine import unit_of_work

EVENTS = "/api/v1/events"
ATTEMPTS = 8  # sendings of one event before the terminal gives up on it
IDLE = 4.0  # s: a connection idle this long is opened afresh (servers close idle ones)


@dataclass(frozen=True)
class Posting:
    """One event a terminal is to send, `index`-th of the whole script (when it is due)."""

    index: int
    terminal: int  # work center id
    after: int | None  # the posting of another terminal it must follow (its order's last)
    body: Mapping[str, Any]  # the event but its occurred_at, stamped when it is sent


@dataclass(frozen=True)
class Prepared:
    postings: tuple[Posting, ...]
    terminals: Mapping[int, str]  # work center id -> its operator's token
    readers: tuple[tuple[str, tuple[str, ...]], ...]  # a UI user's token, the pages it reads
    orders: int  # open orders the script works on


def script(runs: Iterable[tuple[str, Sequence[Happening], Reasons]], seed: int) -> list[Posting]:
    """The sites' happenings as one script: merged by simulated time (a site's in its own
    order), each made an event keyed `load-<seed>-<site>-<n>`, each tied to the last
    happening of its order on another work center."""
    merged = sorted(
        ((h.at, rank, n, site, h, reasons)
         for rank, (site, happenings, reasons) in enumerate(runs)
         for n, h in enumerate(happenings)),
        key=lambda row: row[:3],
    )  # fmt: skip
    postings: list[Posting] = []
    last_of_order: dict[int, Posting] = {}
    for index, (_, _, n, site, h, reasons) in enumerate(merged):
        shown = event(h, datetime.now(UTC), f"load-{seed}-{site}-{n}", reasons)
        body = shown.model_dump(mode="json", exclude_none=True, exclude={"occurred_at"})
        before = last_of_order.get(h.job) if h.job is not None else None
        after = before.index if before is not None and before.terminal != h.station else None
        posting = Posting(index, h.station, after, body)
        postings.append(posting)
        if h.job is not None:
            last_of_order[h.job] = posting
    return postings


def prepare(
    factory: sessionmaker[Session], book: RatesBook, site_codes: Sequence[str] | None,
    days: float, seed: int, readers: int,
) -> Prepared:  # fmt: skip
    """Orders released where the floor has little open work, the script of `days` of
    simulated production at the sites (default: all), a token per terminal (operator
    `sim-terminal-<site>`) and per UI user (supervisor `sim-reader-<site>`), valid a day."""
    origin = datetime.now(UTC)
    with unit_of_work(factory) as session:
        sites = _sites(session, site_codes)
        runs, terminals, pages, orders = [], {}, [], 0
        for site in sites:
            floor = live_floor(session, site, origin, book, int(days * 86400), seed)
            run = simulate(floor, seed)
            runs.append((site.code, run.happenings, reasons_of(session, site)))
            operator = _account(session, f"sim-terminal-{site.code.lower()}", "operator", site)
            for station in floor.stations:
                _, token = tokens.create(session, SYSTEM, operator, f"terminal {station.id}", 1)
                terminals[station.id] = token
            supervisor = _account(session, f"sim-reader-{site.code.lower()}", "supervisor", site)
            pages.append((supervisor, tuple(_pages(site.id, [s.id for s in floor.stations]))))
            orders += len(floor.jobs)
        chosen = []
        for n in range(readers):  # the UI users spread over the sites
            supervisor, shown = pages[n % len(pages)]
            _, token = tokens.create(session, SYSTEM, supervisor, f"reader {n + 1}", 1)
            chosen.append((token, shown))
    return Prepared(tuple(script(runs, seed)), terminals, tuple(chosen), orders)


def _sites(session: Session, codes: Sequence[str] | None) -> list[Site]:
    found = list(session.scalars(select(Site).order_by(Site.code)))
    if codes:
        known = {s.code: s for s in found}
        missing = [c for c in codes if c not in known]
        if missing:
            raise ValidationFailed.field("site", f"no site {', '.join(missing)}")
        return [known[c] for c in codes]
    if not found:
        raise ValidationFailed.field("site", "the database has no site: load a plant first")
    return found


def _account(session: Session, username: str, role: str, site: Site) -> User:
    """The load's own account at a site (made as `plantops user add` makes one, audited);
    nobody signs in with it (its password is generated and forgotten), it only holds the
    terminals' and readers' tokens."""
    found = session.scalar(select(User).where(User.username == username))
    if found is not None:
        return found
    made, _ = users.add_user(
        session, SYSTEM, username, role=role, sites=[site.code],
        display_name=f"simulated {role}s of {site.code}",
    )  # fmt: skip
    return made


def _pages(site: int, centers: Sequence[int]) -> list[str]:
    """What a supervisor or planner looks at while the floor works."""
    return [
        f"/api/v1/floor/work_centers?site_id={site}",
        f"/api/v1/production_orders?site_id={site}&limit=50",
        f"/api/v1/events?site_id={site}&limit=50",
        *(f"/api/v1/work_centers/{c}/dispatch_list" for c in centers[:5]),
    ]


@dataclass
class Measured:
    """What the terminals and the UI users were answered. `answers`: each event's last
    answer (0: none at all); `retried`: sendings beyond each event's first."""

    answers: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)  # first sending to last answer
    retried: int = 0
    worst_lag_s: float = 0.0  # how far behind its turn an event was sent, at worst
    acknowledged: set[str] = field(default_factory=set)
    last_refusal: str = ""
    reads: Counter[int] = field(default_factory=Counter)
    read_latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def sent(self) -> int:
        return sum(self.answers.values())

    @property
    def refused(self) -> int:
        return sum(n for status, n in self.answers.items() if 400 <= status < 500)

    @property
    def failed(self) -> int:
        """Events the server could not take: a server error, or no answer."""
        return sum(n for status, n in self.answers.items() if status == 0 or status >= 500)

    def summary(self) -> dict[str, Any]:
        return {
            "events": self.sent, "seconds": round(self.seconds, 1),
            "events_per_second": round(self.sent / self.seconds, 1) if self.seconds else 0.0,
            "recorded": self.answers.get(201, 0), "refused": self.refused,
            "failed": self.failed, "retried": self.retried,
            "event_ms": percentiles(self.latencies_ms),
            "worst_lag_s": round(self.worst_lag_s, 2),
            "reads": sum(self.reads.values()),
            "reads_failed": sum(n for s, n in self.reads.items() if s != 200),
            "read_ms": percentiles(self.read_latencies_ms),
            "last_refusal": self.last_refusal,
        }  # fmt: skip


def percentiles(values: Sequence[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50": values[0] if values else 0.0, "p95": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "p99": round(cuts[98], 1)}


def check_server(base: str) -> None:
    """A PlantOps server answers at `base`, or the field `url` is refused saying why."""
    parts = urlsplit(base)
    if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/"):
        raise ValidationFailed.field("url", "an http://host:port address, without a path")
    try:
        status, _, _ = _Line(base, "", attempts=1).get("/api/v1/health")
    except ValueError as error:  # a port that is not a number
        raise ValidationFailed.field("url", str(error)) from None
    if status != 200:
        raise ValidationFailed.field("url", f"no PlantOps server answers at {base}")


def run(
    base: str, prepared: Prepared, rate: float, seconds: float | None = None,
    stop: threading.Event | None = None,
) -> Measured:  # fmt: skip
    """Send the script to the server at `base` (http://host:port), `rate` events per second
    over all terminals, until it is all sent, `seconds` have passed or `stop` is set; the
    UI users read meanwhile, each a page every 1-5 s."""
    stop = stop or threading.Event()
    measured = Measured()
    done = [threading.Event() for _ in prepared.postings]
    by_terminal: dict[int, list[Posting]] = {t: [] for t in prepared.terminals}
    for posting in prepared.postings:
        by_terminal[posting.terminal].append(posting)
    began = time.monotonic() + 0.5  # the threads are all waiting when the first is due
    terminals = [
        threading.Thread(
            target=_terminal, name=f"terminal-{t}", daemon=True,
            args=(base, prepared.terminals[t], queue, began, rate, done, stop, measured),
        )
        for t, queue in by_terminal.items() if queue
    ]  # fmt: skip
    readers = [
        threading.Thread(
            target=_reader, name=f"reader-{n}", daemon=True,
            args=(base, token, pages, random.Random(n), stop, measured),
        )
        for n, (token, pages) in enumerate(prepared.readers)
    ]  # fmt: skip
    for thread in (*terminals, *readers):
        thread.start()
    deadline = None if seconds is None else began + seconds
    for thread in terminals:
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    stop.set()
    for thread in (*terminals, *readers):
        thread.join(timeout=60)
    measured.seconds = time.monotonic() - began
    return measured


def _terminal(
    base: str, token: str, queue: list[Posting], began: float, rate: float,
    done: list[threading.Event], stop: threading.Event, measured: Measured,
) -> None:  # fmt: skip
    line = _Line(base, token)
    for posting in queue:
        due = began + posting.index / rate
        if stop.wait(max(0.0, due - time.monotonic())):
            return
        if posting.after is not None:
            while not done[posting.after].wait(0.25):
                if stop.is_set():
                    return
        sent = time.monotonic()
        body = dict(posting.body) | {"occurred_at": datetime.now(UTC).isoformat()}
        status, answer, sendings = line.post(EVENTS, body)
        answered = time.monotonic()
        with measured.lock:
            measured.answers[status] += 1
            measured.retried += sendings - 1
            measured.latencies_ms.append((answered - sent) * 1000)
            measured.worst_lag_s = max(measured.worst_lag_s, sent - due)
            if status == 201:
                measured.acknowledged.add(str(body["idempotency_key"]))
            elif 400 <= status < 500:
                measured.last_refusal = f"{body['kind']}: {answer[:300]}"
        done[posting.index].set()  # refused or not: what follows it is not held up forever
    line.close()


def _reader(
    base: str, token: str, pages: Sequence[str], chance: random.Random,
    stop: threading.Event, measured: Measured,
) -> None:  # fmt: skip
    line = _Line(base, token)
    while not stop.wait(chance.uniform(1.0, 5.0)):
        began = time.monotonic()
        status, _, _ = line.get(chance.choice(pages))
        with measured.lock:
            measured.reads[status] += 1
            measured.read_latencies_ms.append((time.monotonic() - began) * 1000)
    line.close()


class _Line:
    """A terminal's connection to the server: kept open between requests, opened again
    when idle too long or broken; a request without an answer (or with a server error)
    is sent again, the same body under the same key, after a growing pause."""

    def __init__(self, base: str, token: str, attempts: int = ATTEMPTS) -> None:
        parts = urlsplit(base)
        self.attempts = attempts
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.connection: http.client.HTTPConnection | None = None
        self.used = 0.0

    def post(self, path: str, body: Mapping[str, Any]) -> tuple[int, str, int]:
        return self._ask("POST", path, json.dumps(body).encode())

    def get(self, path: str) -> tuple[int, str, int]:
        return self._ask("GET", path, None)

    def _ask(self, method: str, path: str, payload: bytes | None) -> tuple[int, str, int]:
        status, text = 0, "no answer"
        for sending in range(1, self.attempts + 1):
            try:
                if self.connection is None or time.monotonic() - self.used > IDLE:
                    self.close()
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.connection.request(method, path, body=payload, headers=self.headers)
                response = self.connection.getresponse()
                status, text = response.status, response.read().decode(errors="replace")
                self.used = time.monotonic()
                if status < 500:
                    return status, text, sending
            except (OSError, http.client.HTTPException) as error:
                status, text = 0, f"no answer: {error}"
                self.close()
            if sending < self.attempts:
                time.sleep(min(5.0, 0.1 * 2**sending))
        return status, text, self.attempts

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
