from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from precinct.cli import app
from precinct.demo.fraud import FraudSpec, generate, write_links, write_transfers, write_truth

runner = CliRunner()
HEADER = "from_account,to_account,time,amount\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "T.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_cells_are_named_by_row_and_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER + "A,B,2025-01-01T10:00:00,100\n"
        "A,,2025-01-01T10:00:00,100\nA,B,yesterday,100\nA,B,2025-01-02T10:00:00,-5\n",
    )
    result = runner.invoke(
        app, ["link", "rings", "--transfers", str(path), "--out", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 1
    assert "T.csv:3:to_account: empty" in result.stderr
    assert "T.csv:4:time: not a date and time" in result.stderr
    assert "T.csv:5:amount: not a positive amount" in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_missing_column_and_missing_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "from_account,to_account,amount\nA,B,1\n")
    result = runner.invoke(app, ["link", "trace", "--transfers", str(path), "--from", "A"])
    assert result.exit_code == 1 and "missing column(s): time" in result.stderr
    result = runner.invoke(
        app, ["link", "trace", "--transfers", str(tmp_path / "nope.csv"), "--from", "A"]
    )
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_trace_hand_made_chain_to_json_and_xlsx(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER + "V,M1,2025-01-01T10:00:00,10000\nM1,M2,2025-01-01T10:30:00,6000\n"
        "M1,M3,2025-01-01T10:40:00,4000\nM3,M4,2025-01-01T09:00:00,4000\n",
    )
    out = tmp_path / "freeze.xlsx"
    result = runner.invoke(
        app,
        [
            "link",
            "trace",
            "--transfers",
            str(path),
            "--from",
            "V",
            "--json",
            "--freeze-out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    freeze = {r["account"]: r["amount"] for r in rows if r["kind"] == "freeze"}
    assert freeze == {"M2": 6000.0, "M3": 4000.0}  # M3 → M4 happened before: not followed
    sheet = load_workbook(out).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["account", "bank", "amount", "last_seen", "hops"]
    assert sheet.max_row == 3


def test_rings_on_a_generated_set(tmp_path: Path) -> None:
    data = generate(FraudSpec(seed=11, persons=3000, rings=4))
    write_transfers(data, tmp_path / "T.csv")
    write_links(data, tmp_path / "L.csv")
    write_truth(data, tmp_path / "truth.csv")
    out = tmp_path / "rings.csv"
    result = runner.invoke(
        app,
        [
            "link",
            "rings",
            "--transfers",
            str(tmp_path / "T.csv"),
            "--links",
            str(tmp_path / "L.csv"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    found: dict[str, set[str]] = {}
    for line in out.read_text().splitlines()[1:]:
        account, ring, _, _ = line.split(",")
        found.setdefault(ring, set()).add(account)
    truth: dict[str, set[str]] = {}
    for line in (tmp_path / "truth.csv").read_text().splitlines()[1:]:
        account, ring = line.split(",")[:2]
        truth.setdefault(ring, set()).add(account)
    best = [max(len(m & f) / len(m | f) for f in found.values()) for m in truth.values()]
    assert sum(b >= 0.5 for b in best) >= len(best) - 1, best  # 90% of 61 on the bench
