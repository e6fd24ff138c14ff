"""Use cases of clips: play a track's moment (cached under the data folder) and export clips;
both are audited. The original footage is only read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.video.clip import ClipRequest, cut
from precinct.video.clip_copy import copy_span
from precinct.video.index import box_weights, unpack_boxes
from precinct.video.store import VideoTrack

BEFORE_S = 3.0
AFTER_S = 1.0


class ClipError(ValueError):
    """The clip cannot be made (the original footage is missing or unreadable)."""


class ClipMode(StrEnum):
    """`exact`: re-encoded from the asked start, camera, time and boxes burned in.
    `copy`: the original packets from the keyframe at or before the start (fast, untouched)."""

    EXACT = "exact"
    COPY = "copy"


@dataclass(frozen=True)
class ClipResult:
    """What was written: frames (exact) or packets (copy), and the true span in the file."""

    mode: ClipMode
    frames: int
    start_t: float
    end_t: float
    file_start: datetime

    @property
    def keyframe_aligned(self) -> bool:
        return self.mode is ClipMode.COPY

    def facts(self) -> dict[str, Any]:
        """For a manifest: the mode and the clip's true start and end."""
        return {
            "clip_mode": self.mode.value,
            "keyframe_aligned": self.keyframe_aligned,
            "clip_start": (self.file_start + timedelta(seconds=self.start_t)).isoformat(),
            "clip_end": (self.file_start + timedelta(seconds=self.end_t)).isoformat(),
            "clip_start_offset_s": round(self.start_t, 3),
        }


def clip_request(track: VideoTrack, before_s: float = BEFORE_S) -> ClipRequest:
    footage = track.footage
    source = Path(footage.original_path)
    if not source.is_file():
        raise ClipError(f"original footage is missing: {source}")
    return ClipRequest(
        source=source,
        start_t=max(0.0, track.start_t - before_s),
        end_t=min(footage.duration_s, track.end_t + AFTER_S),
        file_start=footage.start_at,
        label=f"{track.camera.code}  track {track.track_no}",
        boxes=unpack_boxes(track.boxes),
        estimated=estimated_frames(track.boxes),
    )


def estimated_frames(stored: bytes) -> frozenset[int]:
    """The frames of stored boxes that the scan estimated rather than saw (weight < 1)."""
    frames = unpack_boxes(stored)[:, 0]
    return frozenset(int(f) for f, w in zip(frames, box_weights(stored), strict=True) if w < 1)


def _write(request: ClipRequest, tmp: Path, mode: ClipMode, fps: float) -> ClipResult:
    if mode is ClipMode.COPY:
        copied = copy_span(request.source, request.start_t, request.end_t, tmp)
        return ClipResult(mode, copied.packets, copied.start_t, copied.end_t, request.file_start)
    frames = cut(request, tmp, fps)
    return ClipResult(mode, frames, request.start_t, request.end_t, request.file_start)


def render_clip(track: VideoTrack, out: Path, mode: ClipMode = ClipMode.EXACT) -> ClipResult:
    """Cut the track's moment to `out` (written whole or not at all)."""
    request = clip_request(track)
    tmp = out.with_name(out.name + ".part.mp4")
    try:
        result = _write(request, tmp, mode, track.footage.fps)
    except Exception as exc:  # noqa: BLE001 - a damaged file is the user's problem to see
        tmp.unlink(missing_ok=True)
        raise ClipError(f"cannot cut {request.source.name}: {exc}") from exc
    if result.frames == 0:
        tmp.unlink(missing_ok=True)
        raise ClipError(f"no frames between {request.start_t:.1f} s and {request.end_t:.1f} s")
    tmp.replace(out)
    return result


def cached_clip_path(data_dir: Path, track: VideoTrack) -> Path:
    return data_dir / "clips" / f"{track.footage.sha256[:16]}-{track.track_no}.mp4"


def ensure_clip(track: VideoTrack, data_dir: Path) -> Path:
    """The track's clip for playing, made on first use and kept under the data folder."""
    out = cached_clip_path(data_dir, track)
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        render_clip(track, out)
    return out


def record_view(session: Session, actor: Actor, track_id: int) -> None:
    actor.require(Permission.CAMERA_VIEW)
    audit.append(
        session,
        audit.AuditEvent(actor.username, audit.AuditAction.VIEW, "video_clip", str(track_id)),
    )
