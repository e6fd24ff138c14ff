"""Tables of ring discovery: rings found, their member accounts (role, core score, money held),
the money flows between members, and the fraud reports each ring explains."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Float, ForeignKey, Numeric, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from precinct.core.db import Base, utcnow


class FraudRing(Base):
    __tablename__ = "fraud_rings"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    accounts: Mapped[int]
    seeds: Mapped[int]
    cities: Mapped[str] = mapped_column(String(200), default="")
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    traced_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    freeze_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    case_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def solved_reports(self) -> int:
        return sum(r.solved for r in self.reports)

    members: Mapped[list[RingMember]] = relationship(
        back_populates="ring", cascade="all, delete-orphan", order_by="RingMember.score.desc()"
    )
    flows: Mapped[list[RingFlow]] = relationship(cascade="all, delete-orphan")
    reports: Mapped[list[RingReport]] = relationship(
        cascade="all, delete-orphan", order_by="RingReport.reported_at"
    )
    transfers: Mapped[list[RingTransfer]] = relationship(
        cascade="all, delete-orphan", order_by="RingTransfer.at"
    )


class RingMember(Base):
    __tablename__ = "fraud_ring_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    ring_id: Mapped[int] = mapped_column(
        ForeignKey("fraud_rings.id", ondelete="CASCADE"), index=True
    )
    account: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    bank: Mapped[str] = mapped_column(String(32), default="")
    city: Mapped[str] = mapped_column(String(32), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    held_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    last_seen: Mapped[datetime | None]

    ring: Mapped[FraudRing] = relationship(back_populates="members")


class RingFlow(Base):
    """Victims' money moved from one account to another (summed over the trace)."""

    __tablename__ = "fraud_ring_flows"

    id: Mapped[int] = mapped_column(primary_key=True)
    ring_id: Mapped[int] = mapped_column(
        ForeignKey("fraud_rings.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(32))
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    first_at: Mapped[datetime | None]
    last_at: Mapped[datetime | None]


class RingReport(Base):
    """A fraud report (victim's payment) whose money went into the ring."""

    __tablename__ = "fraud_ring_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    ring_id: Mapped[int] = mapped_column(
        ForeignKey("fraud_rings.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32))
    reported_at: Mapped[datetime]
    victim_account: Mapped[str] = mapped_column(String(32))
    receiving_account: Mapped[str] = mapped_column(String(32))
    caller_phone: Mapped[str] = mapped_column(String(20), default="")
    app: Mapped[str] = mapped_column(String(64), default="")
    solved: Mapped[bool] = mapped_column(default=False)
    loss_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class RingTransfer(Base):
    """One transfer between members of the ring, or a reported victim's payment into it: what
    the page's backward trace from a mule walks, in time order (as `link trace --backward`)."""

    __tablename__ = "fraud_ring_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    ring_id: Mapped[int] = mapped_column(
        ForeignKey("fraud_rings.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    reported: Mapped[bool] = mapped_column(default=False)


def list_rings(session: Session) -> list[FraudRing]:
    return list(session.scalars(select(FraudRing).order_by(FraudRing.freeze_yuan.desc())))


def ring_by_number(session: Session, number: str) -> FraudRing | None:
    return session.scalar(select(FraudRing).where(FraudRing.number == number))


def clear_rings(session: Session) -> None:
    """Delete every stored ring with its rows (bulk statements, not one object at a time)."""
    for child in (RingTransfer, RingReport, RingFlow, RingMember):
        session.execute(delete(child))
    session.execute(delete(FraudRing))
    session.flush()
