"""Pages and JSON API of linkage: the lead list of a case (an HTMX fragment on the case page),
confirming a lead, the link chart, a resolved person and judgements."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel

from precinct.core.access import Actor, Purpose, PurposeRequired
from precinct.core.auth import Permission
from precinct.core.tabular import parse_datetime
from precinct.linkage import casework, service, views
from precinct.linkage import leads as ranking
from precinct.linkage.chart import case_graph, person_graph
from precinct.web.deps import WriteSession, check_csrf, render, require

router = APIRouter()
CSRF = Depends(check_csrf)
CaseViewer = Annotated[Actor, require(Permission.CASE_VIEW)]
CaseEditor = Annotated[Actor, require(Permission.CASE_EDIT)]
PersonViewer = Annotated[Actor, require(Permission.PERSON_VIEW)]
Importer = Annotated[Actor, require(Permission.DATA_IMPORT)]


def _leads(session: Any, actor: Actor, number: str) -> casework.LeadsReport:
    try:
        return casework.case_leads(session, actor, number)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/api/v1/cases/{number}/leads", tags=["linkage"])
def leads_json(
    session: WriteSession, actor: CaseViewer, number: str, top: int = 20
) -> dict[str, Any]:
    """Ranked leads with reasons, and stolen items found in pawn listings (audited search)."""
    report = _leads(session, actor, number)
    return {
        "case_number": number,
        "seconds": report.seconds,
        "leads": [views.lead_dict(n, x) for n, x in enumerate(report.leads[:top], start=1)],
        "items": [views.item_dict(m) for m in report.items],
        "series": [views.series_dict(x) for x in report.series_cases],
    }


@router.get("/api/v1/cases/{number}/link-chart", tags=["linkage"])
def chart_json(session: WriteSession, actor: CaseViewer, number: str) -> list[dict[str, Any]]:
    """The case's link chart as cytoscape.js elements."""
    report = _leads(session, actor, number)
    return case_graph(number, report.leads, casework.pawned_by(session, report.items))


@router.get("/cases/{number}/leads", response_class=HTMLResponse, include_in_schema=False)
def leads_fragment(
    request: Request, session: WriteSession, actor: CaseViewer, number: str
) -> HTMLResponse:
    report = _leads(session, actor, number)
    elements = case_graph(number, report.leads, casework.pawned_by(session, report.items))
    decided = {d.person_key for d in casework.decisions(session, number)}
    return render(
        request,
        "link_leads.html",
        report=report,
        leads=report.leads[:10],
        elements=elements,
        decided=decided,
        number=number,
        compass=ranking.compass,
        headings=[(deg, ranking.compass(deg)) for deg in range(0, 360, 45)],
    )


@router.post("/cases/{number}/sightings", include_in_schema=False, dependencies=[CSRF])
def sighting_form(
    session: WriteSession,
    actor: CaseEditor,
    number: str,
    camera: Annotated[str, Form()],
    seen_at: Annotated[str, Form()],
    heading: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Add a sighting by hand (camera, local time, compass heading) from the case page."""
    try:
        when = parse_datetime(seen_at.replace("T", " "))
        bearing = float(heading) if heading.strip() else None
        casework.add_sighting(session, actor, number, camera.strip(), when, note.strip(), bearing)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse(f"/cases/{number}#case-leads", status_code=303)


@router.post("/cases/{number}/leads/confirm", include_in_schema=False, dependencies=[CSRF])
def confirm_form(
    session: WriteSession, actor: CaseEditor, number: str, person_key: Annotated[str, Form()]
) -> RedirectResponse:
    try:
        casework.confirm_lead(session, actor, number, person_key)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    return RedirectResponse(f"/cases/{number}#case-leads", status_code=303)


class ConfirmIn(BaseModel):
    person_key: str


@router.post("/api/v1/cases/{number}/leads/confirm", tags=["linkage"], dependencies=[CSRF])
def confirm_json(
    session: WriteSession, actor: CaseEditor, number: str, body: ConfirmIn
) -> dict[str, Any]:
    """Confirm a lead: the person becomes a suspect of the case (audited)."""
    try:
        d = casework.confirm_lead(session, actor, number, body.person_key)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    return {"case_number": number, "person_key": d.person_key, "id_number": d.id_number}


def _person(session: Any, actor: Actor, key: str, purpose: Purpose) -> service.PersonView:
    try:
        view = service.view_person(session, actor, purpose, key)
    except PurposeRequired as exc:
        raise HTTPException(400, str(exc)) from None
    if view is None:
        raise HTTPException(404, "no such person")
    return view


@router.get("/api/v1/link/persons/{key}", tags=["linkage"])
def person_json(
    session: WriteSession, actor: PersonViewer, key: str, case_number: str = "", reason: str = ""
) -> dict[str, Any]:
    """Every record resolved to one person, with sources and match explanations (audited)."""
    view = _person(session, actor, key, Purpose.of(case_number, reason))
    return {
        "person_key": key,
        "best": view.best,
        "records": [views.record_dict(r, view.sources) for r in view.records],
        "matches": [views.match_dict(m) for m in view.matches],
    }


@router.get("/link/persons/{key}", response_class=HTMLResponse, include_in_schema=False)
def person_page(
    request: Request,
    session: WriteSession,
    actor: PersonViewer,
    key: str,
    case_number: str = "",
    reason: str = "",
) -> HTMLResponse:
    view = _person(session, actor, key, Purpose.of(case_number, reason))
    records = [views.record_dict(r, view.sources) for r in view.records]
    matches = [views.match_dict(m) for m in view.matches]
    bikes = service.bikes_of(session, {r["phone"] for r in records if r["phone"]})
    elements = person_graph(key, view.best["name"], records, bikes)
    return render(
        request,
        "link_person.html",
        view=view,
        records=records,
        matches=matches,
        case_number=case_number,
        elements=elements,
    )


class JudgementIn(BaseModel):
    left: str
    right: str
    same: bool
    note: str = ""


@router.post("/api/v1/link/judgements", tags=["linkage"], dependencies=[CSRF])
def judge_json(session: WriteSession, actor: Importer, body: JudgementIn) -> dict[str, Any]:
    """Record a human judgement on two records; it wins over scores on every re-run."""
    try:
        j = service.judge(session, actor, (body.left, body.right), body.same, body.note)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    return {"left": j.left_key, "right": j.right_key, "same": j.same}


@router.get("/link", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, session: WriteSession, actor: CaseViewer) -> HTMLResponse:
    return render(request, "link_sources.html", overview=service.overview(session, actor))


@router.post("/link/judgements", include_in_schema=False, dependencies=[CSRF])
def judge_form(
    session: WriteSession,
    actor: Importer,
    left: Annotated[str, Form()],
    right: Annotated[str, Form()],
    verdict: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/link",
) -> RedirectResponse:
    """Same / not same from the person page; applied at the next resolution run."""
    try:
        service.judge(session, actor, (left, right), verdict == "same")
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    return RedirectResponse(back if back.startswith("/link/") else "/link", status_code=303)
