"""Group commit (storage.groups): who arrives while a group is written waits and is written
with the next group, each answered with its own result or its own refusal."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from plantops.storage.groups import Group
from tests.polling import until


class Held:
    """A write that waits until released, then answers each item or refuses odd ones."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.groups: list[list[int]] = []

    def __call__(self, items: Sequence[int]) -> list[int | Exception]:
        self.released.wait(20)
        self.groups.append(list(items))
        if -1 in items:
            raise RuntimeError("the database is gone")
        return [ValueError(f"odd {i}") if i % 2 else i * 10 for i in items]


def _submit_all(group: Group[int, int], items: list[int], write: Held) -> dict[int, object]:
    """Each item submitted from a thread of its own, the first leading (its write held
    until all the others wait): what each was answered."""
    answers: dict[int, object] = {}

    def submit(item: int) -> None:
        try:
            answers[item] = group.submit(item)
        except Exception as refused:  # what the request would answer
            answers[item] = refused

    threads = [threading.Thread(target=submit, args=(i,)) for i in items]
    threads[0].start()
    until(lambda: group.busy)
    for thread in threads[1:]:
        thread.start()
    until(lambda: group.waiting == len(items) - 1)
    write.released.set()
    for thread in threads:
        thread.join(20)
    return answers


def test_who_waits_is_written_in_the_next_group_each_with_its_own_answer() -> None:
    write = Held()
    group: Group[int, int] = Group(write, limit=3)
    answers = _submit_all(group, [2, 4, 5, 6, 8, 10], write)
    assert write.groups[0] == [2] and [len(g) for g in write.groups] == [1, 3, 2]
    assert sorted(i for g in write.groups for i in g) == [2, 4, 5, 6, 8, 10]
    assert {i: a for i, a in answers.items() if not isinstance(a, Exception)} == {
        2: 20, 4: 40, 6: 60, 8: 80, 10: 100,
    }  # fmt: skip
    assert str(answers[5]) == "odd 5"
    assert not group.busy and group.waiting == 0
    assert group.submit(12) == 120  # nobody writing: written at once, alone
    assert write.groups[-1] == [12]


def test_a_failed_write_refuses_its_whole_group_and_the_next_goes_on() -> None:
    write = Held()
    group: Group[int, int] = Group(write)
    answers = _submit_all(group, [2, -1, 4], write)
    assert answers[2] == 20
    assert all(isinstance(answers[i], RuntimeError) for i in (-1, 4))
    with pytest.raises(ValueError, match="odd 3"):
        group.submit(3)
    assert not group.busy
