"""Tables of the case capability: alarms, cases, case parties and case property."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from precinct.cases.domain import AlarmStatus, CaseStatus, CaseType, PartyRole, PropertyStatus
from precinct.core.db import Base, utcnow
from precinct.core.enums import enum_column
from precinct.registry.store import Officer, Person, Place


class Alarm(Base):
    """A 110 call and its handling clock: received → dispatched → on scene → closed."""

    __tablename__ = "alarms"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    caller_name: Mapped[str] = mapped_column(String(64))
    caller_phone: Mapped[str] = mapped_column(String(11), index=True)
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[AlarmStatus] = mapped_column(
        enum_column(AlarmStatus, "alarm_status"), default=AlarmStatus.RECEIVED, index=True
    )
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    dispatched_at: Mapped[datetime | None]
    on_scene_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    place: Mapped[Place] = relationship(lazy="joined")
    officer: Mapped[Officer | None] = relationship()
    case: Mapped[Case | None] = relationship(back_populates="alarms")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    case_type: Mapped[CaseType] = mapped_column(enum_column(CaseType, "case_type"), index=True)
    status: Mapped[CaseStatus] = mapped_column(
        enum_column(CaseStatus, "case_status"), default=CaseStatus.ACCEPTED, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(index=True)
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    solved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Place] = relationship(lazy="joined")
    lead_officer: Mapped[Officer | None] = relationship()
    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    items: Mapped[list[PropertyItem]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    alarms: Mapped[list[Alarm]] = relationship(back_populates="case")


class CaseParty(Base):
    """A person's role in a case: victim, suspect or witness."""

    __tablename__ = "case_parties"
    __table_args__ = (UniqueConstraint("case_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(enum_column(PartyRole, "party_role"))

    case: Mapped[Case] = relationship(back_populates="parties")
    person: Mapped[Person] = relationship(lazy="joined")


class PropertyItem(Base):
    """An item of case property (涉案财物) and where it is in stolen → recovered → returned."""

    __tablename__ = "property_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    serial: Mapped[str] = mapped_column(String(64), default="", index=True)
    value_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    status: Mapped[PropertyStatus] = mapped_column(
        enum_column(PropertyStatus, "property_status"), default=PropertyStatus.STOLEN
    )
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="items")
    owner: Mapped[Person | None] = relationship()
