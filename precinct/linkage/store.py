"""Tables of the linkage capability: loaded sources, their records and bike trips, scored pairs
from the last resolution, human judgements (kept apart from scores), sightings entered for a
case and confirmed leads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from precinct.core.db import Base, utcnow


class LinkSource(Base):
    __tablename__ = "link_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200), default="")
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    loaded_by: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkRecord(Base):
    """One row of an identity source, normalised, with its provenance and resolved person."""

    __tablename__ = "link_records"
    __table_args__ = (UniqueConstraint("source_id", "row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("link_sources.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[int]
    key: Mapped[str] = mapped_column(String(80), unique=True)  # "source:row"
    kind: Mapped[str] = mapped_column(String(24), index=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="", index=True)
    birth_date: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(11), default="", index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    person_key: Mapped[str] = mapped_column(String(80), default="", index=True)


class BikeTrip(Base):
    __tablename__ = "link_bike_trips"
    __table_args__ = (UniqueConstraint("source_id", "row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("link_sources.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[int]
    trip_id: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(11), index=True)
    bike_id: Mapped[str] = mapped_column(String(32), default="")
    unlock_at: Mapped[datetime] = mapped_column(index=True)
    lock_at: Mapped[datetime]
    unlock_lat: Mapped[float] = mapped_column(Float)
    unlock_lon: Mapped[float] = mapped_column(Float)
    lock_lat: Mapped[float] = mapped_column(Float)
    lock_lon: Mapped[float] = mapped_column(Float)


class LinkMatch(Base):
    """A scored pair from the last resolution run (replaced on every run)."""

    __tablename__ = "link_matches"
    __table_args__ = (Index("ix_link_matches_pair", "left_key", "right_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    left_key: Mapped[str] = mapped_column(String(80), index=True)
    right_key: Mapped[str] = mapped_column(String(80), index=True)
    probability: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    agreements: Mapped[list[Any]] = mapped_column(JSON, default=list)


class LinkJudgement(Base):
    """A person's decision that two records are (or are not) the same person; never a score."""

    __tablename__ = "link_judgements"
    __table_args__ = (UniqueConstraint("left_key", "right_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    left_key: Mapped[str] = mapped_column(String(80))
    right_key: Mapped[str] = mapped_column(String(80))
    same: Mapped[bool]
    judged_by: Mapped[str] = mapped_column(String(64))
    judged_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class LinkSighting(Base):
    """Where and when the offender was seen (from video review), entered for a case."""

    __tablename__ = "link_sightings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    camera: Mapped[str] = mapped_column(String(16))
    seen_at: Mapped[datetime]
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(300), default="")
    heading_deg: Mapped[float | None] = mapped_column(Float)  # compass direction of travel
    entered_by: Mapped[str] = mapped_column(String(64))


class LeadDecision(Base):
    """A lead an investigator confirmed for a case, with the reasons shown at the time."""

    __tablename__ = "link_lead_decisions"
    __table_args__ = (UniqueConstraint("case_number", "person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), index=True)
    person_key: Mapped[str] = mapped_column(String(80))
    id_number: Mapped[str] = mapped_column(String(18), default="")
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


def source_by_name(session: Session, name: str) -> LinkSource | None:
    return session.scalar(select(LinkSource).where(LinkSource.name == name))


def records_of(session: Session, person_key: str) -> list[LinkRecord]:
    stmt = select(LinkRecord).where(LinkRecord.person_key == person_key)
    return list(session.scalars(stmt.order_by(LinkRecord.key)))


def sightings_of(session: Session, case_number: str) -> list[LinkSighting]:
    stmt = select(LinkSighting).where(LinkSighting.case_number == case_number)
    return list(session.scalars(stmt.order_by(LinkSighting.seen_at)))


def trips_between(session: Session, start: datetime, end: datetime) -> list[BikeTrip]:
    stmt = select(BikeTrip).where(BikeTrip.unlock_at >= start, BikeTrip.unlock_at <= end)
    return list(session.scalars(stmt.order_by(BikeTrip.unlock_at)))
