"""Tables of the fleet capability: operators, vehicles, sightings, stuck alerts with their webhook
attempts, AV incidents, data requests and the files received for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from precinct.core.db import Base, utcnow
from precinct.core.enums import enum_column
from precinct.fleet.workflow import AlertStatus, IncidentKind, IncidentStatus


class Operator(Base):
    __tablename__ = "fleet_operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    hotline: Mapped[str] = mapped_column(String(32))
    remote_ops_contact: Mapped[str] = mapped_column(String(100))
    webhook_url: Mapped[str] = mapped_column(String(300), default="")


class Vehicle(Base):
    __tablename__ = "fleet_vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(10), unique=True)
    fleet_number: Mapped[str] = mapped_column(String(7), unique=True)
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    model: Mapped[str] = mapped_column(String(64))
    colour: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[int] = mapped_column(ForeignKey("fleet_operators.id"), index=True)

    operator: Mapped[Operator] = relationship(lazy="joined")


class Sighting(Base):
    """An identified car seen by a camera at a time (the crop is content-addressed by SHA-256)."""

    __tablename__ = "fleet_sightings"
    __table_args__ = (Index("ix_fleet_sightings_vehicle_seen", "vehicle_id", "seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("fleet_vehicles.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(index=True)
    camera: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float]
    lon: Mapped[float]
    score: Mapped[float]
    source: Mapped[str] = mapped_column(String(16))
    crop_sha256: Mapped[str] = mapped_column(String(64), default="")

    vehicle: Mapped[Vehicle] = relationship(lazy="joined")


class Alert(Base):
    """A stuck car reported to its operator and shown on the traffic board."""

    __tablename__ = "fleet_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("fleet_vehicles.id"), index=True)
    raised_at: Mapped[datetime] = mapped_column(index=True)
    stationary_since: Mapped[datetime]
    camera: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float]
    lon: Mapped[float]
    status: Mapped[AlertStatus] = mapped_column(
        enum_column(AlertStatus, "fleet_alert_status"), default=AlertStatus.OPEN, index=True
    )
    acknowledged_at: Mapped[datetime | None]
    moved_at: Mapped[datetime | None]
    delivered: Mapped[bool] = mapped_column(default=False)

    vehicle: Mapped[Vehicle] = relationship(lazy="joined")
    attempts: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="WebhookAttempt.attempt"
    )


class WebhookAttempt(Base):
    __tablename__ = "fleet_webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("fleet_alerts.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int]
    at: Mapped[datetime]
    url: Mapped[str] = mapped_column(String(300))
    status_code: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, default="")
    ok: Mapped[bool]

    alert: Mapped[Alert] = relationship(back_populates="attempts")


class Incident(Base):
    __tablename__ = "fleet_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[IncidentKind] = mapped_column(enum_column(IncidentKind, "fleet_incident_kind"))
    status: Mapped[IncidentStatus] = mapped_column(
        enum_column(IncidentStatus, "fleet_incident_status"),
        default=IncidentStatus.OPEN,
        index=True,
    )
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("fleet_vehicles.id"), index=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("fleet_alerts.id"))
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float]
    lon: Mapped[float]
    other_party: Mapped[str] = mapped_column(String(64), default="", index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    operator_requested_at: Mapped[datetime | None]
    operator_acked_at: Mapped[datetime | None]
    moved_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    resolution: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    vehicle: Mapped[Vehicle] = relationship(lazy="joined")
    requests: Mapped[list[DataRequest]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="DataRequest.id"
    )


class DataRequest(Base):
    """Data asked of the operator (trajectory, driving mode, remote actions, video) by a date."""

    __tablename__ = "fleet_data_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("fleet_incidents.id", ondelete="CASCADE"), index=True
    )
    items: Mapped[list[Any]] = mapped_column(JSON)
    requested_at: Mapped[datetime]
    deadline: Mapped[datetime]
    requested_by: Mapped[str] = mapped_column(String(64))

    incident: Mapped[Incident] = relationship(back_populates="requests")
    files: Mapped[list[ReceivedFile]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="ReceivedFile.id"
    )


class ReceivedFile(Base):
    """A file the operator sent; stored by its SHA-256, acknowledged with a receipt."""

    __tablename__ = "fleet_received_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("fleet_data_requests.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime]
    received_by: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[str] = mapped_column(String(32), unique=True)

    request: Mapped[DataRequest] = relationship(back_populates="files")
