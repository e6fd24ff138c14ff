"""`precinct video calibrate`: a camera's ground homography from points clicked on its still."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from precinct.core.console import JsonOpt, emit, fail, writing
from precinct.video.calibrate import GroundUnit
from precinct.video.calibrate_service import (
    CalibrationError,
    calibrate_camera,
    clear_homography,
)
from precinct.video.cli import CLI_ACTOR, app


def _describe(result: dict[str, Any]) -> str:
    if result.get("cleared"):
        return f"{result['camera']}: homography removed; {result['tracks_updated']} tracks updated"
    lines = [
        f"{result['camera']}: homography from {len(result['residuals_m'])} points, "
        f"worst residual {result['worst_m']:.2f} m; {result['tracks_updated']} tracks updated"
    ]
    for number, residual in enumerate(result["residuals_m"], start=1):
        lines.append(f"  point {number}: {residual:.2f} m")
    if len(result["residuals_m"]) == 4:
        lines.append("  (4 points fit exactly: give a 5th to check them)")
    return "\n".join(lines)


@app.command("calibrate")
def calibrate_cmd(
    camera: Annotated[str, typer.Argument(help="Camera code.")],
    point: Annotated[
        list[str] | None,
        typer.Option(
            "--point",
            "-p",
            help="PX,PY=A,B: a pixel of the footage's recorded resolution and its ground "
            "point (lat,lon, or metres east,north with --ground metres). 4 or more.",
        ),
    ] = None,
    ground: Annotated[
        GroundUnit, typer.Option(help="latlon: A,B are latitude,longitude; metres: east,north.")
    ] = GroundUnit.LATLON,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the homography.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Fit the camera's ground homography (pixels → metres) from 4+ points, store it and
    recompute the compass heading and ground speed of its stored tracks (audited)."""
    points = point or []
    if clear == bool(points):
        fail("give 4 or more --point PX,PY=A,B, or --clear")
    try:
        with writing() as session:
            if clear:
                updated = clear_homography(session, CLI_ACTOR, camera)
                result: dict[str, Any] = {"camera": camera, "cleared": True}
            else:
                done = calibrate_camera(session, CLI_ACTOR, camera, points, ground)
                fitted, updated = done.fit, done.tracks_updated
                result = {
                    "camera": camera,
                    "homography": [list(r) for r in fitted.calibration.homography or ()],
                    "residuals_m": list(fitted.residuals_m),
                    "worst_m": fitted.worst_m,
                }
    except CalibrationError as exc:
        fail(str(exc))
    result["tracks_updated"] = updated
    emit([result], as_json, _describe)
