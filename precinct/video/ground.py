"""Figures of stored tracks that depend on their camera's calibration (compass heading, ground
speed), recomputed whenever a calibration or heading changes, so that search, trace and leads
never read figures of a calibration that is gone."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from precinct.registry.store import Camera
from precinct.video.features import speed_m_s
from precinct.video.heading import calibration_from, compass_heading
from precinct.video.index import unpack_boxes
from precinct.video.store import Footage, VideoTrack
from precinct.video.types import Box, Calibration, Track, TrackPoint

_BATCH = 2_000


def recompute_ground(session: Session, camera_ids: Iterable[int]) -> int:
    """Recompute the compass heading and the ground speed of every track at these cameras from
    the stored path and boxes, exactly as the scan computes them, reading each camera's tracks
    once. Returns the tracks updated."""
    ids = sorted(set(camera_ids))
    if not ids:
        return 0
    session.flush()
    cameras = session.scalars(select(Camera).where(Camera.id.in_(ids))).all()
    return sum(_recompute(session, camera) for camera in cameras)


def _recompute(session: Session, camera: Camera) -> int:
    calibration = calibration_from(camera.calibration)
    rows = session.execute(
        select(
            VideoTrack.id, VideoTrack.path, VideoTrack.direction_deg, VideoTrack.boxes, Footage.fps
        )
        .join(Footage, Footage.id == VideoTrack.footage_id)
        .where(VideoTrack.camera_id == camera.id)
    )
    values = [
        {
            "tid": tid,
            "compass": compass_heading(path, calibration, direction, camera.heading_deg),
            "speed": _speed(boxes, fps, calibration),
        }
        for tid, path, direction, boxes, fps in rows.all()
    ]
    for start in range(0, len(values), _BATCH):
        _write(session, values[start : start + _BATCH])
    return len(values)


def _speed(boxes: bytes, fps: float, calibration: Calibration | None) -> float | None:
    """The ground speed from the stored per-frame boxes (frame / fps is the scan's time)."""
    points = [
        TrackPoint(int(r[0]), float(r[0]) / (fps or 25.0), Box(*map(float, r[1:5])))
        for r in unpack_boxes(boxes)
    ]
    return speed_m_s(Track(0, points), calibration)


def _write(session: Session, values: list[dict[str, float | int | None]]) -> None:
    if not values:
        return
    stmt = (
        update(VideoTrack.__table__)  # type: ignore[arg-type]
        .where(VideoTrack.__table__.c.id == bindparam("tid"))
        .values(compass_deg=bindparam("compass"), speed_m_s=bindparam("speed"))
    )
    session.connection().execute(stmt, values)
