"""Tables of the video capability: footage (one row per original file)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from precinct.core.db import Base, utcnow
from precinct.registry.store import Camera


class Footage(Base):
    __tablename__ = "footage"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_path: Mapped[str] = mapped_column(String(1000))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), index=True)
    start_at: Mapped[datetime] = mapped_column(index=True)
    end_at: Mapped[datetime]
    codec: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    fps: Mapped[float] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float)
    keyframe_interval: Mapped[int | None]
    damaged_at_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    camera: Mapped[Camera] = relationship(lazy="joined")


def by_sha256(session: Session, sha256: str) -> Footage | None:
    return session.scalar(select(Footage).where(Footage.sha256 == sha256))


def overlapping(session: Session, camera_id: int, start: datetime, end: datetime) -> list[Footage]:
    """Footage of one camera whose time span overlaps [start, end)."""
    stmt = select(Footage).where(
        Footage.camera_id == camera_id, Footage.start_at < end, Footage.end_at > start
    )
    return list(session.scalars(stmt.order_by(Footage.start_at)))


def list_footage(session: Session, camera_code: str | None = None) -> list[Footage]:
    stmt = select(Footage).join(Footage.camera)
    if camera_code:
        stmt = stmt.where(Camera.code == camera_code)
    return list(session.scalars(stmt.order_by(Camera.code, Footage.start_at)))


class Scan(Base):
    """One scan of one footage file with one engine version: resumable, never duplicated."""

    __tablename__ = "video_scans"
    __table_args__ = (UniqueConstraint("footage_id", "engine"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    footage_id: Mapped[int] = mapped_column(ForeignKey("footage.id", ondelete="CASCADE"))
    engine: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="done")
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
    active_s: Mapped[float] = mapped_column(Float)
    decoded_frames: Mapped[int]
    tracks: Mapped[int]
    seconds: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class VideoTrack(Base):
    """One tracked object: when and where, what it looked like, and its per-frame boxes."""

    __tablename__ = "video_tracks"
    __table_args__ = (
        UniqueConstraint("footage_id", "track_no"),
        Index("ix_video_tracks_camera_time", "camera_id", "start_at"),
        Index("ix_video_tracks_class_time", "object_class", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    footage_id: Mapped[int] = mapped_column(ForeignKey("footage.id", ondelete="CASCADE"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("video_scans.id", ondelete="CASCADE"))
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"))
    track_no: Mapped[int]
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    start_t: Mapped[float] = mapped_column(Float)
    end_t: Mapped[float] = mapped_column(Float)
    frames: Mapped[int]
    object_class: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    direction_deg: Mapped[float | None] = mapped_column(Float)
    # compass heading (0 = N, clockwise), `video.compass`: on the ground with a homography
    compass_deg: Mapped[float | None] = mapped_column(Float)
    speed_px_s: Mapped[float] = mapped_column(Float)
    speed_m_s: Mapped[float | None] = mapped_column(Float)
    width_px: Mapped[float] = mapped_column(Float)
    height_px: Mapped[float] = mapped_column(Float)
    colours: Mapped[str] = mapped_column(String(64), default="")
    path: Mapped[list[list[float]]] = mapped_column(JSON)
    crop_sha256: Mapped[str | None] = mapped_column(String(64))
    crop_frame: Mapped[int | None]
    boxes: Mapped[bytes] = mapped_column(LargeBinary)

    camera: Mapped[Camera] = relationship()
    footage: Mapped[Footage] = relationship()


# --- investigation (#4): search index, trace judgements, case leads --------------------------

# Searches by time window alone (all cameras, all classes) use this one.
Index("ix_video_tracks_start", VideoTrack.start_at)
# Searches by heading: a range (two at 0°/360°) on the stored compass heading.
Index("ix_video_tracks_compass", VideoTrack.compass_deg, VideoTrack.start_at)


class TraceJudgement(Base):
    """An officer's verdict on one trace candidate: the same figure as the sighting, or not.

    Judgements are stored apart from scores (which are recomputed on every trace)."""

    __tablename__ = "video_trace_judgements"
    __table_args__ = (UniqueConstraint("sighting_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sighting_id: Mapped[int] = mapped_column(
        ForeignKey("video_tracks.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("video_tracks.id", ondelete="CASCADE"), index=True
    )
    verdict: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    judged_by: Mapped[str] = mapped_column(String(64))
    judged_at: Mapped[datetime] = mapped_column(default=utcnow)


class VideoLead(Base):
    """A track or a confirmed route attached to a case as a lead."""

    __tablename__ = "video_leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    track_ids: Mapped[list[int]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
