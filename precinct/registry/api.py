"""Pages and JSON API of the registry: persons (purpose required, audited) and cameras."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from precinct.core.access import Actor, Purpose, PurposeRequired
from precinct.core.auth import Permission
from precinct.core.identifiers import ResidentId
from precinct.registry import service
from precinct.registry.store import Camera, Person
from precinct.web.deps import WriteSession, render, require

router = APIRouter()
PersonViewer = Annotated[Actor, require(Permission.PERSON_VIEW)]
CameraViewer = Annotated[Actor, require(Permission.CAMERA_VIEW)]
CaseNumber = Annotated[str, Query(max_length=32, description="Case the lookup serves")]
Reason = Annotated[str, Query(max_length=500, description="Stated reason when no case")]


class PersonOut(BaseModel):
    id: int
    id_number: str
    name: str
    sex: str
    birth_date: date
    region: str
    address: str
    phones: list[str]

    @classmethod
    def of(cls, p: Person) -> PersonOut:
        return cls(
            id=p.id,
            id_number=p.id_number,
            name=p.name,
            sex=p.sex,
            birth_date=p.birth_date,
            region=ResidentId(p.id_number).region,
            address=p.address,
            phones=[ph.phone for ph in p.phones],
        )


class CameraOut(BaseModel):
    code: str
    name: str
    address: str
    lat: float
    lon: float
    heading_deg: float | None
    calibration: dict[str, Any] | None

    @classmethod
    def of(cls, c: Camera) -> CameraOut:
        return cls(
            code=c.code,
            name=c.name,
            address=c.place.address,
            lat=c.place.lat,
            lon=c.place.lon,
            heading_deg=c.heading_deg,
            calibration=c.calibration,
        )


def _purpose_or_400(case_number: str, reason: str) -> Purpose:
    purpose = Purpose.of(case_number, reason)
    try:
        purpose.require_stated()
    except PurposeRequired as exc:
        raise HTTPException(400, str(exc)) from exc
    return purpose


@router.get("/api/v1/persons", tags=["persons"])
def search_persons_json(
    session: WriteSession,
    actor: PersonViewer,
    q: Annotated[str, Query(min_length=1, max_length=64)],
    case_number: CaseNumber = "",
    reason: Reason = "",
) -> list[PersonOut]:
    """Search residents by name, ID number or phone prefix. Needs a case number or a reason;
    every search is written to the audit log."""
    purpose = _purpose_or_400(case_number, reason)
    return [PersonOut.of(p) for p in service.search_persons(session, actor, purpose, q)]


@router.get("/api/v1/persons/{person_id}", tags=["persons"])
def view_person_json(
    session: WriteSession,
    actor: PersonViewer,
    person_id: int,
    case_number: CaseNumber = "",
    reason: Reason = "",
) -> PersonOut:
    """One resident (audited; needs a case number or a reason)."""
    purpose = _purpose_or_400(case_number, reason)
    person = service.view_person(session, actor, purpose, person_id)
    if person is None:
        raise HTTPException(404, "no such person")
    return PersonOut.of(person)


@router.get("/api/v1/cameras", tags=["cameras"])
def cameras_json(session: WriteSession, actor: CameraViewer) -> list[CameraOut]:
    """Every camera with its position, heading and calibration."""
    return [CameraOut.of(c) for c in service.list_cameras(session, actor)]


@router.get("/persons", response_class=HTMLResponse, include_in_schema=False)
def persons_page(
    request: Request,
    session: WriteSession,
    actor: PersonViewer,
    q: str = "",
    case_number: CaseNumber = "",
    reason: Reason = "",
) -> HTMLResponse:
    purpose = Purpose.of(case_number, reason)
    context: dict[str, Any] = {
        "q": q,
        "purpose": purpose,
        "results": None,
        "error": "",
        "limit": service.SEARCH_LIMIT,
    }
    if q:
        try:
            context["results"] = service.search_persons(session, actor, purpose, q)
        except PurposeRequired:
            context["error"] = "purpose.required"
    return render(request, "persons.html", **context)


@router.get("/persons/{person_id}", response_class=HTMLResponse, include_in_schema=False)
def person_page(
    request: Request,
    session: WriteSession,
    actor: PersonViewer,
    person_id: int,
    case_number: CaseNumber = "",
    reason: Reason = "",
) -> HTMLResponse:
    purpose = Purpose.of(case_number, reason)
    try:
        person = service.view_person(session, actor, purpose, person_id)
    except PurposeRequired:
        return render(
            request,
            "persons.html",
            400,
            q="",
            purpose=purpose,
            results=None,
            error="purpose.required",
        )
    if person is None:
        raise HTTPException(404, "no such person")
    rid = ResidentId(person.id_number)
    return render(request, "person.html", person=person, rid=rid, purpose=purpose)


@router.get("/cameras", response_class=HTMLResponse, include_in_schema=False)
def cameras_page(request: Request, session: WriteSession, actor: CameraViewer) -> HTMLResponse:
    cameras = [CameraOut.of(c).model_dump() for c in service.list_cameras(session, actor)]
    return render(request, "cameras.html", cameras=cameras)
