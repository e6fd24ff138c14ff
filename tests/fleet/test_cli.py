"""`precinct fleet`: import (errors on stderr, nothing written), read with --json, locate."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest
from typer.testing import CliRunner

from precinct.cli import app
from precinct.demo.fleet import CarTruth, rear_frame
from precinct.demo.fleet_draw import Condition

from .helpers import CG1, operators_csv, vehicles_csv, write

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("data_dir")  # every test: a fresh data folder


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_import_errors_go_to_stderr(tmp_path: Path) -> None:
    assert (
        runner.invoke(app, ["fleet", "import-operators", str(operators_csv(tmp_path))]).exit_code
        == 0
    )
    bad = write(
        tmp_path,
        "v.csv",
        "plate,fleet_number,vin,model,colour,operator\n鄂A·I2345,CG-0001-X,V,M,白,CG\n",
    )
    result = runner.invoke(app, ["fleet", "import-vehicles", str(bad)])
    assert result.exit_code == 1
    assert "v.csv:2:plate" in result.stderr and "v.csv:2:fleet_number" in result.stderr
    assert "nothing was imported" in result.stderr


@pytest.mark.slow
def test_read_matches_and_locate_finds_nothing_yet(tmp_path: Path) -> None:
    runner.invoke(app, ["fleet", "import-operators", str(operators_csv(tmp_path))])
    imported = runner.invoke(
        app, ["fleet", "import-vehicles", str(vehicles_csv(tmp_path)), "--json"]
    )
    assert _lines(imported.stdout)[0]["created"] == 3
    car = CarTruth("鄂AD12345", CG1.replace("-", ""), "LFV00000000000001", "CG")
    image = tmp_path / "rear.png"
    cv2.imwrite(str(image), rear_frame(car, Condition.ANGLE, seed=2).drawn.frame)
    result = runner.invoke(app, ["fleet", "read", str(image), "--json"])
    assert result.exit_code == 0, result.output
    record = _lines(result.stdout)[0]
    assert record["match"]["matched"] == "鄂AD12345"
    assert {("plate", "鄂A·D12345"), ("fleet", CG1)} <= {
        (f["kind"], f["text"]) for f in record["found"]
    }
    text = runner.invoke(app, ["fleet", "read", str(image)])
    assert "match  鄂AD12345" in text.stdout
    located = runner.invoke(app, ["fleet", "locate", CG1])
    assert located.exit_code == 0 and "never seen" in located.stderr
    assert runner.invoke(app, ["fleet", "locate", "鄂A·B00000"]).exit_code == 1
