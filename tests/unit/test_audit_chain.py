"""The audit trail's hash and CSV, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

from plantops.access.audit import GENESIS, chain_hash, to_csv
from plantops.access.models import AuditRecord


def _record(**changes: object) -> AuditRecord:
    fields: dict[str, object] = {
        "id": 1, "at": datetime(2030, 1, 7, 8, tzinfo=UTC), "user_id": 3, "username": "ann",
        "action": "update", "entity": "items", "record_id": 9, "site_id": 2,
        "old": '{"name":"a"}', "new": '{"name":"b"}', "reason": None, "previous_hash": GENESIS,
    }  # fmt: skip
    record = AuditRecord(**(fields | changes))
    record.hash = chain_hash(record)
    return record


def test_the_hash_covers_every_field_and_the_predecessor() -> None:
    base = _record()
    for change in (
        {"username": "mallory"}, {"new": '{"name":"c"}'}, {"site_id": 3}, {"id": 2},
        {"previous_hash": "1" * 64}, {"at": datetime(2030, 1, 7, 9, tzinfo=UTC)},
    ):  # fmt: skip
        assert _record(**change).hash != base.hash, change
    assert _record().hash == base.hash


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised() -> None:
    lines = "".join(to_csv([_record(reason='=HYPERLINK("http://x")')]))
    assert "'=HYPERLINK" in lines
    header = lines.splitlines()[0]
    assert header.startswith("id,at,username,action,entity,record_id,site_id,reason")
