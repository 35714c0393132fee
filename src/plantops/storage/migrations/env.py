"""Alembic environment: the engine comes from plantops.storage.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context

from plantops.storage.registry import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    context.run_migrations()
