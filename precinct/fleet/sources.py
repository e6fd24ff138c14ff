"""Where frames come from besides the upload API: a watched folder of camera snapshots, and
video footage already ingested (its keyframes). Each frame is read, the car identified, the
sighting recorded and the stuck check run; alerts are posted after the transaction commits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import numpy as np

from precinct.config import Settings
from precinct.core.db import Database
from precinct.fleet import incidents, service
from precinct.fleet.read import FrameReader, Image, evidence_jpeg, load_image
from precinct.fleet.store import Alert

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


@dataclass
class SourceReport:
    frames: int = 0
    identified: int = 0
    alerts: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Camera:
    code: str
    lat: float
    lon: float


@dataclass
class Sighter:
    """Reads frames of one camera into sightings and alerts."""

    db: Database
    settings: Settings
    camera: Camera
    reader: FrameReader = field(default_factory=FrameReader)
    report: SourceReport = field(default_factory=SourceReport)

    def frame(self, image: Image, at: datetime, source: str) -> None:
        reading = self.reader.read(image)
        self.report.frames += 1
        where = service.Where(self.camera.code, at, self.camera.lat, self.camera.lon, source)
        with self.db.write() as session:
            decision = service.identify(service.registry(session), [reading])
            crop = evidence_jpeg(image, reading)
            sighting, alert = incidents.observe(session, self.settings, decision, where, crop)
            alert_id = alert.id if alert is not None else None
        self.report.identified += sighting is not None
        if alert_id is not None:
            self.report.alerts.append(alert_id)
            with self.db.write() as session:
                incidents.notify(session, session.get_one(Alert, alert_id), self.settings)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def watch_once(sighter: Sighter, folder: Path, ledger: Path) -> None:
    """Every image in `folder` not read before (by SHA-256, kept in `ledger`), oldest first; the
    time of a snapshot is its file's modification time. Files are never modified."""
    done = set(ledger.read_text(encoding="utf-8").split()) if ledger.exists() else set()
    images = sorted(
        (p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES),
        key=lambda p: p.stat().st_mtime,
    )
    ledger.parent.mkdir(parents=True, exist_ok=True)
    for path in images:
        digest = _sha256(path)
        if digest in done:
            continue
        image = load_image(path)
        if image is None:
            sighter.report.skipped.append(f"{path.name}: not an image")
        else:
            at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            sighter.frame(image, at, "folder")
        with ledger.open("a", encoding="utf-8") as handle:
            handle.write(digest + "\n")
        done.add(digest)


def keyframes(path: Path, start: datetime, every_s: float) -> Iterator[tuple[datetime, Image]]:
    """Keyframes of a video, at least `every_s` apart, with their wall-clock times."""
    last = -every_s
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        for frame in container.decode(stream):
            if frame.time is None or frame.time - last < every_s:
                continue
            last = frame.time
            image = np.asarray(frame.to_ndarray(format="bgr24"), np.uint8)
            yield start + timedelta(seconds=frame.time), image


def scan_footage(sighter: Sighter, path: Path, start: datetime, every_s: float) -> None:
    for at, image in keyframes(path, start, every_s):
        sighter.frame(image, at, "footage")
