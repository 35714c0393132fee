"""Finite-capacity scheduling: a pure engine over our own problem and schedule types.

No solver, database or web type crosses this package's boundary (DESIGN.md rule 1)."""
