"""One track in the workbench: its facts, the clip with boxes, trace candidates with
confirm/reject, the confirmed route on the map, attaching it to a case; and the case page's
video leads."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import AccessDenied, Actor
from precinct.core.auth import Permission, role_allows
from precinct.video import clip_service, trace_service
from precinct.video.store import VideoTrack
from precinct.web.deps import WriteSession, check_csrf, get_db, get_settings, render, require

router = APIRouter()
CameraViewer = Annotated[Actor, require(Permission.CAMERA_VIEW)]
CaseEditor = Annotated[Actor, require(Permission.CASE_EDIT)]
CaseViewer = Annotated[Actor, require(Permission.CASE_VIEW)]


def _track(session: Session, track_id: int) -> VideoTrack:
    try:
        return trace_service.get_track(session, track_id)
    except trace_service.TraceError as exc:
        raise HTTPException(404, str(exc)) from exc


def _candidates(
    result: trace_service.TraceResult, limit: int = 10
) -> dict[str, list[dict[str, Any]]]:
    """The best candidates where the figure went (forward) and where it came from."""
    rows = result.as_dict()
    for row in rows:
        row["crop"] = result.tracks[row["track_id"]].crop_sha256
    return {
        "forward": [r for r in rows if r["forward"]][:limit],
        "backward": [r for r in rows if not r["forward"]][:limit],
    }


@router.get("/video/tracks/{track_id}", response_class=HTMLResponse, include_in_schema=False)
def track_page(
    request: Request, session: WriteSession, actor: CameraViewer, track_id: int, case: str = ""
) -> HTMLResponse:
    track = _track(session, track_id)
    data_dir = get_settings(request).data_dir
    result = trace_service.trace(session, actor, track_id, data_dir)
    route = trace_service.route_json(trace_service.route(session, track_id))
    zone = ZoneInfo(get_settings(request).timezone)
    points = [
        {
            "lat": r["lat"],
            "lon": r["lon"],
            "label": f"{r['camera']} {r['start_at'].astimezone(zone):%H:%M:%S}",
        }
        for r in route
    ]
    audit.append(
        session,
        audit.AuditEvent(
            actor.username, audit.AuditAction.VIEW, "video_track", str(track_id), case_number=case
        ),
    )
    return render(
        request,
        "video_track.html",
        track=track,
        candidates=_candidates(result),
        route=route,
        points=points,
        case=case,
        can_edit=role_allows(actor.role, Permission.CASE_EDIT),
    )


@router.get("/video/tracks/{track_id}/clip.mp4", include_in_schema=False)
def track_clip(request: Request, actor: CameraViewer, track_id: int) -> FileResponse:
    """The moment of the track, from a few seconds before, boxes drawn (made once, cached).

    Encoding takes seconds: it runs in a read session, and only the audit entry is written
    (sessions opened here, in this thread: a yielded session's exit may run on another thread)."""
    db = get_db(request)
    with db.read() as session:
        track = _track(session, track_id)
        try:
            path = clip_service.ensure_clip(track, get_settings(request).data_dir)
        except clip_service.ClipError as exc:
            raise HTTPException(404, str(exc)) from exc
    with db.write() as session:
        clip_service.record_view(session, actor, track_id)
    return FileResponse(path, media_type="video/mp4", headers={"Cache-Control": "private"})


@router.post(
    "/video/tracks/{track_id}/judge", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def judge_form(
    session: WriteSession,
    actor: CaseEditor,
    track_id: int,
    candidate: Annotated[int, Form()],
    verdict: Annotated[str, Form()],
    case: Annotated[str, Form()] = "",
) -> Response:
    try:
        trace_service.judge(session, actor, (track_id, candidate), verdict)
    except trace_service.TraceError as exc:
        raise HTTPException(400, str(exc)) from exc
    target = candidate if verdict == "confirmed" else track_id
    suffix = f"?case={case}" if case else ""
    return RedirectResponse(f"/video/tracks/{target}{suffix}#route", status_code=303)


@router.post(
    "/video/tracks/{track_id}/attach", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def attach_form(
    session: WriteSession,
    actor: CaseEditor,
    track_id: int,
    case: Annotated[str, Form(max_length=32)],
    whole_route: Annotated[bool, Form()] = False,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    ids = [t.id for t in trace_service.route(session, track_id)] if whole_route else [track_id]
    try:
        trace_service.attach_lead(session, actor, case.strip(), ids, note)
    except trace_service.TraceError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse(f"/cases/{case.strip()}#video-leads", status_code=303)


@router.get("/video/leads/{case_number}", response_class=HTMLResponse, include_in_schema=False)
def leads_fragment(
    request: Request, session: WriteSession, actor: CaseViewer, case_number: str
) -> HTMLResponse:
    """The case page's video leads (loaded into it by HTMX)."""
    leads = trace_service.case_leads(session, actor, case_number)
    rows = [(lead, trace_service.lead_tracks(session, lead)) for lead in leads]
    return render(request, "_video_leads.html", leads=rows, case_number=case_number)


class Judgement(BaseModel):
    sighting: int
    candidate: int
    verdict: str


@router.get("/api/v1/video/tracks/{track_id}/trace", tags=["video"])
def trace_json(
    request: Request, session: WriteSession, actor: CameraViewer, track_id: int
) -> list[dict[str, Any]]:
    """Candidate sightings on other cameras for one track, best first (audited)."""
    _track(session, track_id)
    return trace_service.trace(session, actor, track_id, get_settings(request).data_dir).as_dict()


@router.post("/api/v1/video/judgements", tags=["video"], dependencies=[Depends(check_csrf)])
def judge_json(session: WriteSession, actor: CaseEditor, body: Judgement) -> dict[str, Any]:
    """Confirm or reject a candidate (verdict: confirmed or rejected)."""
    try:
        j = trace_service.judge(session, actor, (body.sighting, body.candidate), body.verdict)
    except (trace_service.TraceError, AccessDenied) as exc:
        raise HTTPException(400, str(exc)) from exc
    return {"sighting": j.sighting_id, "candidate": j.candidate_id, "verdict": j.verdict}


@router.get("/api/v1/video/tracks/{track_id}/route", tags=["video"])
def route_json(session: WriteSession, actor: CameraViewer, track_id: int) -> list[dict[str, Any]]:
    """The confirmed chain through a track: cameras, places and times in order."""
    _track(session, track_id)
    return trace_service.route_json(trace_service.route(session, track_id))
