"""A still of one camera's view, for drawing a region of interest on it in the search page
(behind the camera permission; each still shown is audited)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Response

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.video import store
from precinct.video.search import SearchError
from precinct.video.search_service import parse_when
from precinct.video.still import StillError, still_jpeg
from precinct.web.deps import WriteSession, require

router = APIRouter()
CameraViewer = Annotated[Actor, require(Permission.CAMERA_VIEW)]


@router.get("/video/cameras/{code}/still.jpg", include_in_schema=False)
def camera_still(session: WriteSession, actor: CameraViewer, code: str, at: str = "") -> Response:
    """A frame of the camera's footage at `at` (ISO; default: a few seconds into its first
    file), in the footage's pixels: the search's `roi` points are clicked on it."""
    try:
        when = parse_when(at, "at") if at else None
    except SearchError as exc:
        raise HTTPException(422, str(exc)) from exc
    files = store.list_footage(session, code)
    if not files:
        raise HTTPException(404, f"camera {code}: no footage")
    footage = next((f for f in files if when and f.start_at <= when < f.end_at), files[0])
    offset = (when - footage.start_at).total_seconds() if when and footage.start_at <= when else 0
    offset = offset if offset < footage.duration_s else 0.0
    try:
        jpeg = still_jpeg(Path(footage.original_path), offset, (footage.width, footage.height))
    except StillError as exc:
        raise HTTPException(404, str(exc)) from exc
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.VIEW,
            "camera_still",
            code,
            detail={"footage_sha256": footage.sha256, "at_s": round(offset, 2)},
        ),
    )
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "private"})
