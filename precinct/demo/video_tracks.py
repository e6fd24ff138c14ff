"""Synthetic index rows (cameras, footage, tracks with per-frame boxes) for tests, the search
benchmark and the browser tests: the search and trace work on these exactly as on scanned footage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from precinct.core.geo import LatLon
from precinct.registry.store import Camera, Place
from precinct.video.heading import calibration_from, compass_heading
from precinct.video.index import pack_boxes
from precinct.video.search import CLASSES, COLOURS
from precinct.video.store import Footage, Scan, VideoTrack

FPS = 25.0


@dataclass(frozen=True)
class FakeTrack:
    """What a test states about one track; everything else gets a plausible default."""

    camera: str
    start: datetime
    seconds: float = 4.0
    object_class: str = "person"
    colours: tuple[str, ...] = ("black",)
    direction_deg: float | None = 90.0  # image direction: 0 = up, 90 = right
    speed_m_s: float | None = 1.4
    feet: tuple[tuple[float, float], ...] = ((100.0, 400.0), (500.0, 400.0))  # first → last
    crop_sha256: str | None = None


@dataclass
class FakeIndex:
    """One footage file per camera, with `file` as its original path (for clips, if real)."""

    session: Session
    start: datetime
    hours: float = 1.0
    file: str = "/nonexistent.mp4"
    file_hours: float = 0.0  # split each camera's footage into files this long (0: one file)
    footage: dict[str, list[Footage]] = field(default_factory=dict)
    cameras: dict[str, Camera] = field(default_factory=dict)
    scans: dict[int, Scan] = field(default_factory=dict)  # by footage id
    numbers: dict[int, int] = field(default_factory=dict)

    def camera(self, code: str, at: LatLon, heading: float | None = None) -> Camera:
        place = Place(name=code, address=f"camera {code}", lat=at.lat, lon=at.lon)
        camera = Camera(code=code, name=f"路口 {code}", place=place, heading_deg=heading)
        self.session.add(camera)
        self.session.flush()
        return self.adopt(camera)

    def adopt(self, camera: Camera) -> Camera:
        """Give a registered camera its footage and scan, so tracks can be added on it."""
        self.cameras[camera.code] = camera
        step = self.file_hours or self.hours
        files = max(1, round(self.hours / step))
        self.footage[camera.code] = [self._file(camera, n, step) for n in range(files)]
        self.session.flush()
        for footage in self.footage[camera.code]:
            scan = Scan(footage_id=footage.id, engine="fake", active_s=0, decoded_frames=0)
            scan.tracks, scan.seconds = 0, 0.0
            self.session.add(scan)
            self.session.flush()
            self.scans[footage.id], self.numbers[footage.id] = scan, 0
        return camera

    def _file(self, camera: Camera, n: int, hours: float) -> Footage:
        start = self.start + timedelta(hours=n * hours)
        footage = Footage(
            sha256=f"{camera.code}-{n}".rjust(64, "0"),
            original_path=self.file
            if self.file != "/nonexistent.mp4"
            else f"/fake/{camera.code}-{n}.mp4",
            size_bytes=1,
            camera_id=camera.id,
            start_at=start,
            end_at=start + timedelta(hours=hours),
            codec="h264",
            width=1280,
            height=720,
            fps=FPS,
            duration_s=hours * 3600,
            keyframe_interval=50,
        )
        self.session.add(footage)
        return footage

    def track(self, spec: FakeTrack) -> VideoTrack:
        footage = next(
            (f for f in self.footage[spec.camera] if f.start_at <= spec.start < f.end_at),
            self.footage[spec.camera][-1],
        )
        self.numbers[footage.id] += 1
        start_t = (spec.start - footage.start_at).total_seconds()
        camera = self.cameras[spec.camera]
        compass = compass_heading(
            spec.feet, calibration_from(camera.calibration), spec.direction_deg, camera.heading_deg
        )
        row = VideoTrack(
            footage_id=footage.id,
            scan_id=self.scans[footage.id].id,
            camera_id=footage.camera_id,
            track_no=self.numbers[footage.id],
            start_at=spec.start,
            end_at=spec.start + timedelta(seconds=spec.seconds),
            start_t=start_t,
            end_t=start_t + spec.seconds,
            frames=int(spec.seconds * FPS),
            object_class=spec.object_class,
            confidence=0.9,
            direction_deg=spec.direction_deg,
            compass_deg=compass,
            speed_px_s=40.0,
            speed_m_s=spec.speed_m_s,
            width_px=40.0,
            height_px=90.0,
            colours=",".join(spec.colours),
            path=[list(p) for p in spec.feet],
            crop_sha256=spec.crop_sha256,
            crop_frame=int((start_t + spec.seconds / 2) * FPS),
            boxes=pack_boxes(boxes_along(spec.feet, start_t, spec.seconds)),
        )
        self.session.add(row)
        return row


def boxes_along(
    feet: tuple[tuple[float, float], ...], start_t: float, seconds: float, step: int = 5
) -> np.ndarray:
    """Per-frame boxes (frame, x, y, w, h; every `step` frames) whose feet walk the polyline."""
    first = int(start_t * FPS)
    frames = np.arange(first, first + max(int(seconds * FPS), 2), step)
    pts = np.asarray(feet, dtype=np.float64)
    legs = np.linspace(0, len(pts) - 1, len(frames))
    i = np.minimum(legs.astype(int), len(pts) - 2)
    frac = (legs - i)[:, None]
    at = pts[i] * (1 - frac) + pts[i + 1] * frac
    w, h = 40.0, 90.0
    return np.column_stack(
        [frames, at[:, 0] - w / 2, at[:, 1] - h, np.full(len(frames), w), np.full(len(frames), h)]
    ).astype(np.float32)


def random_tracks(index: FakeIndex, codes: list[str], count: int, seed: int = 1) -> None:
    """`count` random tracks spread over the cameras and the index's hours (benchmarks)."""
    rng = random.Random(seed)
    span = index.hours * 3600
    for n in range(count):
        cls = rng.choice(CLASSES)
        spec = FakeTrack(
            camera=rng.choice(codes),
            start=index.start + timedelta(seconds=rng.uniform(0, span - 30)),
            seconds=rng.uniform(0.5, 25),
            object_class=cls,
            colours=tuple(rng.sample(COLOURS, rng.randint(1, 3))),
            direction_deg=rng.uniform(0, 360),
            speed_m_s=rng.uniform(0.5, 15),
            feet=(
                (rng.uniform(0, 1280), rng.uniform(300, 720)),
                (rng.uniform(0, 1280), rng.uniform(300, 720)),
            ),
        )
        index.track(spec)
        if n % 5000 == 4999:
            index.session.flush()
