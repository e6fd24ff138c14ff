"""Source mappings: broken mappings are refused, broken files fail whole with every error."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from precinct.core.access import Actor
from precinct.core.db import Database
from precinct.core.tabular import TableError
from precinct.linkage import service
from precinct.linkage.files import read_source
from precinct.linkage.mapping import MappingError, load_mapping, parse_mapping
from precinct.linkage.store import LinkRecord, LinkSource
from tests.linkage.helpers import HEADER, PEOPLE_MAPPING, id_of, mapping, write_csv

GOOD = id_of("420113", "1990-03-07", 1)


def test_mapping_reads_fields_and_fixed_types(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("source: s\nkind: rental\nfields:\n  name: 姓名\n  phone: 电话\n", "utf-8")
    spec = load_mapping(path)
    assert spec.field("phone") is not None and spec.field("phone").type == "phone"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"kind": "rental", "fields": {"name": "姓名"}}, "missing source"),
        (PEOPLE_MAPPING | {"kind": "tweets"}, "unknown kind"),
        (
            PEOPLE_MAPPING | {"fields": {"phone": {"column": "电话", "type": "name"}}},
            "must be of type phone",
        ),
        (PEOPLE_MAPPING | {"fields": {"x": {"column": "X", "type": "colour"}}}, "unknown type"),
        (PEOPLE_MAPPING | {"fields": {"x": {"colum": "X"}}}, "give a column"),
        ({"source": "t", "kind": "bike_trip", "fields": {"trip_id": "订单号"}}, "needs the fields"),
    ],
)
def test_broken_mappings_are_refused(doc: dict[str, object], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_mapping(doc)


def test_a_broken_file_lists_every_error_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        ["刘伟", GOOD, "13800138000", "新庙村47号"],
        ["", GOOD, "13800138000", ""],
        ["王芳", "4201", "12345", ""],
    ]
    with pytest.raises(TableError) as caught:
        read_source(write_csv(tmp_path / "p.csv", HEADER, rows), mapping())
    found = [(e.row, e.field) for e in caught.value.errors]
    assert found == [(3, "姓名"), (4, "身份证号"), (4, "电话")]


def test_a_missing_required_column_is_one_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", ["身份证号"], [[GOOD]])
    with pytest.raises(TableError, match="required column is missing"):
        read_source(path, mapping())


def test_records_keep_provenance_and_nothing_is_half_loaded(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "p.csv", HEADER, [["刘伟", GOOD, "13800138000", "新庙村47号"]])
    with db.write() as session:
        report = service.load_source(session, admin, mapping(), good)
    assert report.rows == 1
    bad = write_csv(tmp_path / "q.csv", HEADER, [["王芳", GOOD, "", ""], ["李", "x", "", ""]])
    with pytest.raises(TableError), db.write() as session:
        service.load_source(session, admin, mapping(), bad)
    with db.read() as session:
        record = session.scalars(select(LinkRecord)).one()
        assert (record.key, record.name, record.row) == ("people:2", "刘伟", 2)
        assert session.scalar(select(func.count(LinkSource.id))) == 1
