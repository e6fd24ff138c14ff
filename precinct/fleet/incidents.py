"""Use cases of stuck alerts and AV incidents: detect a stuck car, alert its operator by webhook
(every attempt recorded), run the incident from operator request to closure, receive the data
asked for with a SHA-256 receipt, and the figures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from precinct.config import Settings
from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.fleet import match, service, stuck, webhook
from precinct.fleet.store import (
    Alert,
    DataRequest,
    Incident,
    ReceivedFile,
    Sighting,
    Vehicle,
    WebhookAttempt,
)
from precinct.fleet.workflow import (
    AlertClock,
    AlertFigures,
    AlertStatus,
    DataItem,
    IncidentKind,
    IncidentStatus,
    alert_figures,
    check_step,
    repeated_parties,
)


def _audit(session: Session, actor: Actor, action: audit.AuditAction, kind: str, ref: str) -> None:
    audit.append(session, audit.AuditEvent(actor.username, action, kind, ref))


def check_stuck(
    session: Session, vehicle_id: int, settings: Settings, now: datetime
) -> Alert | None:
    """Raise an alert when the car has stood still long enough and none is open yet."""
    since = now - timedelta(seconds=settings.fleet_stuck_after_s * 4)
    rows = session.scalars(
        select(Sighting).where(Sighting.vehicle_id == vehicle_id, Sighting.seen_at >= since)
    )
    seen = [stuck.Seen(s.seen_at, s.lat, s.lon, s.camera) for s in rows]
    run = stuck.is_stuck(seen, settings.fleet_stuck_after_s, settings.fleet_stuck_radius_m)
    open_alert = session.scalar(
        select(Alert.id).where(Alert.vehicle_id == vehicle_id, Alert.status != AlertStatus.RESOLVED)
    )
    if run is None or open_alert is not None:
        return None
    alert = Alert(
        vehicle_id=vehicle_id,
        raised_at=now,
        stationary_since=run.since,
        camera=run.camera,
        lat=run.lat,
        lon=run.lon,
    )
    session.add(alert)
    session.flush()
    return alert


def observe(
    session: Session,
    settings: Settings,
    decision: match.Decision,
    where: service.Where,
    crop_jpeg: bytes = b"",
) -> tuple[Sighting | None, Alert | None]:
    """Record the sighting of an identified car (with its crop) and check whether it is stuck."""
    crop = service.save_crop(settings.data_dir, crop_jpeg) if decision.matched else ""
    sighting = service.record_sighting(session, decision, where, crop)
    if sighting is None:
        return None, None
    return sighting, check_stuck(session, sighting.vehicle_id, settings, where.at)


def notify(session: Session, alert: Alert, settings: Settings, first_wait_s: float = 1.0) -> bool:
    """Post the alert to the operator's webhook; record every attempt."""
    vehicle = session.get_one(Vehicle, alert.vehicle_id)
    url = vehicle.operator.webhook_url
    if not url:
        return False
    payload = {
        "alert": alert.id,
        "kind": "stuck",
        "plate": vehicle.plate,
        "fleet_number": vehicle.fleet_number,
        "camera": alert.camera,
        "lat": alert.lat,
        "lon": alert.lon,
        "stationary_since": alert.stationary_since.isoformat(),
        "raised_at": alert.raised_at.isoformat(),
    }
    delivery = webhook.Delivery(
        url,
        payload,
        settings.fleet_webhook_attempts,
        settings.fleet_webhook_timeout_s,
        first_wait_s,
    )
    for a in webhook.deliver(delivery):
        alert.attempts.append(
            WebhookAttempt(
                attempt=a.attempt,
                at=a.at,
                url=url,
                status_code=a.status_code,
                error=a.error,
                ok=a.ok,
            )
        )
    alert.delivered = any(a.ok for a in alert.attempts)
    session.flush()
    return alert.delivered


def acknowledge_alert(session: Session, actor: Actor, alert_id: int, at: datetime) -> Alert:
    actor.require(Permission.FLEET_EDIT)
    alert = session.get_one(Alert, alert_id)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = at
        alert.status = AlertStatus.ACKNOWLEDGED
    _audit(session, actor, audit.AuditAction.UPDATE, "fleet_alert_ack", str(alert.id))
    return alert


def car_moved(session: Session, actor: Actor, alert_id: int, at: datetime) -> Alert:
    actor.require(Permission.FLEET_EDIT)
    alert = session.get_one(Alert, alert_id)
    alert.moved_at = at
    alert.status = AlertStatus.RESOLVED
    _audit(session, actor, audit.AuditAction.UPDATE, "fleet_alert_moved", str(alert.id))
    return alert


def live_alerts(session: Session, actor: Actor) -> list[Alert]:
    actor.require(Permission.FLEET_VIEW)
    stmt = select(Alert).where(Alert.status != AlertStatus.RESOLVED).order_by(Alert.raised_at)
    return list(session.scalars(stmt))


def figures(session: Session) -> AlertFigures:
    rows = session.execute(select(Alert.raised_at, Alert.acknowledged_at, Alert.moved_at))
    return alert_figures([AlertClock(*row) for row in rows])


# --- incidents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewIncident:
    kind: IncidentKind
    vehicle_id: int
    occurred_at: datetime
    place: str
    lat: float
    lon: float
    other_party: str = ""
    summary: str = ""
    alert_id: int | None = None


def open_incident(session: Session, actor: Actor, new: NewIncident) -> Incident:
    actor.require(Permission.FLEET_EDIT)
    count = session.scalar(select(Incident.id).order_by(Incident.id.desc()).limit(1)) or 0
    number = f"AV{new.occurred_at:%Y%m%d}-{count + 1:04d}"
    incident = Incident(number=number, created_by=actor.username, **new.__dict__)
    session.add(incident)
    session.flush()
    _audit(session, actor, audit.AuditAction.CREATE, "fleet_incident", number)
    return incident


def step(
    session: Session, actor: Actor, number: str, wanted: IncidentStatus, at: datetime
) -> Incident:
    """Move an incident on: operator requested → acknowledged → resolved → closed."""
    actor.require(Permission.FLEET_EDIT)
    incident = get_incident(session, number)
    check_step(incident.status, wanted)
    stamp = {
        IncidentStatus.OPERATOR_REQUESTED: "operator_requested_at",
        IncidentStatus.ACKNOWLEDGED: "operator_acked_at",
        IncidentStatus.RESOLVED: "resolved_at",
        IncidentStatus.CLOSED: "closed_at",
    }[wanted]
    setattr(incident, stamp, at)
    incident.status = wanted
    _audit(session, actor, audit.AuditAction.UPDATE, "fleet_incident", f"{number}:{wanted}")
    return incident


def get_incident(session: Session, number: str) -> Incident:
    stmt = (
        select(Incident)
        .where(Incident.number == number)
        .options(selectinload(Incident.requests).selectinload(DataRequest.files))
    )
    incident = session.scalar(stmt)
    if incident is None:
        raise LookupError(f"no incident {number}")
    return incident


def view_incident(session: Session, actor: Actor, number: str) -> Incident:
    actor.require(Permission.FLEET_VIEW)
    incident = get_incident(session, number)
    _audit(session, actor, audit.AuditAction.VIEW, "fleet_incident", number)
    return incident


def request_data(
    session: Session, actor: Actor, number: str, items: list[DataItem], deadline: datetime
) -> DataRequest:
    actor.require(Permission.FLEET_EDIT)
    incident = get_incident(session, number)
    request = DataRequest(
        items=[str(i) for i in items],
        requested_at=datetime.now(deadline.tzinfo),
        deadline=deadline,
        requested_by=actor.username,
    )
    incident.requests.append(request)
    session.flush()
    _audit(session, actor, audit.AuditAction.CREATE, "fleet_data_request", number)
    return request


def receive_file(
    session: Session, actor: Actor, request_id: int, item: DataItem, name: str, data: bytes
) -> ReceivedFile:
    """Hash what the operator sent and give it a receipt (R + first 12 hex of the digest)."""
    actor.require(Permission.FLEET_EDIT)
    request = session.get_one(DataRequest, request_id)
    digest = hashlib.sha256(data).hexdigest()
    received = ReceivedFile(
        item=str(item),
        name=name,
        size=len(data),
        sha256=digest,
        received_at=datetime.now(request.deadline.tzinfo),
        received_by=actor.username,
        receipt=f"R{request_id:05d}-{digest[:12].upper()}",
    )
    request.files.append(received)
    session.flush()
    _audit(session, actor, audit.AuditAction.IMPORT, "fleet_received_file", received.receipt)
    return received


def list_incidents(session: Session, actor: Actor, limit: int = 200) -> list[Incident]:
    actor.require(Permission.FLEET_VIEW)
    return list(
        session.scalars(select(Incident).order_by(Incident.occurred_at.desc()).limit(limit))
    )


def repeated_other_parties(session: Session) -> set[str]:
    """Other parties in more than one AV collision."""
    rows = session.scalars(
        select(Incident.other_party).where(Incident.kind == IncidentKind.MINOR_COLLISION)
    )
    return repeated_parties(rows)
