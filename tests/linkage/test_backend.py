"""The Splink backend option: duckdb by default, spark when pyspark and Java are there (they
are installed by `make install`; tests/linkage/test_spark.py runs it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from splink import DuckDBAPI

from precinct.cli import app
from precinct.linkage import backend, resolve
from precinct.linkage.backend import BackendError, Engine, check, db_api
from tests.linkage.test_cli import _files, runner


def test_duckdb_is_the_default_and_bounded() -> None:
    api = db_api()
    assert isinstance(api, DuckDBAPI)
    threads = api._con.execute("SELECT current_setting('threads')").fetchone()
    assert threads is not None and int(threads[0]) >= 1
    two = db_api(Engine(threads=2, memory_limit="1GB"))
    assert two._con.execute("SELECT current_setting('threads')").fetchone() == (2,)  # type: ignore[attr-defined]


def test_an_unknown_backend_is_refused_naming_the_choices() -> None:
    with pytest.raises(BackendError, match="'oracle': unknown .*duckdb, spark"):
        check("oracle")


def test_spark_without_pyspark_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(BackendError, match="pyspark is not installed"):
        check("spark")
    with pytest.raises(BackendError, match="pyspark is not installed"):  # before any work
        resolve.score([resolve.PersonRecord("a:1", "张三")], engine=Engine("spark"))


def test_spark_is_accepted_when_pyspark_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(backend.shutil, "which", lambda name: "/usr/bin/java")
    assert check("spark") == "spark"


def test_spark_without_java_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(backend.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(BackendError, match="no Java runtime .*default-jre-headless"):
        check("spark")


def test_the_spark_driver_heap_is_read_from_the_memory_limit() -> None:
    assert backend._jvm_size("6GB") == "6g" and backend._jvm_size("512MB") == "512m"
    with pytest.raises(BackendError, match="'lots': expected e.g. 6GB"):
        backend._jvm_size("lots")


def test_the_cli_refuses_spark_without_pyspark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend.importlib.util, "find_spec", lambda name: None)
    source, mapping = _files(tmp_path)
    args = [
        "link",
        "dedupe",
        str(source),
        "--mapping",
        str(mapping),
        "--out",
        str(tmp_path / "o.csv"),
    ]
    result = runner.invoke(app, [*args, "--backend", "spark"])
    assert result.exit_code != 0
    assert "pyspark is not installed" in result.output
    assert not (tmp_path / "o.csv").exists()
    unknown = runner.invoke(app, [*args, "--backend", "oracle"])
    assert unknown.exit_code != 0 and "unknown" in unknown.output
