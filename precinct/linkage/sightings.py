"""A case's sightings of the offender, as leads ranking reads them: the ones entered by hand
(camera, time, heading) and the video tracks and confirmed routes attached to the case as leads,
read through the video capability's service (one sighting per track: camera, the middle of its
time on screen, class, compass heading)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from precinct.cases import service as cases
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.linkage import leads as ranking
from precinct.linkage.geo import Point
from precinct.linkage.store import LinkSighting, sightings_of
from precinct.registry import service as registry
from precinct.video import trace_service


def add_sighting(
    session: Session,
    actor: Actor,
    case_number: str,
    camera: str,
    seen_at: Any,
    note: str = "",
    heading_deg: float | None = None,
) -> LinkSighting:
    """Enter a sighting by hand; ``heading_deg`` is the compass direction of travel (0 = N)."""
    actor.require(Permission.CASE_EDIT)
    if not cases.case_exists(session, case_number):
        raise LookupError(f"no case {case_number}")
    if heading_deg is not None and not 0 <= heading_deg < 360:
        raise ValueError(f"heading {heading_deg}: must be a compass bearing from 0 to 359")
    found = registry.get_camera(session, actor, camera)
    if found is None:
        raise LookupError(f"no camera {camera}")
    row = LinkSighting(
        case_number=case_number,
        camera=camera,
        seen_at=seen_at,
        lat=found.place.lat,
        lon=found.place.lon,
        note=note,
        heading_deg=heading_deg,
        entered_by=actor.username,
    )
    session.add(row)
    session.flush()
    return row


def _entered(row: LinkSighting) -> ranking.Sighting:
    where = Point(row.lat, row.lon)
    return ranking.Sighting(row.camera, row.seen_at, where, row.note, row.heading_deg)


def video_sightings(session: Session, actor: Actor, case_number: str) -> list[ranking.Sighting]:
    """One sighting per track attached to the case (alone or in a confirmed route)."""
    found: dict[int, ranking.Sighting] = {}
    for lead in trace_service.case_leads(session, actor, case_number):
        for track in trace_service.lead_tracks(session, lead):
            if track.id in found:
                continue
            seen = trace_service.seen_of(track)
            note = f"video track {track.id} ({lead.kind} lead {lead.id})"
            found[track.id] = ranking.Sighting(
                seen.camera,
                seen.start + (seen.end - seen.start) / 2,
                Point(seen.at.lat, seen.at.lon),
                note,
                seen.heading_deg,
                seen.object_class,
                "video",
            )
    return list(found.values())


def case_sightings(session: Session, actor: Actor, case_number: str) -> list[ranking.Sighting]:
    """Every sighting of the case, entered and from video, in time order."""
    entered = [_entered(s) for s in sightings_of(session, case_number)]
    both = entered + video_sightings(session, actor, case_number)
    return sorted(both, key=lambda s: s.at)
