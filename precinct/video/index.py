"""Use cases of the footage index: scan footage in parallel (resumable), store tracks and crops,
export tracks for other tools.

Each file's tracks are written in one transaction when its scan finishes, so a killed scan
loses only the files in flight and a rerun skips every file already scanned by this engine.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.blobs import blob_path, save_blob
from precinct.core.db import Database
from precinct.video import decode
from precinct.video.evaluate import Labelled
from precinct.video.heading import calibration_from, compass_heading
from precinct.video.scan import (
    ScanConfig,
    ScannedTrack,
    Scanner,
    ScanOutcome,
    build_classifier,
)
from precinct.video.store import Footage, Scan, VideoTrack
from precinct.video.types import Box, Calibration

ProgressFn = Callable[[float, float, str], None]  # footage seconds done, total, last file


@dataclass(frozen=True)
class ScanJob:
    footage_id: int
    path: str
    calibration: Calibration | None
    duration_s: float


@dataclass
class ScanSummary:
    engine: str
    files: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    footage_s: float = 0.0
    active_s: float = 0.0
    tracks: int = 0
    wall_s: float = 0.0
    by_class: dict[str, int] = field(default_factory=dict)

    @property
    def footage_hours_per_minute(self) -> float:
        return (self.footage_s / 3600.0) / (self.wall_s / 60.0) if self.wall_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "files": self.files,
            "skipped": self.skipped,
            "failed": self.failed,
            "footage_hours": round(self.footage_s / 3600, 3),
            "active_share": round(self.active_s / self.footage_s, 3) if self.footage_s else 0,
            "tracks": self.tracks,
            "by_class": self.by_class,
            "wall_s": round(self.wall_s, 1),
            "footage_hours_per_minute": round(self.footage_hours_per_minute, 2),
        }


def calibration_of(footage: Footage) -> Calibration | None:
    return calibration_from(footage.camera.calibration)


def calibration_key(calibration: Calibration | None) -> str:
    """A short fingerprint of the calibration a scan used (classes, speeds depend on it)."""
    if calibration is None:
        return "none"
    text = json.dumps([calibration.homography, calibration.metres_per_pixel])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def pending_jobs(
    session: Session, engine: str, footage_ids: Iterable[int] | None = None
) -> tuple[list[ScanJob], int]:
    """Footage not yet scanned by this engine (resume), or scanned under a camera calibration
    that has changed since (its classes and speeds are read on the ground), and how many were
    already done. Scans stored before calibrations were fingerprinted count as done."""
    rows = session.execute(select(Scan.footage_id, Scan.detail).where(Scan.engine == engine))
    done: dict[int, dict[str, Any] | None] = {fid: detail for fid, detail in rows}
    stmt = select(Footage).order_by(Footage.id)
    if footage_ids is not None:
        stmt = stmt.where(Footage.id.in_(list(footage_ids)))
    footage = list(session.scalars(stmt))
    jobs = [
        ScanJob(f.id, f.original_path, calibration_of(f), f.duration_s)
        for f in footage
        if not _up_to_date(done, f)
    ]
    return jobs, len(footage) - len(jobs)


def _up_to_date(done: dict[int, dict[str, Any] | None], footage: Footage) -> bool:
    if footage.id not in done:
        return False
    used = (done[footage.id] or {}).get("calibration")
    return used is None or used == calibration_key(calibration_of(footage))


# --- workers -------------------------------------------------------------------------------

_scanner: Scanner | None = None


def _init_worker(config: ScanConfig, models_dir: Path) -> None:
    global _scanner
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import cv2

    cv2.setNumThreads(1)
    decode.THREADS = 1  # one worker per core already
    _scanner = Scanner(config, build_classifier(config, models_dir))


def _run_job(job: ScanJob) -> ScanOutcome:
    assert _scanner is not None, "worker not initialised"
    _scanner.calibration = job.calibration
    return _scanner.scan(Path(job.path))


# --- storing -------------------------------------------------------------------------------


def crop_path(data_dir: Path, sha256: str) -> Path:
    return blob_path(data_dir / "crops", sha256)


def save_crop(data_dir: Path, jpeg: bytes) -> str:
    """Content-addressed: the file name is the crop's SHA-256; identical crops share a file."""
    return save_blob(data_dir / "crops", jpeg)


def pack_boxes(boxes: NDArray[np.float32]) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, boxes.astype(np.float32), allow_pickle=False)
    return buffer.getvalue()


def unpack_boxes(data: bytes) -> NDArray[np.float32]:
    """Rows frame (0-based), left, top, width, height (see `box_weights` for the sixth)."""
    return _stored_boxes(data)[:, :5]


def box_weights(data: bytes) -> NDArray[np.float32]:
    """Per row: 1 where the box was observed, 0 where a sampled scan interpolated it (tracks
    stored before weights existed are all observed)."""
    boxes = _stored_boxes(data)
    if boxes.shape[1] < 6:
        return np.ones(len(boxes), np.float32)
    return boxes[:, 5]


def _stored_boxes(data: bytes) -> NDArray[np.float32]:
    boxes: NDArray[np.float32] = np.load(io.BytesIO(data), allow_pickle=False)
    return boxes.reshape(len(boxes), -1)


def _track_row(
    footage: Footage, scan_id: int, number: int, t: ScannedTrack, crop_sha: str | None
) -> VideoTrack:
    s = t.summary
    camera = footage.camera
    compass = compass_heading(s.path, calibration_of(footage), s.direction_deg, camera.heading_deg)
    return VideoTrack(
        footage_id=footage.id,
        scan_id=scan_id,
        camera_id=footage.camera_id,
        track_no=number,
        start_at=footage.start_at + timedelta(seconds=s.start_t),
        end_at=footage.start_at + timedelta(seconds=s.end_t),
        start_t=s.start_t,
        end_t=s.end_t,
        frames=s.frames,
        object_class=str(s.object_class),
        confidence=s.confidence,
        direction_deg=s.direction_deg,
        compass_deg=compass,
        speed_px_s=s.speed_px_s,
        speed_m_s=s.speed_m_s,
        width_px=s.mean_box.w,
        height_px=s.mean_box.h,
        colours=",".join(s.colours),
        path=[list(p) for p in s.path],
        crop_sha256=crop_sha,
        crop_frame=t.crop_frame,
        boxes=pack_boxes(t.boxes),
    )


def store_outcome(
    session: Session, data_dir: Path, engine: str, footage_id: int, outcome: ScanOutcome
) -> Scan:
    """Replace whatever an earlier engine stored for this footage with this scan's tracks."""
    footage = session.get_one(Footage, footage_id)
    session.execute(delete(VideoTrack).where(VideoTrack.footage_id == footage_id))
    session.execute(delete(Scan).where(Scan.footage_id == footage_id))
    scan = Scan(
        footage_id=footage_id,
        engine=engine,
        active_s=outcome.active_s,
        decoded_frames=outcome.decoded_frames,
        tracks=len(outcome.tracks),
        seconds=outcome.seconds,
        detail={
            "timings": outcome.timings,
            "calibration": calibration_key(calibration_of(footage)),
        },
    )
    session.add(scan)
    session.flush()
    for number, track in enumerate(outcome.tracks, start=1):
        sha = save_crop(data_dir, track.crop_jpeg) if track.crop_jpeg else None
        session.add(_track_row(footage, scan.id, number, track, sha))
    return scan


def _record(summary: ScanSummary, outcome: ScanOutcome) -> None:
    summary.files += 1
    summary.footage_s += outcome.duration_s
    summary.active_s += outcome.active_s
    summary.tracks += len(outcome.tracks)
    for track in outcome.tracks:
        key = str(track.summary.object_class)
        summary.by_class[key] = summary.by_class.get(key, 0) + 1


@dataclass(frozen=True)
class ScanRequest:
    data_dir: Path
    config: ScanConfig = field(default_factory=ScanConfig)
    workers: int = 0
    footage_ids: tuple[int, ...] | None = None


@dataclass
class _Run:
    """One `scan_footage` call: where results go and how far it has got."""

    db: Database
    request: ScanRequest
    summary: ScanSummary
    total_s: float
    progress: ProgressFn | None

    def collect(self, job: ScanJob, future: Future[ScanOutcome]) -> None:
        """Store one finished file (its own transaction), or record its failure."""
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            self.summary.failed.append(f"{Path(job.path).name}: {exc}")
            self.summary.footage_s += job.duration_s
        else:
            with self.db.write() as session:
                store_outcome(
                    session, self.request.data_dir, self.summary.engine, job.footage_id, outcome
                )
            _record(self.summary, outcome)
        if self.progress is not None:
            self.progress(self.summary.footage_s, self.total_s, Path(job.path).name)


def scan_footage(
    db: Database, actor: Actor, request: ScanRequest, progress: ProgressFn | None = None
) -> ScanSummary:
    """Scan every pending footage file with `workers` processes (default: all cores)."""
    actor.require(Permission.DATA_IMPORT)
    engine = request.config.engine_id()
    with db.read() as session:
        jobs, skipped = pending_jobs(session, engine, request.footage_ids)
    run = _Run(
        db,
        request,
        ScanSummary(engine=engine, skipped=skipped),
        sum(j.duration_s for j in jobs),
        progress,
    )
    started = time.perf_counter()
    workers = request.workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) == 1:
        _scan_here(run, jobs)
    elif jobs:
        _scan_in_pool(run, jobs, workers)
    run.summary.wall_s = time.perf_counter() - started
    with db.write() as session:
        audit.append(
            session,
            audit.AuditEvent(
                actor.username,
                audit.AuditAction.CREATE,
                "video_scan",
                engine,
                detail=run.summary.as_dict(),
            ),
        )
    return run.summary


def _scan_here(run: _Run, jobs: list[ScanJob]) -> None:
    config = run.request.config
    scanner = Scanner(config, build_classifier(config, run.request.data_dir / "models"))
    for job in jobs:
        scanner.calibration = job.calibration
        future: Future[ScanOutcome] = Future()
        try:
            future.set_result(scanner.scan(Path(job.path)))
        except Exception as exc:  # noqa: BLE001 - reported like a worker's failure
            future.set_exception(exc)
        run.collect(job, future)


def _scan_in_pool(run: _Run, jobs: list[ScanJob], workers: int) -> None:
    """Worker processes are started with `spawn`: forking a process that holds decoder,
    OpenCV and database threads can deadlock. Each worker loads the scanner and its detector
    once and keeps them for every file it is given; the longest files go first, so that no
    worker is left with a long file while the others have finished."""
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(run.request.config, run.request.data_dir / "models"),
    )
    with pool:
        longest_first = sorted(jobs, key=lambda job: -job.duration_s)
        running = {pool.submit(_run_job, job): job for job in longest_first}
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                run.collect(running.pop(future), future)


# --- export --------------------------------------------------------------------------------


def find_footage(session: Session, ref: str) -> Footage | None:
    """A footage by its id or by its original path."""
    if ref.isdigit():
        return session.get(Footage, int(ref))
    resolved = str(Path(ref).expanduser().resolve())
    return session.scalar(select(Footage).where(Footage.original_path.in_([ref, resolved])))


def footage_tracks(session: Session, footage_id: int) -> list[VideoTrack]:
    stmt = select(VideoTrack).where(VideoTrack.footage_id == footage_id)
    return list(session.scalars(stmt.order_by(VideoTrack.track_no)))


INTERPOLATED_CONF = 0.5
"""MOT rows of interpolated boxes carry this share of the track's confidence."""


def mot_lines(tracks: Iterable[VideoTrack]) -> list[str]:
    """MOTChallenge rows: frame (1-based), id, left, top, width, height, conf, -1, -1, -1;
    boxes a sampled scan interpolated between observed ones have half the track's conf."""
    rows: list[tuple[int, int, str]] = []
    for track in tracks:
        weights = box_weights(track.boxes)
        for (frame, x, y, w, h), weight in zip(unpack_boxes(track.boxes), weights, strict=True):
            conf = track.confidence * (1.0 if weight > 0 else INTERPOLATED_CONF)
            line = (
                f"{int(frame) + 1},{track.track_no},{x:.2f},{y:.2f},{w:.2f},{h:.2f},"
                f"{conf:.3f},-1,-1,-1"
            )
            rows.append((int(frame), track.track_no, line))
    return [line for _, _, line in sorted(rows)]


def labelled(track: VideoTrack) -> Labelled:
    """A stored track as `evaluate` scores it: its class and its boxes by 0-based frame."""
    boxes = {int(b[0]): Box(*map(float, b[1:])) for b in unpack_boxes(track.boxes)}
    return Labelled(track.id, track.object_class, boxes)


def track_json(track: VideoTrack) -> dict[str, Any]:
    return {
        "track": track.track_no,
        "class": track.object_class,
        "confidence": round(track.confidence, 3),
        "start_at": track.start_at.isoformat(),
        "end_at": track.end_at.isoformat(),
        "start_t": track.start_t,
        "end_t": track.end_t,
        "direction_deg": track.direction_deg,
        "speed_px_s": track.speed_px_s,
        "speed_m_s": track.speed_m_s,
        "colours": track.colours.split(",") if track.colours else [],
        "crop_sha256": track.crop_sha256,
        "boxes": [
            [int(f) + 1, float(x), float(y), float(w), float(h)]
            for f, x, y, w, h in unpack_boxes(track.boxes)
        ],
        "interpolated_frames": [
            int(row[0]) + 1
            for row, weight in zip(unpack_boxes(track.boxes), box_weights(track.boxes), strict=True)
            if weight <= 0
        ],
    }
