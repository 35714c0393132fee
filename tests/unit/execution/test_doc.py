"""docs/execution.md shows the lifecycles and event fields the code enforces."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantops.execution.checks import FIELDS, OPTIONAL
from plantops.execution.lifecycle import OPERATION_MOVES, ORDER_TRANSITIONS

DOC = Path(__file__).resolve().parents[3] / "docs" / "execution.md"


def _operation_moves() -> list[str]:
    rows = ["| status | event -> status |", "| --- | --- |"]
    for status, moves in OPERATION_MOVES.items():
        shown = ", ".join(f"{kind} -> {to}" for kind, to in sorted(moves.items()))
        rows.append(f"| {status} | {shown or '-'} |")
    return rows


def _order_transitions() -> list[str]:
    rows = ["| status | may become |", "| --- | --- |"]
    for status, targets in ORDER_TRANSITIONS.items():
        rows.append(f"| {status} | {', '.join(sorted(targets)) or '-'} |")
    return rows


def _event_fields() -> list[str]:
    rows = ["| kind | needs | takes |", "| --- | --- | --- |"]
    for kind, (needs, takes) in FIELDS.items():
        further = ", ".join(sorted((takes | OPTIONAL) - needs)) or "-"
        rows.append(f"| {kind} | {', '.join(sorted(needs))} | {further} |")
    return rows


@pytest.mark.parametrize(
    ("marker", "table"),
    [
        ("operation-moves", _operation_moves),
        ("order-transitions", _order_transitions),
        ("event-fields", _event_fields),
    ],
)
def test_the_documented_tables_are_the_enforced_ones(marker: str, table: object) -> None:
    text = DOC.read_text(encoding="utf-8")
    shown = text.split(f"<!-- {marker}:start -->\n")[1].split(f"<!-- {marker}:end -->")[0]
    assert callable(table)
    assert shown.strip().splitlines() == table()
