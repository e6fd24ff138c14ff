"""Footage ingest on SQLite and PostgreSQL, and the `precinct video` commands."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from precinct.cli import app
from precinct.core.access import Actor
from precinct.core.audit import AuditEntry
from precinct.core.db import Database
from precinct.core.tabular import TableError
from precinct.registry.store import Camera, Place
from precinct.video import service
from precinct.video.service import IngestError, IngestItem
from precinct.video.store import Footage

from .clips import make_clip

T0 = datetime(2024, 12, 15, 2, 0, tzinfo=UTC)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_camera(db: Database, code: str = "CAM-01") -> None:
    with db.write() as session:
        session.add(Camera(code=code, name=code, place=Place(address="路口", lat=30.5, lon=114.2)))


def footage_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Footage)) or 0


def test_ingest_records_the_hash_and_never_changes_the_original(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    add_camera(db)
    clip = make_clip(tmp_path / "a.mp4")
    before = sha(clip)
    with db.write() as session:
        report = service.ingest(session, admin, [IngestItem(clip, "CAM-01", T0)])
    assert sha(clip) == before
    assert [a["sha256"] for a in report.added] == [before]
    with db.read() as session:
        footage = session.scalars(select(Footage)).one()
        assert footage.sha256 == before
        assert footage.size_bytes == clip.stat().st_size
        assert (footage.fps, footage.keyframe_interval, footage.damaged_at_s) == (25.0, 50, None)
        assert footage.start_at == T0
        assert footage.end_at == pytest.approx(
            T0 + timedelta(seconds=3), abs=timedelta(seconds=0.1)
        )
        actions = session.scalars(select(AuditEntry.action)).all()
    assert actions == ["import"]


def test_duplicate_by_hash_is_reported_not_added(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    add_camera(db)
    clip = make_clip(tmp_path / "a.mp4")
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(clip.read_bytes())
    with db.write() as session:
        service.ingest(session, admin, [IngestItem(clip, "CAM-01", T0)])
    with db.write() as session:
        later = T0 + timedelta(hours=1)
        report = service.ingest(session, admin, [IngestItem(copy, "CAM-01", later)])
    assert report.added == []
    assert [d["file"] for d in report.duplicates] == [str(copy)]
    assert footage_count(db) == 1


def test_overlapping_times_on_one_camera_are_warned_about(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    add_camera(db)
    first = make_clip(tmp_path / "first.mp4")
    second = make_clip(tmp_path / "second.mp4", shift=5)
    items = [
        IngestItem(first, "CAM-01", T0),
        IngestItem(second, "CAM-01", T0 + timedelta(seconds=1)),
    ]
    with db.write() as session:
        report = service.ingest(session, admin, items)
    assert len(report.added) == 2
    assert len(report.warnings) == 1
    assert "second.mp4" in report.warnings[0] and "first.mp4" in report.warnings[0]


def test_clock_offset_moves_the_start(db: Database, admin: Actor, tmp_path: Path) -> None:
    add_camera(db)
    clip = make_clip(tmp_path / "a.mp4")
    with db.write() as session:
        service.ingest(session, admin, [IngestItem(clip, "CAM-01", T0, clock_offset_s=90)])
    with db.read() as session:
        assert session.scalars(select(Footage)).one().start_at == T0 - timedelta(seconds=90)


def test_unknown_camera_is_an_error_unless_single_file_mode(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path / "a.mp4")
    with pytest.raises(IngestError, match="unknown camera 'NEW-9'"), db.write() as session:
        service.ingest(session, admin, [IngestItem(clip, "NEW-9", T0)])
    assert footage_count(db) == 0
    with db.write() as session:
        report = service.ingest(session, admin, [IngestItem(clip, "NEW-9", T0)], create_camera=True)
    assert report.cameras_created == ["NEW-9"]
    with db.read() as session:
        assert session.scalars(select(Footage)).one().camera.code == "NEW-9"


def test_a_bad_file_rejects_the_whole_batch(db: Database, admin: Actor, tmp_path: Path) -> None:
    add_camera(db)
    good = make_clip(tmp_path / "good.mp4")
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    items = [IngestItem(good, "CAM-01", T0), IngestItem(bad, "CAM-01", T0)]
    with pytest.raises(IngestError, match="bad.mp4"), db.write() as session:
        service.ingest(session, admin, items)
    assert footage_count(db) == 0


def write_manifest(folder: Path, rows: list[str]) -> Path:
    path = folder / "manifest.csv"
    path.write_text("file,camera,start,clock_offset_s\n" + "\n".join(rows) + "\n")
    return path


def test_manifest_resolves_relative_paths(tmp_path: Path) -> None:
    make_clip(tmp_path / "a.mp4")
    manifest = write_manifest(tmp_path, ["a.mp4,CAM-01,2024-12-15 02:00,1.5"])
    [item] = service.read_manifest(manifest)
    assert item.path == tmp_path / "a.mp4"
    assert item.start == datetime(2024, 12, 15, 2, 0, tzinfo=item.start.tzinfo)
    assert item.start.utcoffset() == timedelta(hours=8)
    assert item.clock_offset_s == 1.5


def test_manifest_with_a_missing_file_is_rejected_whole(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    add_camera(db)
    make_clip(tmp_path / "a.mp4")
    manifest = write_manifest(
        tmp_path, ["a.mp4,CAM-01,2024-12-15 02:00,", "gone.mp4,CAM-01,2024-12-15 03:00,"]
    )
    with pytest.raises(TableError) as caught:
        service.read_manifest(manifest)
    [error] = caught.value.errors
    assert (error.file, error.row, error.field) == ("manifest.csv", 3, "file")
    assert "gone.mp4" in error.message
    assert footage_count(db) == 0


# --- CLI -----------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_single_file_creates_the_camera_and_lists_it(data_dir: Path) -> None:
    clip = make_clip(data_dir / "night.mp4")
    args = [
        "video",
        "ingest",
        str(clip),
        "--camera",
        "CAM-X",
        "--start",
        "2024-12-15T02:00:00+08:00",
    ]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["cameras_created"] == ["CAM-X"] and len(record["added"]) == 1
    again = runner.invoke(app, [*args, "--json"])
    assert len(json.loads(again.stdout)["duplicates"]) == 1
    listed = runner.invoke(app, ["video", "list", "--camera", "CAM-X", "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["camera"] == "CAM-X" and row["sha256"] == sha(clip)


def test_cli_manifest_with_missing_file_fails_with_row_numbers(data_dir: Path) -> None:
    make_clip(data_dir / "a.mp4")
    manifest = write_manifest(
        data_dir, ["a.mp4,CAM-01,2024-12-15 02:00,", "gone.mp4,CAM-01,2024-12-15 03:00,"]
    )
    result = runner.invoke(app, ["video", "ingest", "--manifest", str(manifest)])
    assert result.exit_code == 1
    assert "manifest.csv:3:file" in result.stderr
    assert "nothing was ingested" in result.stderr


def test_cli_folder_without_manifest_needs_camera_and_start(data_dir: Path) -> None:
    make_clip(data_dir / "a.mp4")
    result = runner.invoke(app, ["video", "ingest", str(data_dir)])
    assert result.exit_code == 1
    assert "--camera" in result.stderr
