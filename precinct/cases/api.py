"""Pages and JSON API of cases and alarms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from precinct.cases import service
from precinct.cases.domain import CaseStatus, CaseType
from precinct.cases.store import Alarm, Case
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.web.deps import ReadSession, WriteSession, render, require

router = APIRouter()
CaseViewer = Annotated[Actor, require(Permission.CASE_VIEW)]
AlarmViewer = Annotated[Actor, require(Permission.ALARM_VIEW)]


class CaseSummaryOut(BaseModel):
    number: str
    type: CaseType
    status: CaseStatus
    title: str
    reported_at: datetime
    address: str

    @classmethod
    def of(cls, c: Case) -> CaseSummaryOut:
        return cls(
            number=c.number,
            type=c.case_type,
            status=c.status,
            title=c.title,
            reported_at=c.reported_at,
            address=c.place.address,
        )


class PartyOut(BaseModel):
    role: str
    name: str
    id_number: str


class ItemOut(BaseModel):
    description: str
    serial: str
    value_yuan: Decimal
    status: str


class CaseOut(CaseSummaryOut):
    summary: str
    window_start: datetime
    window_end: datetime
    lat: float
    lon: float
    parties: list[PartyOut]
    items: list[ItemOut]
    alarms: list[str]

    @classmethod
    def full(cls, c: Case) -> CaseOut:
        base = CaseSummaryOut.of(c).model_dump()
        return cls(
            **base,
            summary=c.summary,
            window_start=c.window_start,
            window_end=c.window_end,
            lat=c.place.lat,
            lon=c.place.lon,
            parties=[
                PartyOut(role=p.role, name=p.person.name, id_number=p.person.id_number)
                for p in c.parties
            ],
            items=[
                ItemOut(
                    description=i.description,
                    serial=i.serial,
                    value_yuan=i.value_yuan,
                    status=i.status,
                )
                for i in c.items
            ],
            alarms=[a.number for a in c.alarms],
        )


class AlarmOut(BaseModel):
    number: str
    received_at: datetime
    status: str
    text: str
    address: str
    case_number: str | None

    @classmethod
    def of(cls, a: Alarm) -> AlarmOut:
        return cls(
            number=a.number,
            received_at=a.received_at,
            status=a.status,
            text=a.text,
            address=a.place.address,
            case_number=a.case.number if a.case else None,
        )


@router.get("/api/v1/cases", tags=["cases"])
def cases_json(
    session: ReadSession,
    actor: CaseViewer,
    status: CaseStatus | None = None,
    type: CaseType | None = None,
    limit: int = 200,
) -> list[CaseSummaryOut]:
    """Cases, newest first, optionally filtered by status and type."""
    flt = service.CaseFilter(status, type, min(limit, 1000))
    return [CaseSummaryOut.of(c) for c in service.list_cases(session, actor, flt)]


@router.get("/api/v1/cases/{number}", tags=["cases"])
def case_json(session: WriteSession, actor: CaseViewer, number: str) -> CaseOut:
    """One case with its persons, property and alarms (the view is audited)."""
    case = service.view_case(session, actor, number)
    if case is None:
        raise HTTPException(404, "no such case")
    return CaseOut.full(case)


@router.get("/api/v1/alarms", tags=["alarms"])
def alarms_json(
    session: ReadSession, actor: AlarmViewer, open_only: bool = False, limit: int = 200
) -> list[AlarmOut]:
    """110 alarms, newest first."""
    return [
        AlarmOut.of(a) for a in service.list_alarms(session, actor, open_only, min(limit, 1000))
    ]


@router.get("/cases", response_class=HTMLResponse, include_in_schema=False)
def cases_page(
    request: Request, session: ReadSession, actor: CaseViewer, status: CaseStatus | None = None
) -> HTMLResponse:
    cases = service.list_cases(session, actor, service.CaseFilter(status=status))
    return render(request, "cases.html", cases=cases, status=status, statuses=list(CaseStatus))


@router.get("/cases/{number}", response_class=HTMLResponse, include_in_schema=False)
def case_page(
    request: Request, session: WriteSession, actor: CaseViewer, number: str
) -> HTMLResponse:
    case = service.view_case(session, actor, number)
    if case is None:
        raise HTTPException(404, "no such case")
    total = sum((i.value_yuan for i in case.items), Decimal(0))
    return render(request, "case.html", case=case, total=total)


@router.get("/alarms", response_class=HTMLResponse, include_in_schema=False)
def alarms_page(
    request: Request, session: ReadSession, actor: AlarmViewer, open_only: bool = False
) -> HTMLResponse:
    alarms = service.list_alarms(session, actor, open_only)
    return render(request, "alarms.html", alarms=alarms, open_only=open_only)
