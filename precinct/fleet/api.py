"""JSON API of the fleet capability: registry, frame upload, locate, alerts and AV incidents.
The workbench pages are in `pages.py` and are included in this router."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel

from precinct.config import Settings
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.db import Database
from precinct.fleet import incidents, service
from precinct.fleet.pages import router as pages_router
from precinct.fleet.read import FrameReader, decode_image, evidence_jpeg
from precinct.fleet.store import Alert, Incident, Sighting, Vehicle
from precinct.fleet.workflow import IncidentStatus, WorkflowError
from precinct.registry import service as registry_service
from precinct.web.deps import ReadSession, WriteSession, get_db, get_settings, require

router = APIRouter()
router.include_router(pages_router)
FleetViewer = Annotated[Actor, require(Permission.FLEET_VIEW)]
FleetEditor = Annotated[Actor, require(Permission.FLEET_EDIT)]
_READER = FrameReader()


class VehicleOut(BaseModel):
    plate: str
    fleet_number: str
    vin: str
    model: str
    colour: str
    operator: str

    @classmethod
    def of(cls, v: Vehicle) -> VehicleOut:
        return cls(
            plate=v.plate,
            fleet_number=v.fleet_number,
            vin=v.vin,
            model=v.model,
            colour=v.colour,
            operator=v.operator.code,
        )


class SightingOut(BaseModel):
    seen_at: datetime
    camera: str
    lat: float
    lon: float
    score: float
    crop: str | None

    @classmethod
    def of(cls, s: Sighting) -> SightingOut:
        crop = f"/fleet/crops/{s.crop_sha256}.jpg" if s.crop_sha256 else None
        return cls(
            seen_at=s.seen_at, camera=s.camera, lat=s.lat, lon=s.lon, score=s.score, crop=crop
        )


class LocateOut(BaseModel):
    vehicle: VehicleOut
    sightings: list[SightingOut]


class AlertOut(BaseModel):
    id: int
    plate: str
    fleet_number: str
    operator: str
    hotline: str
    camera: str
    lat: float
    lon: float
    raised_at: datetime
    stationary_since: datetime
    status: str
    delivered: bool

    @classmethod
    def of(cls, a: Alert) -> AlertOut:
        return cls(
            id=a.id,
            plate=a.vehicle.plate,
            fleet_number=a.vehicle.fleet_number,
            operator=a.vehicle.operator.name,
            hotline=a.vehicle.operator.hotline,
            camera=a.camera,
            lat=a.lat,
            lon=a.lon,
            raised_at=a.raised_at,
            stationary_since=a.stationary_since,
            status=str(a.status),
            delivered=a.delivered,
        )


class IncidentOut(BaseModel):
    number: str
    kind: str
    status: str
    plate: str
    occurred_at: datetime
    place: str
    other_party: str

    @classmethod
    def of(cls, i: Incident) -> IncidentOut:
        return cls(
            number=i.number,
            kind=str(i.kind),
            status=str(i.status),
            plate=i.vehicle.plate,
            occurred_at=i.occurred_at,
            place=i.place,
            other_party=i.other_party,
        )


@router.get("/api/v1/fleet/vehicles", tags=["fleet"])
def vehicles_json(session: ReadSession, actor: FleetViewer) -> list[VehicleOut]:
    """The registered robotaxis."""
    return [VehicleOut.of(v) for v in service.list_vehicles(session, actor)]


@router.get("/api/v1/fleet/locate", tags=["fleet"])
def locate_json(session: WriteSession, actor: FleetViewer, q: str, limit: int = 10) -> LocateOut:
    """The latest sightings of a car by plate or fleet number (audited search)."""
    vehicle, sightings = service.locate(session, actor, q, min(limit, 500))
    if vehicle is None:
        raise HTTPException(404, f"no vehicle with plate or fleet number {q!r}")
    return LocateOut(
        vehicle=VehicleOut.of(vehicle), sightings=[SightingOut.of(s) for s in sightings]
    )


def _notify_later(db: Database, alert_id: int, settings: Settings) -> None:
    with db.write() as session:
        incidents.notify(session, session.get_one(Alert, alert_id), settings)


@router.post("/api/v1/fleet/frames", tags=["fleet"])
async def frame_upload(
    request: Request,
    session: WriteSession,
    actor: FleetEditor,
    background: BackgroundTasks,
    image: Annotated[UploadFile, File()],
    camera: Annotated[str, Form()],
    seen_at: Annotated[datetime | None, Form()] = None,
) -> dict[str, Any]:
    """A camera frame: read, identify, record the sighting, check for a stuck car (the
    operator's webhook is called after the answer)."""
    frame = decode_image(await image.read())
    if frame is None:
        raise HTTPException(422, "not an image")
    cam = registry_service.get_camera(session, actor, camera)
    if cam is None:
        raise HTTPException(422, f"unknown camera {camera!r}")
    reading = _READER.read(frame)
    decision = service.identify(service.registry(session), [reading])
    at = seen_at or datetime.now(UTC)
    where = service.Where(cam.code, at, cam.place.lat, cam.place.lon, "upload")
    crop = evidence_jpeg(frame, reading)
    sighting, alert = incidents.observe(session, get_settings(request), decision, where, crop)
    if alert is not None:
        background.add_task(_notify_later, get_db(request), alert.id, get_settings(request))
    return {
        "found": [f.as_dict() for f in reading.found],
        "matched": decision.vehicle.plate if decision.vehicle else None,
        "reason": decision.reason,
        "candidates": [
            {"plate": c.plate, "fleet_number": c.fleet_number, "score": round(c.score, 2)}
            for c in decision.candidates
        ],
        "sighting": sighting.id if sighting else None,
        "alert": alert.id if alert else None,
    }


@router.get("/api/v1/fleet/alerts", tags=["fleet"])
def alerts_json(session: ReadSession, actor: FleetViewer) -> list[AlertOut]:
    """Live stuck alerts (the traffic board)."""
    return [AlertOut.of(a) for a in incidents.live_alerts(session, actor)]


@router.post("/api/v1/fleet/alerts/{alert_id}/{what}", tags=["fleet"])
def alert_step(session: WriteSession, actor: FleetEditor, alert_id: int, what: str) -> AlertOut:
    """`ack`: the operator acknowledged; `moved`: the car has moved."""
    steps = {"ack": incidents.acknowledge_alert, "moved": incidents.car_moved}
    if what not in steps or session.get(Alert, alert_id) is None:
        raise HTTPException(404, "no such alert or step")
    return AlertOut.of(steps[what](session, actor, alert_id, datetime.now(UTC)))


@router.get("/api/v1/fleet/incidents", tags=["fleet"])
def incidents_json(session: ReadSession, actor: FleetViewer) -> list[IncidentOut]:
    """AV incidents, newest first."""
    return [IncidentOut.of(i) for i in incidents.list_incidents(session, actor)]


@router.post("/api/v1/fleet/incidents/{number}/step", tags=["fleet"])
def incident_step(
    session: WriteSession, actor: FleetEditor, number: str, status: IncidentStatus
) -> IncidentOut:
    """Move an incident on (operator_requested, acknowledged, resolved, closed)."""
    try:
        return IncidentOut.of(incidents.step(session, actor, number, status, datetime.now(UTC)))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except WorkflowError as exc:
        raise HTTPException(409, str(exc)) from exc
