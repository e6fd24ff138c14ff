"""CLI tests: every command is reachable, errors go to stderr with a non-zero exit, --json works."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from precinct.cli import app
from precinct.core import migrate
from precinct.core.identifiers import ResidentId

runner = CliRunner()
ID1 = ResidentId.build("420113", date(1992, 3, 14), 131).value


@pytest.fixture(autouse=True)
def _fresh_data(data_dir: Path) -> Path:
    """Every CLI test here runs on a fresh data folder (the `data_dir` fixture)."""
    return data_dir


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "user", "import", "demo", "serve", "audit", "cases"):
        assert command in result.output


def test_db_upgrade_json() -> None:
    result = runner.invoke(app, ["db", "upgrade", "--json"])
    assert result.exit_code == 0, result.output
    record = json_lines(result.stdout)[0]
    assert record["to"] == migrate.head_revision()


def test_user_add_and_list() -> None:
    result = runner.invoke(
        app,
        [
            "user",
            "add",
            "zhouyu",
            "--role",
            "investigator",
            "--password",
            "long-enough-pw",
            "--name",
            "周钰",
        ],
    )
    assert result.exit_code == 0, result.output
    listed = json_lines(runner.invoke(app, ["user", "list", "--json"]).stdout)
    assert listed == [
        {"username": "zhouyu", "role": "investigator", "name": "周钰", "active": True}
    ]
    again = runner.invoke(
        app, ["user", "add", "zhouyu", "--role", "viewer", "--password", "long-enough-pw"]
    )
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_import_good_then_bad_file(tmp_path: Path) -> None:
    good = tmp_path / "persons.csv"
    good.write_text(f"id_number,name\n{ID1},刘强\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "persons", str(good), "--json"])
    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout)[0]["created"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("id_number,name\n420113199202301234,王五\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "persons", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv:2:id_number:" in result.stderr and "nothing was imported" in result.stderr
    assert result.stdout == ""


def test_import_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "cameras", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_audit_verify_reports_intact_chain(tmp_path: Path) -> None:
    good = tmp_path / "persons.csv"
    good.write_text(f"id_number,name\n{ID1},刘强\n", encoding="utf-8")
    runner.invoke(app, ["import", "persons", str(good)])
    result = runner.invoke(app, ["audit", "verify", "--json"])
    assert result.exit_code == 0
    assert json_lines(result.stdout)[0] == {
        "checked": 1,
        "broken_seq": None,
        "problem": "",
        "ok": True,
    }


def test_audit_verify_exits_1_on_a_broken_chain(tmp_path: Path, data_dir: Path) -> None:
    import sqlite3

    good = tmp_path / "persons.csv"
    good.write_text(f"id_number,name\n{ID1},刘强\n", encoding="utf-8")
    runner.invoke(app, ["import", "persons", str(good)])
    runner.invoke(app, ["import", "persons", str(good)])
    conn = sqlite3.connect(data_dir / "data" / "precinct.db")
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "broken at entry 2" in result.stdout


def test_serve_refuses_the_default_secret_outside_demo_mode() -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1 and "default secret key" in result.stderr


def test_cases_list_and_figures_json() -> None:
    assert runner.invoke(app, ["cases", "list", "--json"]).stdout == ""
    figures = json_lines(runner.invoke(app, ["cases", "figures", "--json"]).stdout)[0]
    assert figures["cases"] == 0 and figures["solve_rate"] is None
