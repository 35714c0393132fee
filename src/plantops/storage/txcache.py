"""What one transaction has already read, kept for the rest of it: the floor's services lock
what they decide on (an order, a balance) until the transaction ends, so what they hold in
memory is what the database holds, and a batch of 1,000 events need not read it again.
Gone with the transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

KEY = "plantops.txcache"


def of(session: Session, name: str) -> dict[Any, Any]:
    """This transaction's cache called `name` (empty when the transaction is new)."""
    root = session.get_transaction()
    held = session.info.get(KEY)
    if held is None or held[0] is not root:
        held = (root, {})
        session.info[KEY] = held
    caches: dict[str, dict[Any, Any]] = held[1]
    return caches.setdefault(name, {})
