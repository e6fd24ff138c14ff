"""Calibrating a camera (use case): fit the points, store the homography on the camera, and
recompute the ground figures of its stored tracks; audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.geo import LatLon, offset
from precinct.registry.store import Camera
from precinct.video import store
from precinct.video.calibrate import Fit, GroundUnit, PointPair, fit, parse_pair
from precinct.video.ground import recompute_ground


@dataclass(frozen=True)
class Calibrated:
    fit: Fit
    tracks_updated: int


class CalibrationError(ValueError):
    """A calibration that cannot be stored: unknown camera, bad or degenerate points."""


def _camera(session: Session, code: str) -> Camera:
    camera = session.scalar(select(Camera).where(Camera.code == code))
    if camera is None:
        raise CalibrationError(f"camera {code}: not in the registry")
    return camera


def _frame_size(session: Session, camera: Camera) -> tuple[int, int] | None:
    """The recorded resolution of the camera's footage (the pixels points are clicked in);
    footage of several resolutions cannot share one homography."""
    sizes = {(f.width, f.height) for f in store.list_footage(session, camera.code)}
    if len(sizes) > 1:
        listed = ", ".join(f"{w}×{h}" for w, h in sorted(sizes))
        raise CalibrationError(f"camera {camera.code}: footage at several resolutions ({listed})")
    return next(iter(sizes), None)


def _scale_only(camera: Camera) -> dict[str, Any]:
    """The camera's calibration without its homography: the metres-per-pixel figure (the
    camera file's), if any."""
    return {k: v for k, v in (camera.calibration or {}).items() if k == "metres_per_pixel"}


def parse_pairs(texts: list[str], unit: GroundUnit, camera: Camera) -> list[PointPair]:
    """Every point, with every problem reported at once (numbered from 1)."""
    origin = LatLon(camera.place.lat, camera.place.lon)
    pairs, errors = [], []
    for number, text in enumerate(texts, start=1):
        try:
            pairs.append(parse_pair(text, unit, origin))
        except ValueError as exc:
            errors.append(f"point {number}: {exc}")
    if errors:
        raise CalibrationError("; ".join(errors))
    return pairs


def calibrate_camera(
    session: Session, actor: Actor, code: str, points: list[str], unit: GroundUnit
) -> Calibrated:
    """Fit a ground homography for the camera from 4+ `PX,PY=A,B` points and store it (the
    camera's metres-per-pixel figure, if any, is kept beside it)."""
    actor.require(Permission.DATA_IMPORT)
    camera = _camera(session, code)
    pairs = parse_pairs(points, unit, camera)
    try:
        fitted = fit(pairs, _frame_size(session, camera))
    except ValueError as exc:
        raise CalibrationError(str(exc)) from exc
    camera.calibration = {**_scale_only(camera), **fitted.stored(), "ground_unit": unit.value}
    updated = recompute_ground(session, [camera.id])
    _record(
        session,
        actor,
        code,
        {"points": len(pairs), "residual_m": fitted.worst_m, "tracks_updated": updated},
    )
    return Calibrated(fitted, updated)


def clear_homography(session: Session, actor: Actor, code: str) -> int:
    """Remove the camera's homography (its metres-per-pixel figure stays); returns the tracks
    whose ground figures were recomputed."""
    actor.require(Permission.DATA_IMPORT)
    camera = _camera(session, code)
    camera.calibration = _scale_only(camera) or None
    updated = recompute_ground(session, [camera.id])
    _record(session, actor, code, {"cleared": True, "tracks_updated": updated})
    return updated


@dataclass(frozen=True)
class CalibrationView:
    """What the calibration page shows: the camera, its footage size, and its stored points
    with their residuals under the stored homography."""

    code: str
    name: str
    origin: LatLon
    unit: GroundUnit
    frame_size: tuple[int, int] | None
    metres_per_pixel: float | None
    points: tuple[PointPair, ...]
    residuals_m: tuple[float, ...]

    def lines(self) -> str:
        """The stored points as the form's `PX,PY=A,B` lines, in the unit they were given in."""
        rows = []
        for pair in self.points:
            a, b = round(pair.ground[0], 3), round(pair.ground[1], 3)
            if self.unit is GroundUnit.LATLON:
                place = offset(self.origin, *pair.ground)
                a, b = round(place.lat, 7), round(place.lon, 7)
            rows.append(f"{pair.image[0]:g},{pair.image[1]:g}={a},{b}")
        return "\n".join(rows)


def calibration_view(session: Session, code: str) -> CalibrationView:
    camera = _camera(session, code)
    stored = camera.calibration or {}
    pairs = tuple(
        PointPair((p["image"][0], p["image"][1]), (p["ground"][0], p["ground"][1]))
        for p in stored.get("points", [])
    )
    residuals = fit(list(pairs)).residuals_m if len(pairs) >= 4 else ()
    try:
        size = _frame_size(session, camera)
    except CalibrationError:
        size = None
    origin = LatLon(camera.place.lat, camera.place.lon)
    unit = GroundUnit(stored.get("ground_unit", GroundUnit.LATLON.value))
    mpp = stored.get("metres_per_pixel")
    return CalibrationView(camera.code, camera.name, origin, unit, size, mpp, pairs, residuals)


def _record(session: Session, actor: Actor, code: str, detail: dict[str, Any]) -> None:
    audit.append(
        session,
        audit.AuditEvent(
            actor.username, audit.AuditAction.UPDATE, "camera_calibration", code, detail=detail
        ),
    )
