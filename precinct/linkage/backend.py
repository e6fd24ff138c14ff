"""Where Splink runs: the one place the backend is chosen.

``duckdb`` (the default) is embedded, in process, with its threads and memory bounded.
``spark`` is the scale-out path behind the same service call: Splink's SparkAPI with the
string-similarity UDFs (Jaro-Winkler, Damerau-Levenshtein) from the jar that ships inside
splink.  Run under ``spark-submit`` (or any process with an active SparkSession, e.g. on a
cluster's driver), Precinct uses that session, which must have the jar on ``spark.jars``;
otherwise it starts one local session (``local[threads]``, the driver heap bounded by
``memory_limit``, quiet logs) and keeps it for the life of the process.  pyspark comes with
``pip install 'precinct[spark]'`` (``make install`` installs it) and needs a Java 17 runtime.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import duckdb
import pandas as pd
from splink import DuckDBAPI
from splink.internals.database_api import DatabaseAPISubClass

BACKENDS: Final = ("duckdb", "spark")
DEFAULT: Final = "duckdb"
#: Log4j 2 settings for a local Spark driver: errors only (no start-up chatter).
LOG4J: Final = Path(__file__).with_name("spark-log4j2.properties")


class BackendError(ValueError):
    """The backend asked for is unknown or cannot run here."""


@dataclass(frozen=True)
class Engine:
    backend: str = DEFAULT
    threads: int = 0  # DuckDB threads, or a local Spark's cores; 0: every core
    memory_limit: str = "6GB"  # DuckDB spills to disk above this; a local Spark driver's heap


DUCKDB: Final = Engine()


def check(backend: str) -> str:
    """The backend's name if it can run here, else BackendError saying why."""
    if backend not in BACKENDS:
        raise BackendError(f"backend {backend!r}: unknown (choose one of {', '.join(BACKENDS)})")
    if backend == "spark" and importlib.util.find_spec("pyspark") is None:
        raise BackendError(
            "backend 'spark': pyspark is not installed (`pip install 'precinct[spark]'`, "
            "which `make install` does, and a Java 17 runtime; or use --backend duckdb)"
        )
    if backend == "spark" and shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        raise BackendError(
            "backend 'spark': no Java runtime (install default-jre-headless, "
            "which `make install` does as root; or use --backend duckdb)"
        )
    return backend


def db_api(engine: Engine = DUCKDB) -> DatabaseAPISubClass:
    """A Splink database API for the engine (validated first)."""
    if check(engine.backend) == "spark":
        return _spark_api(engine)
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": engine.memory_limit,
        "preserve_insertion_order": "false",
        "threads": str(engine.threads or os.cpu_count() or 1),
    }
    return DuckDBAPI(duckdb.connect(":memory:", config=config))


@contextmanager
def running(engine: Engine = DUCKDB) -> Iterator[DatabaseAPISubClass]:
    """A database API for one run; on Spark, its intermediate tables (written as Parquet to a
    checkpoint folder of their own) are deleted afterwards, the session is kept."""
    api = db_api(engine)
    if engine.backend != "spark":
        yield api
        return
    folder = tempfile.mkdtemp(prefix="precinct-splink-")
    api.spark.sparkContext.setCheckpointDir(folder)  # type: ignore[attr-defined]
    try:
        yield api
    finally:
        for view in api.spark.catalog.listTables():  # type: ignore[attr-defined]
            if view.isTemporary and view.name.startswith("__splink"):
                api.spark.catalog.dropTempView(view.name)  # type: ignore[attr-defined]
        shutil.rmtree(folder, ignore_errors=True)


def input_table(api: DatabaseAPISubClass, frame: pd.DataFrame, schema: str) -> Any:
    """The records as the backend takes them: the frame itself for DuckDB; for Spark a
    DataFrame with the declared ``schema`` (DDL), as types cannot be inferred from a column
    that is empty in every row."""
    if getattr(api, "spark", None) is None:
        return frame
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    return api.spark.createDataFrame(list(rows), schema)  # type: ignore[attr-defined]


def spark_session(engine: Engine) -> Any:
    """The active SparkSession, or a local one started for this process."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    cores = engine.threads or os.cpu_count() or 1
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no warning about the host's name
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("precinct-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", _jvm_size(engine.memory_limit))
        .config("spark.driver.extraJavaOptions", f"-Dlog4j.configurationFile=file:{LOG4J}")
        .config("spark.sql.shuffle.partitions", str(2 * cores))
        .config("spark.default.parallelism", str(2 * cores))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _jvm_size(limit: str) -> str:
    """'6GB' → '6g', '512MB' → '512m' (a JVM heap size)."""
    found = re.fullmatch(r"\s*(\d+)\s*([GgMm])[Bb]?\s*", limit)
    if found is None:
        raise BackendError(f"memory limit {limit!r}: expected e.g. 6GB or 512MB")
    return found[1] + found[2].lower()


def _spark_api(engine: Engine) -> DatabaseAPISubClass:
    from splink import SparkAPI

    session = spark_session(engine)
    partitions = int(session.conf.get("spark.sql.shuffle.partitions"))
    return SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=session,
        break_lineage_method="parquet",  # "persist" trips a Spark 3.5 cache bug on self-joins
        num_partitions_on_repartition=partitions,
    )
