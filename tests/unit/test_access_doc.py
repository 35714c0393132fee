"""docs/access.md shows the permission table the code enforces."""

from __future__ import annotations

from pathlib import Path

from plantops.access.roles import PERMISSIONS, Action, Domain, Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"


def _cell(actions: frozenset[Action]) -> str:
    if not actions:
        return "-"
    if actions == frozenset(Action):
        return "all"
    return ", ".join(a.value for a in Action if a in actions)


def test_the_documented_permissions_are_the_enforced_ones() -> None:
    lines = ["| role | " + " | ".join(d.value for d in Domain) + " |"]
    lines.append("| --- |" + " --- |" * len(Domain))
    for role in Role:
        cells = [_cell(PERMISSIONS[role].get(d, frozenset())) for d in Domain]
        lines.append(f"| {role.value} | " + " | ".join(cells) + " |")
    text = DOC.read_text(encoding="utf-8")
    shown = text.split("<!-- permissions:start -->\n")[1].split("<!-- permissions:end -->")[0]
    assert shown.strip().splitlines() == lines
