"""The docs list every setting and every CLI command (they are checked, so they stay true)."""

from __future__ import annotations

from pathlib import Path

import typer

from precinct.cli import app
from precinct.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def _command_paths(group: typer.Typer, prefix: str = "precinct") -> list[str]:
    paths = [f"{prefix} {c.name or c.callback.__name__}" for c in group.registered_commands]  # type: ignore[union-attr]
    for sub in group.registered_groups:
        paths += _command_paths(sub.typer_instance, f"{prefix} {sub.name}")  # type: ignore[arg-type]
    return paths


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in Settings.model_fields
        if f"PRECINCT_{name.upper()}" not in text or f"`{name}`" not in text
    ]
    assert missing == []


def test_every_cli_command_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = _command_paths(app)
    assert len(commands) >= 12
    assert [c for c in commands if f"`{c}" not in text] == []


def test_readme_quick_start_has_exactly_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in quick.splitlines() if line.strip().startswith("make ")]
    assert commands == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
