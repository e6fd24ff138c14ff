"""The demo footage's spec and its exact ground truth, in memory and on disk.

On disk, beside the footage: ``manifest.csv`` (file, camera, start with +08:00: what
``precinct video ingest --manifest`` reads), ``ground_truth.json`` (every passer: id, camera,
class, enter/exit seconds from the start of its file, whether it is the suspect, its colours) and
``{code}.gt.txt`` in MOTChallenge format (frame 1-based, id, left, top, width, height, 1, -1, -1,
-1).  ``spec.json`` is written last and carries the spec's hash: a set is complete when it exists.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from precinct.demo.common import TZ
from precinct.demo.geography import camera_sites
from precinct.demo.video_plan import CameraPlan, Shot
from precinct.video.types import ObjectClass

#: The scene cameras, then the suspect's way west and south (C02 C08 C14 C20 C26), then C09,
#: which he does not pass.
DEFAULT_CAMERAS: Final = ("C04", "C03", "C02", "C08", "C14", "C20", "C26", "C09")
NIGHT_FOOTAGE_START: Final = datetime(2024, 12, 15, 1, 30, tzinfo=TZ)
RENDER_VERSION: Final = 1  # bump when the pictures change, to invalidate cached sets
MANIFEST, TRUTH, MARKER = "manifest.csv", "ground_truth.json", "spec.json"
CAMERA_CODES: Final = frozenset(site.code for site in camera_sites())


@dataclass(frozen=True)
class FootageSpec:
    seed: int = 20241215
    cameras: tuple[str, ...] = DEFAULT_CAMERAS
    start: datetime = NIGHT_FOOTAGE_START
    minutes: float = 10.0  # per camera, before `scale`
    scale: float = 1.0
    width: int = 960
    height: int = 540
    fps: int = 25
    gop: int = 50
    crf: int = 28

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("start must carry a time zone")
        if not self.cameras or len(set(self.cameras)) != len(self.cameras):
            raise ValueError("cameras must be a non-empty list of distinct codes")
        unknown = [code for code in self.cameras if code not in CAMERA_CODES]
        if unknown:
            raise ValueError(f"no such cameras in the demo district: {', '.join(unknown)}")
        if self.minutes * self.scale * 60 * self.fps < 1:
            raise ValueError("minutes × scale must give at least one frame")
        if self.width % 2 or self.height % 2 or min(self.width, self.height) < 64:
            raise ValueError("width and height must be even and at least 64")
        if self.fps <= 0 or self.gop <= 0 or not 0 <= self.crf <= 51:
            raise ValueError("fps and gop must be positive and crf within 0-51")

    @property
    def duration_s(self) -> float:
        return self.minutes * 60.0 * self.scale

    def shot(self, code: str) -> Shot:
        return Shot(self.seed, code, self.width, self.height, self.fps, self.duration_s)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"cameras": list(self.cameras), "start": self.start.isoformat()}

    def digest(self) -> str:
        text = json.dumps(self.as_dict() | {"version": RENDER_VERSION}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class FootageFile:
    camera: str
    file: str  # name inside the folder
    start: datetime
    frames: int
    window_offset_s: int  # seconds after the spec's start


@dataclass(frozen=True)
class PasserTruth:
    id: int  # unique within its camera (the MOT id)
    camera: str
    object_class: ObjectClass
    enter_t: float  # seconds from the start of the camera's file
    exit_t: float
    is_suspect: bool
    colour: str
    bike_colour: str
    boxes: tuple[tuple[int, int, int, int, int], ...] = field(
        repr=False
    )  # frame (1-based), l t w h


@dataclass(frozen=True)
class FootageTruth:
    spec: FootageSpec
    folder: Path
    files: tuple[FootageFile, ...]
    passers: tuple[PasserTruth, ...]

    def file_of(self, camera: str) -> FootageFile:
        return next(f for f in self.files if f.camera == camera)

    def when(self, passer: PasserTruth, t: float) -> datetime:
        return self.file_of(passer.camera).start + timedelta(seconds=t)

    def suspect_sightings(self) -> list[PasserTruth]:
        """The suspect's passages, in time order."""
        seen = [p for p in self.passers if p.is_suspect]
        return sorted(seen, key=lambda p: (self.when(p, p.enter_t), self.when(p, p.exit_t)))


def passers_of(plan: CameraPlan) -> list[PasserTruth]:
    fps, found = plan.shot.fps, []
    for number, t in enumerate(plan.tracks, start=1):
        frames = t.visible_frames
        boxes = tuple(
            (int(f) + 1, int(b[0]), int(b[1]), int(b[2]), int(b[3]))
            for f, b in zip(frames, t.boxes[frames - t.first], strict=True)
        )
        look = t.mover.look
        enter, leave = round(float(frames[0]) / fps, 2), round(float(frames[-1]) / fps, 2)
        found.append(PasserTruth(
            number, plan.shot.code, t.mover.kind, enter, leave, t.mover.is_suspect, look.colour,
            look.bike_colour, boxes,
        ))  # fmt: skip
    return found


# --------------------------------------------------------------------------------------------
# Manifest and ground truth on disk
# --------------------------------------------------------------------------------------------


def _passer_json(truth: FootageTruth, p: PasserTruth) -> dict[str, Any]:
    return {
        "id": p.id, "camera": p.camera, "file": truth.file_of(p.camera).file,
        "class": p.object_class.value, "enter_t": p.enter_t, "exit_t": p.exit_t,
        "frames": len(p.boxes), "is_suspect": p.is_suspect, "colour": p.colour,
        "bike_colour": p.bike_colour,
    }  # fmt: skip


def write_truth(truth: FootageTruth) -> None:
    """manifest.csv, ground_truth.json, {code}.gt.txt; spec.json last (the set is complete)."""
    folder = truth.folder
    with (folder / MANIFEST).open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["file", "camera", "start"])
        for f in truth.files:
            writer.writerow([f.file, f.camera, f.start.isoformat()])
    for f in truth.files:
        lines = [
            f"{frame},{p.id},{x},{y},{w},{h},1,-1,-1,-1\n"
            for p in truth.passers if p.camera == f.camera
            for frame, x, y, w, h in p.boxes
        ]  # fmt: skip
        (folder / f"{f.camera}.gt.txt").write_text("".join(sorted(lines, key=_mot_key)))
    files = [asdict(f) | {"start": f.start.isoformat()} for f in truth.files]
    data = {
        "spec": truth.spec.as_dict(),
        "files": files,
        "passers": [_passer_json(truth, p) for p in truth.passers],
        "suspect_sightings": [
            {"camera": p.camera, "class": p.object_class.value,
             "enter": truth.when(p, p.enter_t).isoformat(),
             "exit": truth.when(p, p.exit_t).isoformat()}
            for p in truth.suspect_sightings()
        ],
    }  # fmt: skip
    text = json.dumps(data, ensure_ascii=False, indent=1)
    (folder / TRUTH).write_text(text + "\n", encoding="utf-8")
    marker = {"spec_hash": truth.spec.digest(), "version": RENDER_VERSION}
    (folder / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")


def _mot_key(line: str) -> tuple[int, int]:
    frame, ident = line.split(",", 2)[:2]
    return int(frame), int(ident)


def _spec_from(data: dict[str, Any]) -> FootageSpec:
    fields = data | {
        "cameras": tuple(data["cameras"]),
        "start": datetime.fromisoformat(data["start"]),
    }
    return FootageSpec(**fields)


def _mot_boxes(path: Path) -> dict[int, list[tuple[int, int, int, int, int]]]:
    boxes: dict[int, list[tuple[int, int, int, int, int]]] = {}
    for line in path.read_text().splitlines():
        frame, ident, x, y, w, h = (int(v) for v in line.split(",")[:6])
        boxes.setdefault(ident, []).append((frame, x, y, w, h))
    return boxes


def load_truth(folder: Path) -> FootageTruth:
    """Read back a rendered set's ground truth (boxes from the MOT files)."""
    data = json.loads((folder / TRUTH).read_text(encoding="utf-8"))
    files = tuple(
        FootageFile(f["camera"], f["file"], datetime.fromisoformat(f["start"]), f["frames"],
                    f["window_offset_s"])
        for f in data["files"]
    )  # fmt: skip
    mot = {f.camera: _mot_boxes(folder / f"{f.camera}.gt.txt") for f in files}
    passers = tuple(
        PasserTruth(p["id"], p["camera"], ObjectClass(p["class"]), p["enter_t"], p["exit_t"],
                    p["is_suspect"], p["colour"], p["bike_colour"],
                    tuple(mot[p["camera"]].get(p["id"], [])))
        for p in data["passers"]
    )  # fmt: skip
    return FootageTruth(_spec_from(data["spec"]), folder, files, passers)


def is_complete(folder: Path, spec: FootageSpec) -> bool:
    """A finished set of this very spec (same hash) with all its files in place."""
    marker = folder / MARKER
    if not marker.is_file() or not (folder / TRUTH).is_file():
        return False
    if json.loads(marker.read_text(encoding="utf-8")).get("spec_hash") != spec.digest():
        return False
    files = json.loads((folder / TRUTH).read_text(encoding="utf-8"))["files"]
    return all((folder / f["file"]).is_file() for f in files)
