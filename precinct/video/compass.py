"""The stored compass heading of tracks (#4): filled when a track is stored, recomputed when its
camera's calibration or heading changes, so search filters headings in SQL and trace and leads
read the column. `precinct.video.heading.compass_heading` stays the one function computing it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from precinct.registry.store import Camera
from precinct.video.heading import calibration_from, compass_heading
from precinct.video.store import VideoTrack

_BATCH = 5_000


def recompute_compass(session: Session, camera_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored heading of every track at these cameras (all when None): call it
    whenever a camera's calibration or heading changes. Returns the tracks updated."""
    session.flush()
    stmt = select(Camera)
    if camera_ids is not None:
        stmt = stmt.where(Camera.id.in_(sorted(set(camera_ids))))
    done = 0
    for camera in session.scalars(stmt).all():
        calibration = calibration_from(camera.calibration)
        rows = session.execute(
            select(VideoTrack.id, VideoTrack.path, VideoTrack.direction_deg).where(
                VideoTrack.camera_id == camera.id
            )
        ).all()
        values = [
            {"tid": tid, "compass": compass_heading(path, calibration, d, camera.heading_deg)}
            for tid, path, d in rows
        ]
        for start in range(0, len(values), _BATCH):
            _write(session, values[start : start + _BATCH])
        done += len(values)
    return done


def _write(session: Session, values: list[dict[str, float | int | None]]) -> None:
    stmt = (
        update(VideoTrack.__table__)  # type: ignore[arg-type]
        .where(VideoTrack.__table__.c.id == bindparam("tid"))
        .values(compass_deg=bindparam("compass"))
    )
    session.connection().execute(stmt, values)
