"""`precinct video search / trace / route / attach` (#4): find a figure and follow it."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from precinct.core.console import JsonOpt, emit, fail, writing
from precinct.video import search_service, trace_service
from precinct.video.cli import CLI_ACTOR, app
from precinct.video.search import (
    Area,
    Roi,
    RoiKind,
    SearchError,
    SearchQuery,
    parse_heading,
    parse_latlons,
    parse_points,
)

Opt = typer.Option


def _area(near: str, radius: float, polygon: str) -> Area | None:
    if near:
        centre = parse_latlons(near, "--near")
        if len(centre) != 1:
            raise SearchError("--near: give one point 'lat,lon'")
        return Area(centre=centre[0], radius_m=radius)
    if polygon:
        return Area(polygon=parse_latlons(polygon, "--polygon"))
    return None


def _roi(camera: str, rule: str, points: str) -> Roi | None:
    if not points:
        return None
    if not camera:
        raise SearchError("--roi needs --roi-camera")
    try:
        kind = RoiKind(rule)
    except ValueError as exc:
        raise SearchError(f"--roi-rule: one of {', '.join(k.value for k in RoiKind)}") from exc
    return Roi(camera, kind, parse_points(points, "--roi"))


def _hit_text(r: dict[str, Any]) -> str:
    heading = f"{r['heading_deg']:.0f}°" if r["heading_deg"] is not None else "—"
    return (
        f"{r['track_id']:>7} {r['camera']:<6} {r['start_at']:%Y-%m-%d %H:%M:%S} "
        f"{r['duration_s']:>6.1f}s {r['object_class']:<8} {','.join(r['colours']):<20} "
        f"heading {heading}"
    )


@app.command("search")
def search_cmd(  # noqa: PLR0913 - one option per filter, as the detective asks
    start: Annotated[str, Opt(help="From (ISO 8601; naive = Shanghai time).")] = "",
    end: Annotated[str, Opt(help="Until (ISO 8601).")] = "",
    camera: Annotated[list[str] | None, Opt(help="Camera code (repeatable).")] = None,
    near: Annotated[str, Opt(help="Cameras within --radius of 'lat,lon'.")] = "",
    radius: Annotated[float, Opt(help="Metres around --near.")] = 500.0,
    polygon: Annotated[str, Opt(help="Cameras inside 'lat,lon;lat,lon;…'.")] = "",
    object_class: Annotated[
        list[str] | None, Opt("--class", help="person, cyclist, vehicle, other (repeatable).")
    ] = None,
    colour: Annotated[str, Opt(help="A dominant colour (black, white, red, green…).")] = "",
    direction: Annotated[str, Opt(help="Compass direction of travel: N, NE… or degrees.")] = "",
    tolerance: Annotated[float, Opt(help="Degrees either side of --direction.")] = 45.0,
    speed_min: Annotated[float | None, Opt(help="Minimum speed, m/s.")] = None,
    speed_max: Annotated[float | None, Opt(help="Maximum speed, m/s.")] = None,
    min_duration: Annotated[float, Opt(help="Minimum seconds in view.")] = 0.0,
    roi_camera: Annotated[str, Opt(help="Camera of the --roi.")] = "",
    roi: Annotated[str, Opt(help="Region 'x,y;x,y;x,y…' or line 'x,y;x,y' in pixels.")] = "",
    roi_rule: Annotated[str, Opt(help="inside, entered, left or crossed.")] = "inside",
    sort: Annotated[str, Opt(help="time, duration, confidence or camera.")] = "time",
    limit: Annotated[int, Opt(help="At most this many results.")] = 200,
    case: Annotated[str, Opt(help="Case number the search is for (audit).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Search the footage index; the search is written to the audit log."""
    try:
        query = SearchQuery(
            start=search_service.parse_when(start, "--start"),
            end=search_service.parse_when(end, "--end"),
            cameras=tuple(camera or ()),
            area=_area(near, radius, polygon),
            classes=tuple(object_class or ()),
            colour=colour,
            heading_deg=parse_heading(direction),
            heading_tolerance=tolerance,
            speed_min=speed_min,
            speed_max=speed_max,
            min_duration_s=min_duration,
            roi=_roi(roi_camera, roi_rule, roi),
            sort=sort,
            limit=limit,
        )
        with writing() as session:
            result = search_service.search(session, CLI_ACTOR, query, case)
    except SearchError as exc:
        fail(str(exc))
    emit([h.__dict__ for h in result.hits], as_json, _hit_text)
    if not as_json:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.per_camera.items()))
        typer.echo(f"{result.total} track(s); by camera: {counts or '—'}", err=True)


def _candidate_text(r: dict[str, Any]) -> str:
    way = "→" if r["forward"] else "←"
    return (
        f"{r['rank']:>3} {way} {r['track_id']:>7} {r['camera']:<6} {r['start_at']:%H:%M:%S} "
        f"{r['class']:<8} {r['distance_m']:>7.0f} m {r['gap_s']:>7.0f} s  score {r['score']:.2f} "
        f"(looks {r['appearance']:.2f}, heading {r['direction']:.2f}, timing {r['timing']:.2f})"
        + (f"  [{r['verdict']}]" if r["verdict"] else "")
    )


@app.command("trace")
def trace_cmd(
    sighting: Annotated[int, typer.Argument(help="Track id of the sighting.")],
    confirm: Annotated[list[int] | None, Opt(help="Confirm this candidate (repeatable).")] = None,
    reject: Annotated[list[int] | None, Opt(help="Reject this candidate (repeatable).")] = None,
    max_gap: Annotated[float, Opt(help="Look this many seconds before and after.")] = 900.0,
    limit: Annotated[int, Opt(help="Show the best N candidates.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Candidate sightings on other cameras, best first; confirm or reject them."""
    from precinct.config import get_settings

    try:
        with writing() as session:
            for verdict, ids in (("confirmed", confirm or []), ("rejected", reject or [])):
                for other in ids:
                    trace_service.judge(session, CLI_ACTOR, (sighting, other), verdict)
            result = trace_service.trace(
                session, CLI_ACTOR, sighting, get_settings().data_dir, max_gap
            )
            rows = result.as_dict()[:limit]
    except trace_service.TraceError as exc:
        fail(str(exc))
    emit(rows, as_json, _candidate_text)


@app.command("route")
def route_cmd(
    track: Annotated[int, typer.Argument(help="Any track of the chain.")],
    as_json: JsonOpt = False,
) -> None:
    """The confirmed chain through a track: cameras and times in order."""
    try:
        with writing() as session:
            rows = trace_service.route_json(trace_service.route(session, track))
    except trace_service.TraceError as exc:
        fail(str(exc))
    emit(
        rows,
        as_json,
        lambda r: (
            f"{r['start_at']:%Y-%m-%d %H:%M:%S} {r['camera']:<6} {r['camera_name']} "
            f"(track {r['track_id']}, {r['class']})"
        ),
    )


@app.command("attach")
def attach_cmd(
    case: Annotated[str, typer.Argument(help="Case number.")],
    tracks: Annotated[list[int], typer.Argument(help="Track ids (several = a route).")],
    route: Annotated[bool, Opt("--route", help="Attach the confirmed chain of the track.")] = False,
    note: Annotated[str, Opt(help="What the lead is.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Attach a track or a route to a case as a lead (shown on the case page)."""
    try:
        with writing() as session:
            ids = [t.id for t in trace_service.route(session, tracks[0])] if route else tracks
            lead = trace_service.attach_lead(session, CLI_ACTOR, case, ids, note)
            row = {"lead": lead.id, "case": case, "kind": lead.kind, "tracks": lead.track_ids}
    except trace_service.TraceError as exc:
        fail(str(exc))
    emit([row], as_json, lambda r: f"lead {r['lead']} ({r['kind']}) on case {r['case']}")
