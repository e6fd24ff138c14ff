"""Shared fixtures: the same store/service tests run on SQLite and on PostgreSQL.

PostgreSQL tests use the server named by PRECINCT_TEST_POSTGRES_URL (`make test` starts a
throw-away cluster). Without it they are skipped, unless PRECINCT_REQUIRE_ALL=1 (as in
`make test` and CI), where a missing server is an error.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from precinct.config import get_settings
from precinct.core import migrate
from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.schema import metadata

PG_URL = os.environ.get("PRECINCT_TEST_POSTGRES_URL", "")
REQUIRE_ALL = os.environ.get("PRECINCT_REQUIRE_ALL") == "1"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[Database]:
    if not PG_URL:
        if REQUIRE_ALL:
            pytest.fail("PRECINCT_TEST_POSTGRES_URL is not set but PRECINCT_REQUIRE_ALL=1")
        pytest.skip("PostgreSQL not configured (set PRECINCT_TEST_POSTGRES_URL)")
    name = f"precinct_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    db = Database(url)
    migrate.upgrade(db)
    yield db
    db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(db: Database) -> None:
    tables = ", ".join(t.name for t in metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def fresh_sqlite(template: Path, folder: Path) -> Database:
    path = folder / "precinct.db"
    shutil.copyfile(template, path)
    return Database(f"sqlite:///{path}")


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, fully migrated database on each backend."""
    if request.param == "sqlite":
        database = fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
        yield database
        database.dispose()
        return
    database = request.getfixturevalue("postgres_database")
    _empty_postgres(database)
    yield database


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    database = fresh_sqlite(sqlite_template, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def admin() -> Actor:
    return Actor("admin", Role.ADMIN)


@pytest.fixture
def analyst() -> Actor:
    return Actor("analyst1", Role.ANALYST)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The CLI's settings point at a fresh data folder (SQLite inside it) under tmp_path, with no
    database URL, demo mode or secret key taken from the environment."""
    monkeypatch.setenv("PRECINCT_DATA_DIR", str(tmp_path / "data"))
    for name in ("PRECINCT_DATABASE_URL", "PRECINCT_DEMO_MODE", "PRECINCT_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
