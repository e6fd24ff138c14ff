from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from precinct.core import migrate
from precinct.core.db import Database
from precinct.schema import metadata


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_database_is_at_head_and_upgrade_is_idempotent(db: Database) -> None:
    assert migrate.current_revision(db) == migrate.head_revision()
    before, after = migrate.upgrade(db)
    assert before == after == migrate.head_revision()


def test_upgrade_brings_an_empty_sqlite_database_up_to_date(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    assert migrate.current_revision(db) is None
    before, after = migrate.upgrade(db)
    assert (before, after) == (None, migrate.head_revision())
    assert {"persons", "cases", "audit_log", "users"} <= set(inspect(db.engine).get_table_names())
    db.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
