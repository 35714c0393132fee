"""Shop-floor execution: released orders, their operations, the event ledger, dispatch."""
