"""Codes and the placeholder numbers that stand for them while a plant file is checked.

A key (table, site code, code) names a record, in the file or in the database. Each key gets one
placeholder number, which the create schemas accept as an id; once the records are written the
writer turns placeholders into real ids through the key."""

from __future__ import annotations

from typing import Any

from plantops.integration.existing import Existing, Key


def code_of(value: Any) -> str | None:
    """Codes are text; a spreadsheet or YAML may hand over 1001 for "1001"."""
    if type(value) is str:
        return value.strip() or None
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return None


class Codes:
    def __init__(self, existing: Existing) -> None:
        self.existing = existing
        self.numbers: dict[Key, int] = {}
        self.keys: list[Key] = [("", None, "")]  # placeholders start at 1, as ids do
        self.defined: dict[Key, int] = {}  # records of the file -> their row
        self.ids: dict[Key, int] = {}  # records of the database the file refers to -> id
        self._known: set[Key] = set()  # keys found in the file or the database

    def number(self, key: Key) -> int:
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.keys)
            self.keys.append(key)
        return number

    def nothing(self, table: str) -> int:
        """A placeholder that stands for no record (the value was no code at all)."""
        return self.number((table, None, f"\0{len(self.keys)}"))

    def resolves(self, key: Key) -> bool:
        """Whether the key names a record of the file (so far) or of the database."""
        if key in self._known:
            return True
        if key not in self.defined:
            ident = self.existing.id_of(key)
            if ident is None:
                return False
            self.ids[key] = ident
        self._known.add(key)
        return True

    def in_database(self, key: Key) -> bool:
        return self.existing.id_of(key) is not None
