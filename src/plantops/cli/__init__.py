"""The `plantops` command: a thin adapter over the services."""
