"""Splink's Spark backend, run for real on a local session: the same settings and comparisons
as DuckDB give the same persons and explanations, and judgements win on Spark too.

One local Spark session (2 cores, 1 GB heap) serves the whole module; pyspark and Java are
installed by `make install`, so under PRECINCT_REQUIRE_ALL=1 (make test, CI) a missing one is
an error, not a skip."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from precinct.core.access import Actor
from precinct.core.db import Database
from precinct.linkage import backend, service
from precinct.linkage.cluster import Edge, cluster
from precinct.linkage.resolve import ScoredPair, score
from precinct.linkage.store import LinkRecord
from tests.conftest import REQUIRE_ALL
from tests.linkage.helpers import HEADER, crowd, mapping, typo, write_csv
from tests.linkage.test_resolve import _pairs, _records

SPARK = backend.Engine("spark", threads=2, memory_limit="1GB")
# pyspark 3.5 compares pandas versions with distutils' LooseVersion.
pytestmark = pytest.mark.filterwarnings("ignore:distutils Version classes:DeprecationWarning")


@pytest.fixture(scope="module")
def spark() -> Iterator[backend.Engine]:
    missing = importlib.util.find_spec("pyspark") is None or shutil.which("java") is None
    if missing:
        if REQUIRE_ALL:
            pytest.fail("pyspark or java missing but PRECINCT_REQUIRE_ALL=1 (run make install)")
        pytest.skip("pyspark or java is not installed (make install installs both)")
    session = backend.spark_session(SPARK)
    yield SPARK
    session.stop()


def _levels(pair: ScoredPair) -> dict[str, str]:
    return {a.field: a.level for a in pair.agreements}


def test_spark_finds_the_same_persons_with_the_same_reasons(spark: backend.Engine) -> None:
    records, truth = _records(150)  # u sampling scores every pair: keep them few
    on_spark, on_duckdb = score(records, engine=spark), score(records)
    keys = [r.key for r in records]
    persons = cluster(keys, [Edge(p.left, p.right, p.probability) for p in on_spark])
    assert _pairs(persons) == _pairs(truth)  # type: ignore[arg-type]
    duck = {frozenset((p.left, p.right)): p for p in on_duckdb}
    assert {frozenset((p.left, p.right)) for p in on_spark} == set(duck)
    for pair in on_spark:  # the same levels, so the same explanation
        twin = duck[frozenset((pair.left, pair.right))]
        assert _levels(pair) == _levels(twin)
        assert pair.probability == pytest.approx(twin.probability, abs=0.01)
    typo_pair = next(p for p in on_spark if {p.left, p.right} == {"r:0", "x:0"})
    assert _levels(typo_pair)["id_number"] == "one typo, check character fails"  # custom SQL
    swapped = next(p for p in on_spark if {p.left, p.right} == {"r:1", "x:1"})
    assert _levels(swapped)["name"] == "family/given swapped"
    assert not [v.name for v in _spark_views() if v.name.startswith("__splink")]  # cleaned up


def _spark_views() -> list[object]:
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    assert active is not None
    return list(active.catalog.listTables())


def test_judgements_win_on_spark(
    spark: backend.Engine, sqlite_db: Database, admin: Actor, tmp_path: Path
) -> None:
    people = crowd(60, seed=5)
    rows = [[n, idn, ph, f"新庙村{i}号"] for i, (n, idn, ph) in enumerate(people)]
    rows.append([people[0][0], people[0][1], people[0][2], "新庙村0号"])  # person 0 again
    rows.append([people[1][0], typo(people[1][1]), people[1][2], ""])  # person 1, ID typo'd
    with sqlite_db.write() as session:
        service.load_source(session, admin, mapping(), write_csv(tmp_path / "p.csv", HEADER, rows))
        # Scores would merge rows 2 and 62 (person 0): a detective knows they are twins.
        service.judge(session, admin, ("people:2", "people:62"), same=False, note="twins")
        # Scores would keep rows 4 and 5 apart: an alias the analyst has proved.
        service.judge(session, admin, ("people:4", "people:5"), same=True, note="alias")
        report = service.resolve_persons(session, admin, engine=spark)
    assert report.judgements == 2
    person = _persons(sqlite_db)
    assert person["people:2"] != person["people:62"]
    assert person["people:4"] == person["people:5"]
    assert person["people:3"] == person["people:63"]  # the typo'd ID still merged, by Spark
    assert len(set(person.values())) == 60


def _persons(db: Database) -> dict[str, str]:
    with db.read() as session:
        rows = session.execute(select(LinkRecord.key, LinkRecord.person_key))
        return {key: person for key, person in rows}
