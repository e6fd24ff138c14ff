"""Use case: search the footage index (#4). Indexed filters run in the database (time, camera,
class, speed, duration, and the compass heading stored per track — on the ground at cameras with
a homography, see `precinct.video.compass`); the area and region-of-interest rules that SQL
cannot express well are applied here. Every search is audited."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.geo import LatLon
from precinct.registry.store import Camera, Place
from precinct.video.index import unpack_boxes
from precinct.video.search import (
    CameraSpot,
    Hit,
    SearchError,
    SearchQuery,
    cameras_in,
    roi_match,
)
from precinct.video.store import Footage, VideoTrack

ROI_SCAN_LIMIT = 50_000  # tracks examined here for a region rule
COLUMNS = (
    VideoTrack.id,
    Camera.code,
    Camera.name,
    VideoTrack.object_class,
    VideoTrack.start_at,
    VideoTrack.end_at,
    VideoTrack.colours,
    VideoTrack.direction_deg,
    VideoTrack.compass_deg,
    VideoTrack.speed_m_s,
    VideoTrack.confidence,
    VideoTrack.crop_sha256,
    Place.lat,
    Place.lon,
)


@dataclass
class SearchResult:
    query: SearchQuery
    hits: list[Hit]
    total: int
    per_camera: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "per_camera": self.per_camera,
            "hits": [h.__dict__ for h in self.hits],
        }


def camera_spots(session: Session) -> list[CameraSpot]:
    """Every camera that has footage, with its position and heading."""
    stmt = (
        select(Camera.code, Place.lat, Place.lon, Camera.heading_deg)
        .join(Place, Camera.place_id == Place.id)
        .where(Camera.id.in_(select(Footage.camera_id)))
        .order_by(Camera.code)
    )
    return [CameraSpot(code, LatLon(lat, lon), h) for code, lat, lon, h in session.execute(stmt)]


def camera_rows(session: Session) -> list[dict[str, Any]]:
    """Cameras with footage, for the map: code, name, position, heading."""
    stmt = (
        select(Camera.code, Camera.name, Place.lat, Place.lon, Camera.heading_deg)
        .join(Place, Camera.place_id == Place.id)
        .where(Camera.id.in_(select(Footage.camera_id)))
        .order_by(Camera.code)
    )
    keys = ("code", "name", "lat", "lon", "heading_deg")
    return [dict(zip(keys, row, strict=True)) for row in session.execute(stmt)]


def _camera_codes(q: SearchQuery, spots: list[CameraSpot]) -> list[str] | None:
    codes: set[str] | None = None
    if q.cameras:
        codes = set(q.cameras)
    if q.area is not None:
        near = set(cameras_in(q.area, spots))
        codes = near if codes is None else codes & near
    if q.roi is not None:
        codes = {q.roi.camera} if codes is None else codes & {q.roi.camera}
    return None if codes is None else sorted(codes)


def _heading_clause(q: SearchQuery) -> ColumnElement[bool] | None:
    """Compass heading ± tolerance on the stored heading: one range, or two across 0°/360°."""
    if q.heading_deg is None:
        return None
    if q.heading_tolerance >= 180.0:
        return VideoTrack.compass_deg.is_not(None)
    lo = (q.heading_deg - q.heading_tolerance) % 360.0
    hi = (q.heading_deg + q.heading_tolerance) % 360.0
    c = VideoTrack.compass_deg
    return c.between(lo, hi) if lo <= hi else or_(c >= lo, c <= hi)


def longest_file(session: Session) -> timedelta:
    """The longest footage file: no track is longer."""
    longest = session.scalar(select(func.max(Footage.duration_s))) or 0.0
    return timedelta(seconds=float(longest) + 1.0)


def _where(
    q: SearchQuery, spots: list[CameraSpot], longest: timedelta
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    codes = _camera_codes(q, spots)
    if codes is not None:
        where.append(Camera.code.in_(codes))
    if q.start is not None:
        where.append(VideoTrack.end_at >= q.start)
        # a track lies inside one footage file: this bound lets the start_at index work
        where.append(VideoTrack.start_at >= q.start - longest)
    if q.end is not None:
        where.append(VideoTrack.start_at < q.end)
    if q.classes:
        where.append(VideoTrack.object_class.in_(q.classes))
    if q.colour:
        where.append(("," + VideoTrack.colours + ",").contains(f",{q.colour},"))
    if q.speed_min is not None:
        where.append(VideoTrack.speed_m_s >= q.speed_min)
    if q.speed_max is not None:
        where.append(VideoTrack.speed_m_s <= q.speed_max)
    if q.min_duration_s > 0:
        where.append(VideoTrack.end_t - VideoTrack.start_t >= q.min_duration_s)
    heading = _heading_clause(q)
    if heading is not None:
        where.append(heading)
    return where


def _base(where: list[ColumnElement[bool]], *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .select_from(VideoTrack)
        .join(Camera, VideoTrack.camera_id == Camera.id)
        .join(Place, Camera.place_id == Place.id)
        .where(*where)
    )


ORDER = {
    "time": (VideoTrack.start_at, VideoTrack.id),
    "duration": ((VideoTrack.end_t - VideoTrack.start_t).desc(), VideoTrack.id),
    "confidence": (VideoTrack.confidence.desc(), VideoTrack.id),
    "camera": (Camera.code, VideoTrack.start_at, VideoTrack.id),
}


def hit_of(row: Any) -> Hit:
    (tid, code, name, cls, start, end, colours, direction, compass, speed, conf, crop) = row[:12]
    return Hit(
        track_id=tid,
        camera=code,
        camera_name=name,
        object_class=cls,
        start_at=start,
        end_at=end,
        duration_s=round((end - start).total_seconds(), 1),
        colours=colours.split(",") if colours else [],
        direction_deg=direction,
        heading_deg=compass,
        speed_m_s=None if speed is None else round(speed, 2),
        confidence=round(conf, 3),
        crop=crop,
        lat=row[12],
        lon=row[13],
    )


def run_query(session: Session, q: SearchQuery) -> SearchResult:
    """The search itself, without permission check or audit (benchmarks call this)."""
    spots = camera_spots(session)
    where = _where(q, spots, longest_file(session))
    if q.roi is not None:
        return _roi_search(session, q, where)
    stmt = _base(where, *COLUMNS).order_by(*ORDER[q.sort]).limit(q.limit).offset(q.offset)
    hits = [hit_of(r) for r in session.execute(stmt)]
    counted = (
        select(Camera.code, func.count())
        .select_from(VideoTrack)
        .join(Camera, VideoTrack.camera_id == Camera.id)
        .where(*where)
        .group_by(Camera.code)
    )
    counts = session.execute(counted)
    per_camera = {code: n for code, n in counts}
    return SearchResult(q, hits, sum(per_camera.values()), per_camera)


def _roi_search(session: Session, q: SearchQuery, where: list[ColumnElement[bool]]) -> SearchResult:
    """The region-of-interest rule, checked here on each candidate's per-frame boxes."""
    assert q.roi is not None
    roi = q.roi
    stmt = _base(where, *COLUMNS, VideoTrack.boxes).order_by(*ORDER[q.sort])
    rows = session.execute(stmt.limit(ROI_SCAN_LIMIT)).all()
    kept = [r for r in rows if roi_match(unpack_boxes(r[-1]), roi)]
    hits = [hit_of(r) for r in kept[q.offset : q.offset + q.limit]]
    per_camera = dict(Counter(r[1] for r in kept))
    return SearchResult(q, hits, len(kept), per_camera)


def search(session: Session, actor: Actor, q: SearchQuery, case_number: str = "") -> SearchResult:
    """Search the index; the query and the number of results go to the audit log."""
    actor.require(Permission.CAMERA_VIEW)
    result = run_query(session, q)
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.SEARCH,
            "video_tracks",
            case_number=case_number,
            detail={"query": q.as_dict(), "total": result.total},
        ),
    )
    return result


def parse_when(text: str, what: str) -> datetime | None:
    from precinct.core.tabular import parse_datetime

    if not text.strip():
        return None
    try:
        return parse_datetime(text.strip())
    except ValueError as exc:
        raise SearchError(f"{what}: {exc}") from exc
