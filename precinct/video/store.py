"""Tables of the video capability: footage (one row per original file)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, String, select
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
