"""The synopsis in the workbench: one camera's window condensed to ≤ 2 minutes, with a list of
every track shown (its synopsis second and real time) that opens the original moment."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.video import synopsis_service
from precinct.video.search import SearchError
from precinct.video.search_service import parse_when
from precinct.web.deps import get_db, get_settings, render, require

router = APIRouter()
CameraViewer = Annotated[Actor, require(Permission.CAMERA_VIEW)]


def _request(camera: str, start: str, end: str) -> synopsis_service.SynopsisRequest:
    try:
        since, until = parse_when(start, "start"), parse_when(end, "end")
    except SearchError as exc:
        raise HTTPException(422, str(exc)) from exc
    if not camera or since is None or until is None or until <= since:
        raise HTTPException(422, "give camera, start and end (end after start)")
    return synopsis_service.SynopsisRequest(camera, since, until)


def _cached(request: Request, req: synopsis_service.SynopsisRequest) -> tuple[Path, dict[str, Any]]:
    """Build once per camera and window; later views reuse the file and its index."""
    key = hashlib.sha256(f"{req.camera}|{req.start}|{req.end}".encode()).hexdigest()[:20]
    folder = get_settings(request).data_dir / "synopsis"
    video, index = folder / f"{key}.mp4", folder / f"{key}.json"
    if not index.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        with get_db(request).read() as session:
            try:
                syn = synopsis_service.build(session, req, video)
            except synopsis_service.SynopsisError as exc:
                raise HTTPException(404, str(exc)) from exc
        synopsis_service.write_index(syn, index)
    return video, json.loads(index.read_text("utf-8"))


@router.get("/video/synopsis", response_class=HTMLResponse, include_in_schema=False)
def synopsis_page(
    request: Request, actor: CameraViewer, camera: str = "", start: str = "", end: str = ""
) -> HTMLResponse:
    req = _request(camera, start, end)
    _, data = _cached(request, req)
    with get_db(request).write() as session:
        synopsis_service.record(session, actor, req, data["tracks"])
    query = request.url.query
    return render(request, "video_synopsis.html", req=req, data=data, query=query)


@router.get("/video/synopsis.mp4", include_in_schema=False)
def synopsis_video(
    request: Request, actor: CameraViewer, camera: str = "", start: str = "", end: str = ""
) -> FileResponse:
    video, _ = _cached(request, _request(camera, start, end))
    return FileResponse(video, media_type="video/mp4", headers={"Cache-Control": "private"})
