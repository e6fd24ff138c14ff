"""`precinct link`: dedupe any file standalone, load with one error list, judge and resolve."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from precinct.cli import app
from tests.linkage.helpers import HEADER, PEOPLE_MAPPING, crowd, typo, write_csv

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("data_dir")  # every test: a fresh data folder


def _files(tmp_path: Path) -> tuple[Path, Path]:
    mapping = tmp_path / "people.yaml"
    mapping.write_text(yaml.safe_dump(PEOPLE_MAPPING, allow_unicode=True), "utf-8")
    rows = [[n, idn, phone, f"新庙村{i}号"] for i, (n, idn, phone) in enumerate(crowd(150))]
    rows += [[rows[3][0], typo(rows[3][1]), rows[3][2], ""], [rows[1][0], rows[1][1], "", ""]]
    return write_csv(tmp_path / "people.csv", HEADER, rows), mapping


def test_dedupe_writes_every_row_with_its_person(tmp_path: Path) -> None:
    source, mapping = _files(tmp_path)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(
        app, ["link", "dedupe", str(source), "--mapping", str(mapping), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 152 and rows[0]["row"] == "2"
    person = {r["row"]: r["person_id"] for r in rows}
    assert person["5"] == person["152"] and person["3"] == person["153"]
    assert len(set(person.values())) == 150


def test_load_reports_every_bad_cell_and_loads_nothing(tmp_path: Path) -> None:
    _, mapping = _files(tmp_path)
    bad = write_csv(tmp_path / "bad.csv", HEADER, [["王伟", "123", "1", ""], ["", "", "", ""]])
    result = runner.invoke(app, ["link", "load", str(bad), "--mapping", str(mapping)])
    assert result.exit_code == 1
    assert "bad.csv:2:身份证号" in result.output and "bad.csv:2:电话" in result.output
    assert "nothing loaded" in result.output


def test_load_resolve_judge_and_person(tmp_path: Path) -> None:
    source, mapping = _files(tmp_path)
    assert (
        runner.invoke(app, ["link", "load", str(source), "--mapping", str(mapping)]).exit_code == 0
    )
    result = runner.invoke(app, ["link", "resolve", "--json"])
    assert result.exit_code == 0, result.output
    assert '"persons": 150' in result.output
    judged = runner.invoke(app, ["link", "judge", "people:5", "people:152", "--not-same"])
    assert judged.exit_code == 0, judged.output
    assert '"persons": 151' in runner.invoke(app, ["link", "resolve", "--json"]).output
    shown = runner.invoke(app, ["link", "person", "P-people:153", "--reason", "核查身份"])
    assert shown.exit_code == 0 and "people:3 " in shown.output
