"""Alembic environment: the engine comes from plantops.storage.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context

from plantops.storage.registry import Base

config = context.config
engine = config.attributes["engine"]
sqlite = engine.dialect.name == "sqlite"

with engine.connect() as connection:
    if sqlite:
        # SQLite alters a table by copying it: with foreign keys enforced, dropping the old
        # copy of a table other rows refer to fails. Off for the migration (outside any
        # transaction, or SQLite ignores it), every reference checked before it commits.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            if sqlite:  # pysqlite begins only before DML: DDL would commit step by step
                connection.exec_driver_sql("BEGIN")
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke references: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
