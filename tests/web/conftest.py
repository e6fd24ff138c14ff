from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from precinct.config import Settings
from precinct.core.auth import Role, add_user
from precinct.core.db import Database
from precinct.web.app import create_app

from ..conftest import fresh_sqlite

PASSWORD = "test-password-1"


@pytest.fixture(scope="session")
def users_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with one user per role (argon2 hashing is slow on purpose)."""
    folder = tmp_path_factory.mktemp("users")
    db = fresh_sqlite(sqlite_template, folder)
    with db.write() as session:
        for role in Role:
            add_user(session, role.value, PASSWORD, role)
    db.dispose()
    return folder / "precinct.db"


@pytest.fixture
def app_db(users_template: Path, tmp_path: Path) -> Iterator[Database]:
    db = fresh_sqlite(users_template, tmp_path)
    yield db
    db.dispose()


@pytest.fixture
def client(app_db: Database, tmp_path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=app_db.url, secret_key="t" * 40)
    with TestClient(create_app(settings, app_db), follow_redirects=False) as test_client:
        yield test_client


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
    )
    return response.status_code
