"""Workbench pages of the fleet capability: fleet page with locate, traffic board on the offline
map, vehicle page with its sightings, incident list and incident page with its workflow forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from precinct.core.access import Actor
from precinct.core.auth import Permission, role_allows
from precinct.fleet import incidents, service
from precinct.fleet.workflow import (
    NEXT,
    DataItem,
    IncidentKind,
    IncidentStatus,
    WorkflowError,
    party_key,
)
from precinct.registry import service as registry_service
from precinct.web.deps import (
    ReadSession,
    WriteSession,
    check_csrf,
    get_settings,
    render,
    require,
)

router = APIRouter(include_in_schema=False)
FleetViewer = Annotated[Actor, require(Permission.FLEET_VIEW)]
FleetEditor = Annotated[Actor, require(Permission.FLEET_EDIT)]
CSRF = [Depends(check_csrf)]


@router.get("/fleet", response_class=HTMLResponse)
def fleet_page(
    request: Request, session: WriteSession, actor: FleetViewer, q: str = ""
) -> HTMLResponse:
    found = service.locate(session, actor, q) if q else None
    return render(
        request,
        "fleet.html",
        q=q,
        found=found,
        operators=service.list_operators(session, actor),
        vehicles=service.list_vehicles(session, actor, limit=400),
        figures=incidents.figures(session),
        repeated=sorted(incidents.repeated_other_parties(session)),
    )


@router.get("/fleet/board", response_class=HTMLResponse)
def board_page(request: Request, session: ReadSession, actor: FleetViewer) -> HTMLResponse:
    alerts = incidents.live_alerts(session, actor)
    cameras = []
    if role_allows(actor.role, Permission.CAMERA_VIEW):
        cameras = [
            {"code": c.code, "name": c.name, "lat": c.place.lat, "lon": c.place.lon}
            for c in registry_service.list_cameras(session, actor)
        ]
    points = [
        {
            "id": a.id,
            "plate": a.vehicle.plate,
            "fleet_number": a.vehicle.fleet_number,
            "camera": a.camera,
            "lat": a.lat,
            "lon": a.lon,
            "status": str(a.status),
            "since": a.stationary_since.isoformat(),
        }
        for a in alerts
    ]
    return render(request, "fleet_board.html", alerts=alerts, points=points, cameras=cameras)


@router.post("/fleet/alerts/{alert_id}/{what}", dependencies=CSRF)
def alert_form(
    session: WriteSession, actor: FleetEditor, alert_id: int, what: str
) -> RedirectResponse:
    steps = {"ack": incidents.acknowledge_alert, "moved": incidents.car_moved}
    if what not in steps:
        raise HTTPException(404, "no such step")
    steps[what](session, actor, alert_id, datetime.now(UTC))
    return RedirectResponse("/fleet/board", status_code=303)


@router.get("/fleet/vehicles/{plate}", response_class=HTMLResponse)
def vehicle_page(
    request: Request, session: WriteSession, actor: FleetViewer, plate: str
) -> HTMLResponse:
    found = service.view_vehicle(session, actor, plate)
    if found is None:
        raise HTTPException(404, "no such vehicle")
    vehicle, sightings = found
    return render(request, "fleet_vehicle.html", vehicle=vehicle, sightings=sightings)


@router.get("/fleet/crops/{sha256}.jpg")
def crop_image(request: Request, actor: FleetViewer, sha256: str) -> FileResponse:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise HTTPException(404, "no such crop")
    path = service.crop_path(get_settings(request).data_dir, sha256)
    if not path.is_file():
        raise HTTPException(404, "no such crop")
    return FileResponse(path, media_type="image/jpeg")


@router.get("/fleet/incidents", response_class=HTMLResponse)
def incidents_page(request: Request, session: ReadSession, actor: FleetViewer) -> HTMLResponse:
    rows = incidents.list_incidents(session, actor)
    repeated = incidents.repeated_other_parties(session)
    flagged = {i.number for i in rows if party_key(i.other_party) in repeated}
    return render(
        request, "fleet_incidents.html", incidents=rows, flagged=flagged, kinds=list(IncidentKind)
    )


@router.post("/fleet/incidents", dependencies=CSRF)
def incident_create(
    session: WriteSession,
    actor: FleetEditor,
    plate: Annotated[str, Form()],
    kind: Annotated[IncidentKind, Form()],
    place: Annotated[str, Form()],
    lat: Annotated[float, Form()],
    lon: Annotated[float, Form()],
    other_party: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
) -> RedirectResponse:
    vehicle = service.find_vehicle(session, plate)
    if vehicle is None:
        raise HTTPException(422, f"no vehicle {plate!r}")
    new = incidents.NewIncident(
        kind, vehicle.id, datetime.now(UTC), place, lat, lon, other_party.strip(), summary
    )
    number = incidents.open_incident(session, actor, new).number
    return RedirectResponse(f"/fleet/incidents/{number}", status_code=303)


@router.get("/fleet/incidents/{number}", response_class=HTMLResponse)
def incident_page(
    request: Request, session: WriteSession, actor: FleetViewer, number: str, receipt: str = ""
) -> HTMLResponse:
    try:
        incident = incidents.view_incident(session, actor, number)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    repeated = party_key(incident.other_party) in incidents.repeated_other_parties(session)
    return render(
        request,
        "fleet_incident.html",
        incident=incident,
        next_steps=sorted(NEXT[incident.status]),
        items=list(DataItem),
        repeated=repeated,
        receipt=receipt,
    )


@router.post("/fleet/incidents/{number}/step", dependencies=CSRF)
def incident_step_form(
    session: WriteSession,
    actor: FleetEditor,
    number: str,
    status: Annotated[IncidentStatus, Form()],
) -> RedirectResponse:
    try:
        incidents.step(session, actor, number, status, datetime.now(UTC))
    except WorkflowError as exc:
        raise HTTPException(409, str(exc)) from exc
    return RedirectResponse(f"/fleet/incidents/{number}", status_code=303)


@router.post("/fleet/incidents/{number}/requests", dependencies=CSRF)
def data_request_form(
    session: WriteSession,
    actor: FleetEditor,
    number: str,
    items: Annotated[list[DataItem], Form()],
    hours: Annotated[int, Form()] = 72,
) -> RedirectResponse:
    deadline = datetime.now(UTC) + timedelta(hours=max(1, hours))
    incidents.request_data(session, actor, number, items, deadline)
    return RedirectResponse(f"/fleet/incidents/{number}", status_code=303)


@router.post("/fleet/requests/{request_id}/files", dependencies=CSRF)
async def received_file_form(
    session: WriteSession,
    actor: FleetEditor,
    request_id: int,
    item: Annotated[DataItem, Form()],
    file: Annotated[UploadFile, File()],
) -> RedirectResponse:
    data = await file.read()
    received = incidents.receive_file(
        session, actor, request_id, item, file.filename or "file", data
    )
    number = received.request.incident.number
    return RedirectResponse(
        f"/fleet/incidents/{number}?receipt={received.receipt}", status_code=303
    )
