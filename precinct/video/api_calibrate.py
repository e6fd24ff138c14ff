"""Calibrating a camera in the workbench: click points on its still, give each one's place on
the ground, see each point's residual; and the same as JSON (behind the data-import
permission; every change audited by the service)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.video import calibrate_service as service
from precinct.video.calibrate import GroundUnit
from precinct.web.deps import WriteSession, check_csrf, render, require

router = APIRouter()
Calibrator = Annotated[Actor, require(Permission.DATA_IMPORT)]


def _page(request: Request, session: WriteSession, code: str, **context: Any) -> HTMLResponse:
    try:
        view = service.calibration_view(session, code)
    except service.CalibrationError as exc:
        raise HTTPException(404, str(exc)) from exc
    status = 422 if context.get("error") else 200
    return render(request, "video_calibrate.html", status_code=status, view=view, **context)


@router.get(
    "/video/cameras/{code}/calibration", response_class=HTMLResponse, include_in_schema=False
)
def calibration_page(
    request: Request, session: WriteSession, actor: Calibrator, code: str, saved: int = 0
) -> HTMLResponse:
    return _page(request, session, code, saved=bool(saved), error="", entered="", unit="")


@router.post(
    "/video/cameras/{code}/calibration",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
    response_model=None,
)
def calibration_form(
    request: Request,
    session: WriteSession,
    actor: Calibrator,
    code: str,
    points: Annotated[str, Form(max_length=4000)] = "",
    unit: Annotated[GroundUnit, Form()] = GroundUnit.LATLON,
    clear: Annotated[bool, Form()] = False,
) -> Response:
    lines = [line.strip() for line in points.splitlines() if line.strip()]
    try:
        if clear:
            service.clear_homography(session, actor, code)
        else:
            service.calibrate_camera(session, actor, code, lines, unit)
    except service.CalibrationError as exc:
        session.rollback()
        return _page(
            request, session, code, saved=False, error=str(exc), entered=points, unit=unit.value
        )
    return RedirectResponse(f"/video/cameras/{code}/calibration?saved=1", status_code=303)


class CalibrationIn(BaseModel):
    points: list[str] = Field(min_length=4, max_length=100)
    ground: GroundUnit = GroundUnit.LATLON


@router.post(
    "/api/v1/video/cameras/{code}/calibration", tags=["video"], dependencies=[Depends(check_csrf)]
)
def calibrate_json(
    session: WriteSession, actor: Calibrator, code: str, body: CalibrationIn
) -> dict[str, Any]:
    """Fit and store the camera's ground homography from `PX,PY=A,B` points; returns it with
    each point's residual in metres and the number of stored tracks recomputed."""
    try:
        done = service.calibrate_camera(session, actor, code, body.points, body.ground)
    except service.CalibrationError as exc:
        raise HTTPException(422, str(exc)) from exc
    homography = done.fit.calibration.homography or ()
    return {
        "camera": code,
        "homography": [list(row) for row in homography],
        "residuals_m": list(done.fit.residuals_m),
        "tracks_updated": done.tracks_updated,
    }


@router.delete(
    "/api/v1/video/cameras/{code}/calibration", tags=["video"], dependencies=[Depends(check_csrf)]
)
def clear_json(session: WriteSession, actor: Calibrator, code: str) -> dict[str, Any]:
    """Remove the camera's homography (metres per pixel stays)."""
    try:
        updated = service.clear_homography(session, actor, code)
    except service.CalibrationError as exc:
        raise HTTPException(404, str(exc)) from exc
    return {"camera": code, "tracks_updated": updated}
