"""Group commit: what concurrent requests each want written, written together in one
transaction. A request that finds nobody writing writes its own at once (no waiting for
company); the ones that arrive while a transaction is being written wait, and the first of
them writes all that waited in the next one. Under load a commit, its fsync and its
statements are shared instead of queued for one request at a time, so a burst drains."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Ticket(Generic[Item, Result]):
    __slots__ = ("error", "item", "result", "settled", "turn")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.result: Result | None = None
        self.error: BaseException | None = None
        self.settled = False
        self.turn = threading.Event()  # set: settled, or this one's request leads the next


class Group(Generic[Item, Result]):
    """`write(items)` answers each item, in order, with its result or with the exception
    that refused it alone; an exception it raises refuses all of that group's items."""

    def __init__(
        self, write: Callable[[Sequence[Item]], list[Result | Exception]], limit: int = 1000
    ) -> None:
        self._write, self._limit = write, limit
        self._lock = threading.Lock()
        self._waiting: list[_Ticket[Item, Result]] = []
        self._busy = False  # a request is writing a group

    @property
    def busy(self) -> bool:
        """A group is being written."""
        with self._lock:
            return self._busy

    @property
    def waiting(self) -> int:
        """Items waiting for the group being written to be done."""
        with self._lock:
            return len(self._waiting)

    def submit(self, item: Item) -> Result:
        """Written (with whatever waited alongside it): its result, or its exception raised."""
        ticket: _Ticket[Item, Result] = _Ticket(item)
        with self._lock:
            self._waiting.append(ticket)
            leads = not self._busy
            self._busy = True
        if not leads:
            ticket.turn.wait()
        if not ticket.settled:  # led: its own ticket is the first waiting
            self._lead()
        if ticket.error is not None:
            raise ticket.error
        return ticket.result  # type: ignore[return-value]  # settled without error: a Result

    def _lead(self) -> None:
        with self._lock:
            group = self._waiting[: self._limit]
            del self._waiting[: self._limit]
        try:
            results = self._write([t.item for t in group])
            if len(results) != len(group):
                raise AssertionError(f"{len(results)} results for {len(group)} items")
        except BaseException as failed:  # each request answers it
            results = [failed] * len(group)  # type: ignore[list-item]
        for ticket, result in zip(group, results, strict=True):
            if isinstance(result, BaseException):
                ticket.error = result
            else:
                ticket.result = result
            ticket.settled = True
            ticket.turn.set()
        with self._lock:  # hand over: the first that waited leads the next group
            if self._waiting:
                self._waiting[0].turn.set()
            else:
                self._busy = False
