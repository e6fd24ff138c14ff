"""Alembic environment: the URL comes from the caller (precinct.core.migrate) or settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from precinct.schema import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from precinct.config import get_settings
    from precinct.core.db import make_engine

    engine = make_engine(
        config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url
    )
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


run_online()
