"""Integration: a clip with known movers is ingested, scanned and exported; rescans do not
duplicate; a killed scan resumes without redoing finished files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from precinct.core.access import Actor
from precinct.core.db import Database
from precinct.video import index, service
from precinct.video.evaluate import Labelled, parse_mot, score
from precinct.video.scan import ScanConfig, Scanner
from precinct.video.store import Scan, VideoTrack
from precinct.video.types import Box

from .clips import encode_h264

FPS, WIDTH, HEIGHT = 25, 640, 360
START = datetime(2024, 12, 15, 2, 0, tzinfo=UTC)


def mover_boxes(kind: str, frames: int) -> dict[int, Box]:
    """Ground truth: a walker crossing left→right slowly, a car right→left fast."""
    if kind == "walker":
        first, last, w, h, y = 50, 50 + 10 * FPS, 18, 46, 200.0
        x0, x1 = 40.0, 600.0
    else:
        first, last, w, h, y = 400, 400 + 3 * FPS, 110, 44, 260.0
        x0, x1 = 600.0, -70.0
    boxes = {}
    for f in range(first, min(last, frames)):
        x = x0 + (x1 - x0) * (f - first) / (last - first)
        if 0 <= x and x + w <= WIDTH:
            boxes[f] = Box(x, y, w, h)
    return boxes


def make_clip(path: Path, seconds: int = 24, seed: int = 3) -> dict[str, dict[int, Box]]:
    rng = np.random.default_rng(seed)
    frames = seconds * FPS
    truth = {"walker": mover_boxes("walker", frames), "car": mover_boxes("car", frames)}
    base = rng.integers(20, 50, (HEIGHT, WIDTH)).astype(np.int16)
    noise = rng.normal(0, 4, (9, HEIGHT, WIDTH)).astype(np.int16)
    shades = {"walker": 170, "car": 210}

    def pictures() -> Iterator[np.ndarray]:
        for i in range(frames):
            grey = base + noise[i % len(noise)]
            for kind, boxes in truth.items():
                if i in boxes:
                    b = boxes[i]
                    grey[int(b.y) : int(b.y + b.h), int(b.x) : int(b.x + b.w)] = shades[kind]
            yield np.clip(grey, 0, 255).astype(np.uint8)

    options = {"g": "50", "keyint_min": "50", "sc_threshold": "0", "preset": "veryfast"}
    encode_h264(path, pictures(), options)
    return truth


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[int, Box]]]:
    path = tmp_path_factory.mktemp("scan") / "C01_20241215020000.mp4"
    return path, make_clip(path)


FAST = ScanConfig(person_detector=False)


def test_scanner_finds_each_mover_once(clip: tuple[Path, dict[str, dict[int, Box]]]) -> None:
    path, truth = clip
    outcome = Scanner(FAST).scan(path)
    assert outcome.active_s < outcome.duration_s * 0.9, "triage skipped nothing"
    found = [
        Labelled(
            i, str(t.summary.object_class), {int(r[0]): Box(*map(float, r[1:5])) for r in t.boxes}
        )
        for i, t in enumerate(outcome.tracks)
    ]
    truths = [Labelled(i, None, boxes) for i, boxes in enumerate(truth.values())]
    result = score(truths, found)
    assert result.recall == 1.0 and result.precision == 1.0
    by_speed = sorted(outcome.tracks, key=lambda t: t.summary.speed_px_s)
    walker, car = by_speed[0].summary, by_speed[-1].summary
    assert walker.direction_deg is not None and abs(walker.direction_deg - 90) < 15
    assert car.direction_deg is not None and abs(car.direction_deg - 270) < 15
    assert walker.speed_px_s == pytest.approx(56, rel=0.2)  # 560 px in 10 s
    assert all(t.crop_jpeg for t in outcome.tracks)


def ingest(db: Database, admin: Actor, path: Path) -> int:
    with db.write() as session:
        service.ingest(session, admin, [service.IngestItem(path, "C01", START)], create_camera=True)
    with db.read() as session:
        return service.list_footage(session, admin, None)[0].id


def run_scan(db: Database, admin: Actor, data: Path) -> index.ScanSummary:
    return index.scan_footage(db, admin, index.ScanRequest(data, FAST, workers=1))


def test_scan_stores_tracks_and_rescans_do_not_duplicate(
    db: Database, admin: Actor, tmp_path: Path, clip: tuple[Path, dict[str, dict[int, Box]]]
) -> None:
    footage_id = ingest(db, admin, clip[0])
    first = run_scan(db, admin, tmp_path)
    assert first.files == 1 and first.tracks >= 2
    again = run_scan(db, admin, tmp_path)
    assert again.files == 0 and again.skipped == 1
    with db.read() as session:
        assert session.scalar(select(func.count(VideoTrack.id))) == first.tracks
        tracks = index.footage_tracks(session, footage_id)
        assert tracks[0].start_at >= START
        crop = index.crop_path(tmp_path, tracks[0].crop_sha256 or "")
        assert crop.read_bytes()[:2] == b"\xff\xd8"
        mot = parse_mot(index.mot_lines(tracks))
    assert set(mot) == {t.track_no for t in tracks}


def test_changed_engine_replaces_the_tracks(
    db: Database, admin: Actor, tmp_path: Path, clip: tuple[Path, dict[str, dict[int, Box]]]
) -> None:
    ingest(db, admin, clip[0])
    run_scan(db, admin, tmp_path)
    other = ScanConfig(person_detector=False, width=320)
    index.scan_footage(db, admin, index.ScanRequest(tmp_path, other, workers=1))
    with db.read() as session:
        engines = list(session.scalars(select(Scan.engine)))
        scan_ids = set(session.scalars(select(VideoTrack.scan_id)))
    assert engines == [other.engine_id()] and len(scan_ids) == 1


@pytest.mark.slow
def test_killed_scan_resumes_without_redoing_finished_files(
    tmp_path: Path, clip: tuple[Path, dict[str, dict[int, Box]]]
) -> None:
    files = [clip[0]] + [tmp_path / f"C0{i}_x.mp4" for i in (2, 3, 4)]
    for seed, path in enumerate(files[1:], start=10):
        make_clip(path, seconds=30, seed=seed)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,camera,start\n"
        + "".join(f"{p},C0{i + 1},2024-12-15T02:0{i}:00+08:00\n" for i, p in enumerate(files))
    )
    env = {**os.environ, "PRECINCT_DATA_DIR": str(tmp_path / "data")}
    env.pop("PRECINCT_DATABASE_URL", None)
    cli = [sys.executable, "-m", "precinct.cli", "video"]
    cameras = tmp_path / "cameras.csv"
    cameras.write_text(
        "code,name,lat,lon\n" + "".join(f"C0{i},路口{i},30.5,114.1{i}\n" for i in range(1, 5)),
        encoding="utf-8",
    )
    root = [sys.executable, "-m", "precinct.cli"]
    subprocess.run([*root, "import", "cameras", str(cameras)], env=env, check=True)
    subprocess.run([*cli, "ingest", "--manifest", str(manifest)], env=env, check=True)
    db = Database(f"sqlite:///{tmp_path / 'data' / 'precinct.db'}")
    proc = subprocess.Popen(
        [*cli, "scan", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and _scans(db) < 1:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = _scans(db)
    assert 1 <= done_before < 4, "kill the scan while files remain"
    rerun = subprocess.run(
        [*cli, "scan", "--workers", "1", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f'"skipped": {done_before}' in rerun.stdout
    assert _scans(db) == 4
    db.dispose()


def _scans(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(Scan.id))) or 0


def test_parallel_workers_store_every_file(
    sqlite_db: Database, admin: Actor, tmp_path: Path, clip: tuple[Path, dict[str, dict[int, Box]]]
) -> None:
    second = tmp_path / "C02_20241215020000.mp4"
    make_clip(second, seconds=12, seed=5)
    with sqlite_db.write() as session:
        service.ingest(
            session,
            admin,
            [service.IngestItem(clip[0], "C01", START), service.IngestItem(second, "C02", START)],
            create_camera=True,
        )
    summary = index.scan_footage(sqlite_db, admin, index.ScanRequest(tmp_path, FAST, workers=2))
    assert summary.files == 2 and not summary.failed
    with sqlite_db.read() as session:
        assert session.scalar(select(func.count(Scan.id))) == 2
