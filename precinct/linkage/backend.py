"""Where Splink runs: the one place the backend is chosen.

``duckdb`` (the default) is embedded, in process, with its threads and memory bounded;
``spark`` is the scale-out path behind the same service call, available when pyspark is
installed (it is not a dependency of precinct: install it on the cluster's driver)."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Final

import duckdb
from splink import DuckDBAPI
from splink.internals.database_api import DatabaseAPISubClass

BACKENDS: Final = ("duckdb", "spark")
DEFAULT: Final = "duckdb"


class BackendError(ValueError):
    """The backend asked for is unknown or cannot run here."""


@dataclass(frozen=True)
class Engine:
    backend: str = DEFAULT
    threads: int = 0  # DuckDB threads; 0: every core
    memory_limit: str = "6GB"  # DuckDB spills to disk above this


DUCKDB: Final = Engine()


def check(backend: str) -> str:
    """The backend's name if it can run here, else BackendError saying why."""
    if backend not in BACKENDS:
        raise BackendError(f"backend {backend!r}: unknown (choose one of {', '.join(BACKENDS)})")
    if backend == "spark" and importlib.util.find_spec("pyspark") is None:
        raise BackendError(
            "backend 'spark': pyspark is not installed (it is not a dependency of precinct; "
            "`pip install pyspark` on the Spark driver, or use --backend duckdb)"
        )
    return backend


def db_api(engine: Engine = DUCKDB) -> DatabaseAPISubClass:
    """A Splink database API for the engine (validated first)."""
    if check(engine.backend) == "spark":
        return _spark_api()
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": engine.memory_limit,
        "preserve_insertion_order": "false",
        "threads": str(engine.threads or os.cpu_count() or 1),
    }
    return DuckDBAPI(duckdb.connect(":memory:", config=config))


def _spark_api() -> DatabaseAPISubClass:  # pragma: no cover - needs pyspark
    from pyspark.sql import SparkSession
    from splink import SparkAPI

    spark = SparkSession.builder.appName("precinct-linkage").getOrCreate()
    return SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
