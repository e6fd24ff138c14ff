"""Footage ingest: probe, hash and register original video files (which are never modified).

A batch is all-or-nothing: every file is probed and hashed first; any error (unknown camera,
unreadable file) rejects the whole batch. Duplicates (same SHA-256) are reported, not re-added;
overlapping times on one camera are reported as warnings naming both files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.tabular import (
    Column,
    RowError,
    Schema,
    TableError,
    parse_datetime,
    parse_float,
    parse_table,
)
from precinct.registry.service import sha256_file
from precinct.registry.store import Camera, Place
from precinct.video import store
from precinct.video.probe import FootageError, FootageInfo, probe

VIDEO_SUFFIXES = (".mp4", ".mkv", ".avi", ".mov", ".ts")


class IngestError(Exception):
    """A batch was rejected whole; `errors` names each file and what is wrong."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class IngestItem:
    """One file to ingest: its camera, its start time (tz-aware) and the camera clock's offset.

    `clock_offset_s` is how far the camera's clock runs ahead of true time; it is subtracted.
    """

    path: Path
    camera: str
    start: datetime
    clock_offset_s: float = 0.0

    @property
    def true_start(self) -> datetime:
        return self.start - timedelta(seconds=self.clock_offset_s)


@dataclass
class IngestReport:
    added: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cameras_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "warnings": self.warnings,
            "cameras_created": self.cameras_created,
        }


@dataclass(frozen=True)
class _Probed:
    item: IngestItem
    sha256: str
    size: int
    info: FootageInfo


def ingest(
    session: Session, actor: Actor, files: list[IngestItem], create_camera: bool = False
) -> IngestReport:
    """Register every file, or none (IngestError lists every problem)."""
    actor.require(Permission.DATA_IMPORT)
    probed = _probe_all(session, files, create_camera)
    report = IngestReport()
    for entry in probed:
        _add_one(session, entry, report)
    audit.append(
        session,
        audit.AuditEvent(
            actor=actor.username,
            action=audit.AuditAction.IMPORT,
            subject_type="footage",
            detail={
                "added": [a["sha256"] for a in report.added],
                "duplicates": [d["sha256"] for d in report.duplicates],
                "warnings": report.warnings,
            },
        ),
    )
    return report


def _probe_all(session: Session, files: list[IngestItem], create_camera: bool) -> list[_Probed]:
    errors: list[str] = []
    probed: list[_Probed] = []
    for item in files:
        if item.start.tzinfo is None:
            errors.append(f"{item.path.name}: start time {item.start} has no time zone")
            continue
        if not create_camera and _camera(session, item.camera) is None:
            errors.append(f"{item.path.name}: unknown camera {item.camera!r}")
            continue
        try:
            info = probe(item.path)
        except FootageError as exc:
            errors.append(str(exc))
            continue
        probed.append(_Probed(item, sha256_file(item.path), item.path.stat().st_size, info))
    if errors:
        raise IngestError(errors)
    return probed


def _camera(session: Session, code: str) -> Camera | None:
    return session.scalar(select(Camera).where(Camera.code == code))


def _camera_or_create(session: Session, code: str, report: IngestReport) -> Camera:
    camera = _camera(session, code)
    if camera is None:
        place = Place(name=f"camera {code} (location unknown)", address="", lat=0.0, lon=0.0)
        camera = Camera(code=code, name=code, place=place)
        session.add(camera)
        session.flush()
        report.cameras_created.append(code)
    return camera


def _summary(entry: _Probed) -> dict[str, Any]:
    return {
        "file": str(entry.item.path),
        "sha256": entry.sha256,
        "camera": entry.item.camera,
        "duration_s": entry.info.duration_s,
        "damaged_at_s": entry.info.damage,
    }


def _add_one(session: Session, entry: _Probed, report: IngestReport) -> None:
    existing = store.by_sha256(session, entry.sha256)
    if existing is not None:
        report.duplicates.append(_summary(entry) | {"same_as": existing.original_path})
        return
    camera = _camera_or_create(session, entry.item.camera, report)
    start = entry.item.true_start
    end = start + timedelta(seconds=entry.info.duration_s)
    for other in store.overlapping(session, camera.id, start, end):
        report.warnings.append(
            f"{entry.item.path.name} overlaps {Path(other.original_path).name} "
            f"on camera {camera.code}"
        )
    session.add(_footage(entry, camera, start, end))
    session.flush()
    report.added.append(_summary(entry))


def _footage(entry: _Probed, camera: Camera, start: datetime, end: datetime) -> store.Footage:
    info = entry.info
    return store.Footage(
        sha256=entry.sha256,
        original_path=str(entry.item.path.resolve()),
        size_bytes=entry.size,
        camera_id=camera.id,
        start_at=start,
        end_at=end,
        codec=info.codec,
        width=info.width,
        height=info.height,
        fps=info.fps,
        duration_s=info.duration_s,
        keyframe_interval=info.keyframe_interval,
        damaged_at_s=info.damage,
    )


# --- manifests ---------------------------------------------------------------------------

MANIFEST_SCHEMA = Schema(
    columns=(
        Column("file", str, aliases=("文件",)),
        Column("camera", str, aliases=("camera_code", "点位编号")),
        Column("start", parse_datetime, aliases=("start_time", "开始时间")),
        Column("clock_offset_s", parse_float, required=False, aliases=("clock_offset",)),
    ),
    key=("file",),
)


def read_manifest(path: Path) -> list[IngestItem]:
    """Read a manifest (CSV/XLSX); relative paths are resolved against its folder.

    The whole manifest is rejected (TableError with row numbers) when any file is missing.
    """
    rows = parse_table(path, MANIFEST_SCHEMA)
    items: list[IngestItem] = []
    errors: list[RowError] = []
    for row in rows:
        file = Path(row.values["file"])
        file = file if file.is_absolute() else path.parent / file
        if not file.is_file():
            errors.append(RowError(path.name, row.row, "file", f"no such file: {file}"))
            continue
        offset = row.values["clock_offset_s"] or 0.0
        items.append(IngestItem(file, row.values["camera"], row.values["start"], offset))
    if errors:
        raise TableError(errors)
    return items


def video_files(paths: list[Path]) -> list[Path]:
    """The files given, with folders expanded to the video files inside them (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES)
        else:
            found.append(path)
    return found


def list_footage(session: Session, actor: Actor, camera: str | None = None) -> list[store.Footage]:
    actor.require(Permission.CAMERA_VIEW)
    return store.list_footage(session, camera)
