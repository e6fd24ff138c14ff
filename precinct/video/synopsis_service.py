"""Use case: render the synopsis of one camera's window — every track of the window re-timed
onto the empty scene without overlaps, each labelled with its real time — as an MP4 of at most
`max_s` seconds, with an index telling which track is shown when (audited)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.registry.store import Camera
from precinct.video.clip import CLIP_WIDTH, stamp, write_frames
from precinct.video.decode import frames_at, iter_frames
from precinct.video.index import unpack_boxes
from precinct.video.store import Footage, VideoTrack
from precinct.video.synopsis import STEP_S, Placement, Tube, pack, speed_factor, tube_of
from precinct.video.triage import Span
from precinct.video.types import Image

OUT_FPS = 10.0
MAX_S = 120.0
BACKGROUND_SAMPLES = 15


class SynopsisError(ValueError):
    """No synopsis can be made for this camera and window."""


@dataclass(frozen=True)
class SynopsisRequest:
    camera: str
    start: datetime
    end: datetime
    max_s: float = MAX_S


@dataclass
class Synopsis:
    path: Path
    seconds: float
    speed: float
    entries: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "seconds": round(self.seconds, 1),
            "speed": self.speed,
            "tracks": len(self.entries),
            "entries": self.entries,
        }


def _tracks(session: Session, req: SynopsisRequest) -> list[VideoTrack]:
    stmt = (
        select(VideoTrack)
        .join(Camera, VideoTrack.camera_id == Camera.id)
        .where(
            Camera.code == req.camera, VideoTrack.start_at < req.end, VideoTrack.end_at > req.start
        )
        .order_by(VideoTrack.start_at)
    )
    return list(session.scalars(stmt))


def _background(footage: Footage, scale: float) -> Image:
    """The empty scene: the median of frames spread over the file (moving things vanish)."""
    total = int(footage.duration_s * footage.fps)
    picks = np.linspace(0, max(total - 1, 0), BACKGROUND_SAMPLES).astype(int)
    frames = list(frames_at(Path(footage.original_path), picks.tolist()).values())
    if not frames:
        raise SynopsisError(f"{footage.original_path}: no frame could be decoded")
    median = np.median(np.stack(frames), axis=0).astype(np.uint8)
    size = (int(median.shape[1] / scale) // 2 * 2, int(median.shape[0] / scale) // 2 * 2)
    return np.asarray(cv2.resize(median, size, interpolation=cv2.INTER_AREA), np.uint8)


def _patches(
    track: VideoTrack, tube: Tube, speed: float
) -> dict[int, tuple[Image, tuple[int, ...]]]:
    """For each output frame of the tube, the pixels inside the box (reduced frame coordinates)."""
    path = Path(track.footage.original_path)
    span = Span(tube.start_t, tube.start_t + tube.steps * STEP_S)
    n_out = max(1, int(tube.steps * STEP_S / speed * OUT_FPS))
    wanted = {round(tube.start_t + k * speed / OUT_FPS, 3): k for k in range(n_out)}
    out: dict[int, tuple[Image, tuple[int, ...]]] = {}
    times = sorted(wanted)
    for frame in iter_frames(path, [span], width=CLIP_WIDTH):
        while times and times[0] <= frame.t + 0.5 / track.footage.fps:
            k = wanted[times.pop(0)]
            step = min(int((frame.t - tube.start_t) / STEP_S), tube.steps - 1)
            x, y, w, h = (int(v / frame.scale) for v in tube.boxes[max(step, 0)])
            x, y = max(x, 0), max(y, 0)
            out[k] = (frame.image[y : y + h, x : x + w].copy(), (x, y))
    return out


def _compose(background: Image, layers: list[tuple[Image, tuple[int, ...], str]]) -> Image:
    image = background.copy()
    for patch, (x, y), label in layers:
        h, w = patch.shape[:2]
        h, w = min(h, image.shape[0] - y), min(w, image.shape[1] - x)
        if h <= 0 or w <= 0:
            continue
        image[y : y + h, x : x + w] = patch[:h, :w]
        cv2.rectangle(image, (x, y), (x + w, y + h), (80, 220, 80), 1)
        cv2.putText(
            image, label, (x, max(y - 4, 12)), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1
        )
    return image


def render(session: Session, actor: Actor, req: SynopsisRequest, out: Path) -> Synopsis:
    """Build the synopsis and audit it (in the caller's write session)."""
    actor.require(Permission.CAMERA_VIEW)
    syn = build(session, req, out)
    record(session, actor, req, len(syn.entries))
    return syn


def build(session: Session, req: SynopsisRequest, out: Path) -> Synopsis:
    """Build the synopsis (reads only: may run in a read session)."""
    tracks = _tracks(session, req)
    if not tracks:
        raise SynopsisError(f"camera {req.camera}: no track between {req.start} and {req.end}")
    fps = tracks[0].footage.fps
    tubes = [tube_of(t.id, t.start_t, unpack_boxes(t.boxes), fps) for t in tracks]
    placements = pack(tubes)
    speed = speed_factor(placements, req.max_s)
    footage = tracks[0].footage
    scale = footage.width / CLIP_WIDTH
    background = _background(footage, scale)
    frames, entries = _frames(tracks, tubes, placements, speed, background)
    count = write_frames(frames, out, OUT_FPS)
    return Synopsis(out, count / OUT_FPS, round(speed, 2), entries)


def _frames(
    tracks: list[VideoTrack],
    tubes: list[Tube],
    placements: list[Placement],
    speed: float,
    background: Image,
) -> tuple[Iterator[Image], list[dict[str, Any]]]:
    by_id = {t.id: t for t in tracks}
    tube_of_id = {t.track_id: t for t in tubes}
    total = max(int(max(p.slot + p.steps for p in placements) * STEP_S / speed * OUT_FPS), 1)
    layers: list[list[tuple[Image, tuple[int, ...], str]]] = [[] for _ in range(total)]
    entries = []
    for p in placements:
        track = by_id[p.track_id]
        first = int(p.slot * STEP_S / speed * OUT_FPS)
        label = track.start_at.astimezone(_zone()).strftime("%H:%M:%S")
        for k, (patch, at) in _patches(track, tube_of_id[p.track_id], speed).items():
            if first + k < total:
                layers[first + k].append((patch, at, label))
        entries.append(_entry(track, tube_of_id[p.track_id], first, speed, background))
    return _composed(background, layers, speed), entries


def _entry(
    track: VideoTrack, tube: Tube, first: int, speed: float, background: Image
) -> dict[str, Any]:
    """Where and when the track is in the synopsis: its start second, the synopsis seconds
    per box, and its boxes in the synopsis' pixels (for clicking a figure)."""
    scale = track.footage.width / background.shape[1]
    boxes = [[round(float(v) / scale, 1) for v in box] for box in tube.boxes]
    return {
        "track_id": track.id,
        "at_s": round(first / OUT_FPS, 2),
        "step_s": round(STEP_S / speed, 4),
        "boxes": boxes,
        "real": track.start_at,
    }


def _composed(
    background: Image, layers: list[list[tuple[Image, tuple[int, ...], str]]], speed: float
) -> Iterator[Image]:
    """One output frame at a time (a night's synopsis does not fit in memory at once)."""
    for n, layer in enumerate(layers):
        image = _compose(background, layer)
        stamp(image, [f"SYNOPSIS x{speed:.1f}", f"{n / OUT_FPS:6.1f} s"])
        yield image


def _zone() -> Any:
    from precinct.core.tabular import SHANGHAI

    return SHANGHAI


def record(session: Session, actor: Actor, req: SynopsisRequest, tracks: int) -> None:
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.EXPORT,
            "video_synopsis",
            req.camera,
            detail={"start": req.start.isoformat(), "end": req.end.isoformat(), "tracks": tracks},
        ),
    )


def write_index(synopsis: Synopsis, path: Path) -> None:
    path.write_text(json.dumps(synopsis.as_dict(), ensure_ascii=False, default=str, indent=1))
