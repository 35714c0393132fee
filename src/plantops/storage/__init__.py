"""Storage: engine, sessions, the declarative base and migrations. The only place for SQL."""
