"""Exports: a track's clip as a download (exact re-encode or keyframe-aligned copy) and the
evidence package from the case page, every video lead of the case as one ZIP (both audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.db import utcnow
from precinct.video import clip_service, evidence, trace_service
from precinct.video.clip_service import ClipMode
from precinct.web.deps import check_csrf, get_db, get_settings, require

router = APIRouter()
CaseEditor = Annotated[Actor, require(Permission.CASE_EDIT)]


@router.get("/api/v1/video/tracks/{track_id}/export.mp4", tags=["video"])
def export_clip(
    request: Request, actor: CaseEditor, track_id: int, mode: ClipMode = ClipMode.EXACT
) -> FileResponse:
    """The track's moment as an MP4 download; `mode=copy` is the original packets from the
    keyframe before the start (the true start is in the `X-Clip-Start` header and the audit)."""
    data_dir = get_settings(request).data_dir
    db = get_db(request)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    with db.read() as session:
        try:
            track = trace_service.get_track(session, track_id)
        except trace_service.TraceError as exc:
            raise HTTPException(404, str(exc)) from exc
        out = data_dir / "exports" / f"track-{track_id}-{mode.value}-{stamp}.mp4"
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            result = clip_service.render_clip(track, out, mode)
        except clip_service.ClipError as exc:
            raise HTTPException(400, str(exc)) from exc
        detail = {"file": out.name, "source_sha256": track.footage.sha256} | result.facts()
    with db.write() as session:
        event = audit.AuditEvent(
            actor.username, audit.AuditAction.EXPORT, "video_clip", str(track_id), detail=detail
        )
        audit.append(session, event)
    headers = {"X-Clip-Start": str(detail["clip_start"]), "X-Clip-Mode": mode.value}
    return FileResponse(out, media_type="video/mp4", filename=out.name, headers=headers)


@router.post(
    "/video/evidence/{case_number}", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def evidence_zip(
    request: Request,
    actor: CaseEditor,
    case_number: str,
    mode: Annotated[ClipMode, Form()] = ClipMode.EXACT,
) -> FileResponse:
    """Clips, crops, routes, manifest (SHA-256) and report of the case's video leads, zipped;
    the package stays under the data folder's `evidence/` and the export is audited."""
    data_dir = get_settings(request).data_dir
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    folder = data_dir / "evidence" / f"{case_number}-{stamp}"
    db = get_db(request)
    with db.read() as session:
        try:
            req = evidence.ExportRequest(case_number, data_dir, folder, mode=mode)
            pkg = evidence.build_package(session, actor, req)
        except (evidence.EvidenceError, clip_service.ClipError) as exc:
            raise HTTPException(400, str(exc)) from exc
    with db.write() as session:
        evidence.record_export(session, pkg)
    archive = evidence.zip_folder(folder, folder.with_suffix(".zip"))
    return FileResponse(archive, media_type="application/zip", filename=archive.name)
