from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from precinct.config import (
    DEFAULT_SECRET,
    InsecureSecretError,
    Settings,
    check_server_secret,
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(Settings.model_fields):
        monkeypatch.delenv(f"PRECINCT_{name.upper()}", raising=False)
    monkeypatch.delenv("PRECINCT_CONFIG_FILE", raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults_use_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.data_dir == (tmp_path / "data").resolve()
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'data'}/precinct.db"
    assert settings.default_language == "zh-CN"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRECINCT_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("PRECINCT_DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("PRECINCT_PORT", "9000")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"
    assert (settings.default_language, settings.port) == ("en", 9000)


def test_toml_file_and_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "precinct.toml").write_text('port = 8123\ndefault_language = "en"\n')
    assert Settings().port == 8123
    monkeypatch.setenv("PRECINCT_PORT", "8200")
    assert Settings().port == 8200 and Settings().default_language == "en"


def test_explicit_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text('secret_key = "from-the-file-0123456789"\n')
    monkeypatch.setenv("PRECINCT_CONFIG_FILE", str(path))
    assert Settings().secret_key == "from-the-file-0123456789"


def test_unknown_keys_and_bad_values_are_errors(tmp_path: Path) -> None:
    (tmp_path / "precinct.toml").write_text("prot = 8000\n")
    with pytest.raises(ValidationError, match="prot"):
        Settings()
    (tmp_path / "precinct.toml").write_text('default_language = "fr"\n')
    with pytest.raises(ValidationError, match="default_language"):
        Settings()


def test_server_refuses_default_secret_outside_demo_mode() -> None:
    with pytest.raises(InsecureSecretError):
        check_server_secret(Settings())
    check_server_secret(Settings(demo_mode=True))
    check_server_secret(Settings(secret_key="x" * 40))
    assert Settings().secret_key == DEFAULT_SECRET
