"""Frames from a watched folder and from ingested footage become sightings; a car standing past
the threshold raises an alert."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import av
import cv2
import pytest

from precinct.config import Settings
from precinct.core.access import SYSTEM
from precinct.core.db import Database
from precinct.demo.fleet import CarTruth, rear_frame
from precinct.demo.fleet_draw import Condition
from precinct.fleet import service
from precinct.fleet.sources import Camera, Sighter, keyframes, scan_footage, watch_once

from .helpers import CG1, operators_csv, vehicles_csv

pytestmark = pytest.mark.slow
CAR = CarTruth("鄂AD12345", CG1.replace("-", ""), "LFV00000000000001", "CG")


def _sighter(db: Database, tmp_path: Path) -> Sighter:
    with db.write() as session:
        service.import_operators(session, SYSTEM, operators_csv(tmp_path))
        service.import_vehicles(session, SYSTEM, vehicles_csv(tmp_path))
    settings = Settings(data_dir=tmp_path, fleet_stuck_after_s=300)
    return Sighter(db, settings, Camera("C07", 30.5, 114.16))


def test_watched_folder_reads_each_snapshot_once(sqlite_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    for i, (minute, condition) in enumerate([(0, Condition.DAY), (6, Condition.RAIN)]):
        path = folder / f"snap{i}.jpg"
        cv2.imwrite(str(path), rear_frame(CAR, condition, seed=i).drawn.frame)
        stamp = datetime(2024, 12, 15, 10, minute, tzinfo=UTC).timestamp()
        os.utime(path, (stamp, stamp))
    (folder / "broken.jpg").write_bytes(b"not a jpeg")
    sighter = _sighter(sqlite_db, tmp_path)
    ledger = tmp_path / "ledger.txt"
    watch_once(sighter, folder, ledger)
    report = sighter.report
    assert (report.frames, report.identified, len(report.alerts)) == (2, 2, 1)
    assert report.skipped == ["broken.jpg: not an image"]
    watch_once(sighter, folder, ledger)
    assert sighter.report.frames == 2
    with sqlite_db.write() as session:
        _, sightings = service.locate(session, SYSTEM, CG1)
    assert [s.seen_at.minute for s in sightings] == [6, 0]


def test_footage_keyframes_become_sightings(sqlite_db: Database, tmp_path: Path) -> None:
    clip = tmp_path / "c07.mp4"
    frame = cv2.cvtColor(rear_frame(CAR, Condition.NIGHT, seed=3).drawn.frame, cv2.COLOR_BGR2RGB)
    with av.open(str(clip), "w") as out:
        stream = out.add_stream("libx264", rate=5)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        stream.options = {"g": "10", "keyint_min": "10", "sc_threshold": "0", "preset": "ultrafast"}
        for _ in range(30):  # 6 s, a keyframe every 2 s
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    start = datetime(2024, 12, 15, 10, 0, tzinfo=UTC)
    assert [t.second for t, _ in keyframes(clip, start, 2.0)] == [0, 2, 4]
    sighter = _sighter(sqlite_db, tmp_path)
    scan_footage(sighter, clip, start, 4.0)
    assert (sighter.report.frames, sighter.report.identified) == (2, 2)
