"""Pages and JSON API of video investigation (#4): search with a contact sheet, counts per camera
on the map and a timeline; crops served behind the camera permission. Track, trace, clip and
lead routes live in `api_track.py` and are included here."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy.orm import Session

from precinct.cases import service as cases_service
from precinct.core.access import Actor
from precinct.core.auth import Permission, role_allows
from precinct.video import (
    api_calibrate,
    api_export,
    api_still,
    api_synopsis,
    api_track,
    search_service,
)
from precinct.video.index import crop_path
from precinct.video.search import (
    CLASSES,
    COLOURS,
    COMPASS,
    SORTS,
    Area,
    Roi,
    RoiKind,
    SearchError,
    SearchQuery,
    parse_heading,
    parse_latlons,
    parse_points,
)
from precinct.web.deps import WriteSession, get_settings, render, require

router = APIRouter()
router.include_router(api_track.router)
router.include_router(api_synopsis.router)
router.include_router(api_export.router)
router.include_router(api_still.router)
router.include_router(api_calibrate.router)
CameraViewer = Annotated[Actor, require(Permission.CAMERA_VIEW)]
SHA = re.compile(r"^[0-9a-f]{64}$")
CASE_RADIUS_M = 1500.0
CASE_MARGIN = timedelta(minutes=30)
ALARM_LOOKBACK = timedelta(hours=6)  # an alarm without a case: the night before the call


def _float(params: dict[str, str], name: str) -> float | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise SearchError(f"{name}: {text!r} is not a number") from exc


def _area(params: dict[str, str]) -> Area | None:
    if params.get("near", "").strip():
        (centre,) = parse_latlons(params["near"], "near")[:1]
        return Area(centre=centre, radius_m=_float(params, "radius") or 500.0)
    if params.get("polygon", "").strip():
        return Area(polygon=parse_latlons(params["polygon"], "polygon"))
    return None


def query_of(params: dict[str, str], classes: list[str], limit: int = 200) -> SearchQuery:
    """A search from form or query-string fields (the page and the JSON API share it)."""
    cameras = tuple(c.strip() for c in params.get("cameras", "").split(",") if c.strip())
    return SearchQuery(
        start=search_service.parse_when(params.get("start", ""), "start"),
        end=search_service.parse_when(params.get("end", ""), "end"),
        cameras=cameras,
        area=_area(params),
        classes=tuple(c for c in classes if c),
        colour=params.get("colour", "").strip(),
        heading_deg=parse_heading(params.get("direction", "")),
        heading_tolerance=_float(params, "tolerance") or 45.0,
        speed_min=_float(params, "speed_min"),
        speed_max=_float(params, "speed_max"),
        min_duration_s=_float(params, "min_duration") or 0.0,
        roi=_roi(params),
        sort=params.get("sort", "time") or "time",
        limit=limit,
    )


def _roi(params: dict[str, str]) -> Roi | None:
    points = params.get("roi", "").strip()
    if not points:
        return None
    camera = params.get("roi_camera", "").strip()
    if not camera:
        raise SearchError("roi: give roi_camera too")
    try:
        kind = RoiKind(params.get("roi_rule", "inside") or "inside")
    except ValueError as exc:
        raise SearchError(f"roi_rule: one of {', '.join(k.value for k in RoiKind)}") from exc
    return Roi(camera, kind, parse_points(points, "roi"))


def _case_defaults(session: Session, actor: Actor, number: str) -> dict[str, str]:
    """A case's place and time window as search fields: where to start looking."""
    if not role_allows(actor.role, Permission.CASE_VIEW):
        return {}
    case = cases_service.view_case(session, actor, number)
    if case is None:
        return {}
    start, end = case.window_start - CASE_MARGIN, case.window_end + CASE_MARGIN
    return {
        "start": start.astimezone(_zone()).strftime("%Y-%m-%dT%H:%M"),
        "end": end.astimezone(_zone()).strftime("%Y-%m-%dT%H:%M"),
        "near": f"{case.place.lat:.6f},{case.place.lon:.6f}",
        "radius": f"{CASE_RADIUS_M:.0f}",
        "sort": "duration",  # who lingered at the scene comes first
    }


def _alarm_defaults(session: Session, actor: Actor, number: str) -> dict[str, str]:
    """An alarm's place, and its case's window (or the hours before the call) as search
    fields; with a case, the search is made for that case (leads are attached to it)."""
    if not role_allows(actor.role, Permission.ALARM_VIEW):
        return {}
    alarm = cases_service.get_alarm(session, actor, number)
    if alarm is None:
        return {}
    fields: dict[str, str] = {}
    if alarm.case is not None and role_allows(actor.role, Permission.CASE_VIEW):
        fields = _case_defaults(session, actor, alarm.case.number) | {"case": alarm.case.number}
    else:
        start, end = alarm.received_at - ALARM_LOOKBACK, alarm.received_at + CASE_MARGIN
        fields["start"] = start.astimezone(_zone()).strftime("%Y-%m-%dT%H:%M")
        fields["end"] = end.astimezone(_zone()).strftime("%Y-%m-%dT%H:%M")
        fields |= {"radius": f"{CASE_RADIUS_M:.0f}", "sort": "duration"}
    return fields | {"near": f"{alarm.place.lat:.6f},{alarm.place.lon:.6f}"}


def _defaults(session: Session, actor: Actor, params: dict[str, str]) -> dict[str, str]:
    """Where to start looking when the page is opened from a case or an alarm."""
    if any(params.get(k) for k in ("start", "end", "near", "cameras", "go")):
        return params
    alarm = params.pop("alarm", "").strip()
    if alarm:
        return params | _alarm_defaults(session, actor, alarm)
    case = params.get("case", "").strip()
    return params | _case_defaults(session, actor, case) if case else params


def _zone() -> Any:
    from precinct.core.tabular import SHANGHAI

    return SHANGHAI


def timeline(hits: list[Any], q: SearchQuery) -> dict[str, Any]:
    """Rows per camera with each hit's place (percent) on a common time axis."""
    if not hits:
        return {"rows": [], "start": None, "end": None}
    start = q.start or min(h.start_at for h in hits)
    end = q.end or max(h.end_at for h in hits)
    span = max((end - start).total_seconds(), 1.0)
    rows: dict[str, list[dict[str, Any]]] = {}
    for h in hits:
        left = 100 * (h.start_at - start).total_seconds() / span
        width = max(100 * h.duration_s / span, 0.4)
        rows.setdefault(h.camera, []).append(
            {"id": h.track_id, "left": max(0.0, min(left, 99.6)), "width": width}
        )
    return {"rows": sorted(rows.items()), "start": start, "end": end}


def _params(request: Request) -> tuple[dict[str, str], list[str]]:
    params = {k: v for k, v in request.query_params.items() if k != "class"}
    return params, request.query_params.getlist("class")


@router.get("/api/v1/video/search", tags=["video"])
def search_json(request: Request, session: WriteSession, actor: CameraViewer) -> dict[str, Any]:
    """Search the footage index. Query fields: start, end (ISO), cameras (comma list), near
    (lat,lon) + radius (m) or polygon (lat,lon;…), class (repeatable), colour, direction
    (N, NE… or degrees) + tolerance, speed_min/speed_max (m/s), min_duration (s), sort, limit,
    case; roi (x,y;x,y;… in pixels) + roi_camera + roi_rule (inside, entered, left, crossed).
    The search is audited."""
    params, classes = _params(request)
    try:
        limit = int(params.get("limit", "200") or 200)
        q = query_of(params, classes, limit)
    except (SearchError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from exc
    result = search_service.search(session, actor, q, params.get("case", ""))
    return result.as_dict()


@router.get("/video", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, session: WriteSession, actor: CameraViewer) -> HTMLResponse:
    params, classes = _params(request)
    params = _defaults(session, actor, params)
    params.pop("alarm", None)
    case = params.get("case", "").strip()
    form = defaultdict(str, {"radius": "500"} | params)
    context: dict[str, Any] = {"form": form, "classes": classes, "case": case}
    context |= {"all_classes": CLASSES, "colours": COLOURS, "compass": list(COMPASS)}
    context |= {"sorts": SORTS, "error": "", "result": None, "timeline": None}
    context["cameras"] = search_service.camera_rows(session)
    if params or classes:
        try:
            q = query_of(params, classes)
            result = search_service.search(session, actor, q, case)
            context |= {"result": result, "timeline": timeline(result.hits, q)}
        except SearchError as exc:
            context["error"] = str(exc)
    return render(request, "video_search.html", **context)


@router.get("/video/crops/{sha}.jpg", include_in_schema=False)
def crop(request: Request, actor: CameraViewer, sha: str) -> FileResponse:
    """A track's best crop (content-addressed); only for roles that may view cameras."""
    if not SHA.match(sha):
        raise HTTPException(404, "no such crop")
    path = crop_path(get_settings(request).data_dir, sha)
    if not path.is_file():
        raise HTTPException(404, "no such crop")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private"})
