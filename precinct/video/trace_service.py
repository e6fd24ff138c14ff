"""Use cases of the cross-camera trace (#4): rank candidates for one sighting, store the officer's
confirm/reject judgements, follow the confirmed chain as a route, attach tracks and routes to a
case as leads. Every trace, judgement and attachment is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from precinct.cases import service as cases_service
from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.geo import LatLon
from precinct.video.index import crop_path
from precinct.video.store import TraceJudgement, VideoLead, VideoTrack
from precinct.video.trace import COMPATIBLE, Candidate, Seen, looks, rank

MAX_GAP_S = 900.0
VERDICTS = ("confirmed", "rejected")


class TraceError(ValueError):
    """A trace, judgement or lead cannot be made as asked."""


def _crop(track: VideoTrack, data_dir: Path | None) -> np.ndarray | None:
    if data_dir is None or not track.crop_sha256:
        return None
    path = crop_path(data_dir, track.crop_sha256)
    image = cv2.imread(str(path)) if path.is_file() else None
    return np.asarray(image, np.uint8) if image is not None and image.size else None


def seen_of(track: VideoTrack, data_dir: Path | None = None) -> Seen:
    """The track as the trace sees it. With its crop, the crop is first corrected for the light
    around the figure, and its colours are named and histogrammed from the corrected crop, so
    the same coat under a sodium lamp and under white light compares alike; without, the
    colours the scan named."""
    place = track.camera.place
    colours = tuple(c for c in track.colours.split(",") if c)
    hist = None
    image = _crop(track, data_dir)
    if image is not None:
        colours, hist = looks(image)
    return Seen(
        track_id=track.id,
        camera=track.camera.code,
        at=LatLon(place.lat, place.lon),
        start=track.start_at,
        end=track.end_at,
        object_class=track.object_class,
        colours=colours,
        heading_deg=track.compass_deg,
        histogram=hist,
    )


def get_track(session: Session, track_id: int) -> VideoTrack:
    track = session.get(VideoTrack, track_id)
    if track is None:
        raise TraceError(f"track {track_id}: no such track")
    return track


def _nearby_in_time(session: Session, track: VideoTrack, max_gap_s: float) -> list[VideoTrack]:
    gap = timedelta(seconds=max_gap_s)
    stmt = select(VideoTrack).where(
        VideoTrack.start_at <= track.end_at + gap,
        VideoTrack.end_at >= track.start_at - gap,
        VideoTrack.camera_id != track.camera_id,
        VideoTrack.object_class.in_(sorted(COMPATIBLE[track.object_class])),
    )
    return list(session.scalars(stmt))


@dataclass
class TraceResult:
    sighting: VideoTrack
    candidates: list[Candidate]
    verdicts: dict[int, str]
    tracks: dict[int, VideoTrack]

    def as_dict(self) -> list[dict[str, Any]]:
        rows = []
        for n, c in enumerate(self.candidates, start=1):
            t = self.tracks[c.seen.track_id]
            rows.append(
                {
                    "rank": n,
                    "track_id": t.id,
                    "camera": c.seen.camera,
                    "class": t.object_class,
                    "start_at": t.start_at,
                    "end_at": t.end_at,
                    "forward": c.forward,
                    "distance_m": c.distance_m,
                    "gap_s": c.gap_s,
                    "score": round(c.score, 3),
                    "appearance": round(c.appearance, 3),
                    "direction": round(c.direction, 3),
                    "timing": round(c.timing, 3),
                    "colours": list(c.seen.colours),
                    "verdict": self.verdicts.get(t.id, ""),
                }
            )
        return rows


def verdicts_of(session: Session, sighting_id: int) -> dict[int, str]:
    stmt = select(TraceJudgement).where(
        or_(TraceJudgement.sighting_id == sighting_id, TraceJudgement.candidate_id == sighting_id)
    )
    out = {}
    for j in session.scalars(stmt):
        other = j.candidate_id if j.sighting_id == sighting_id else j.sighting_id
        out[other] = j.verdict
    return out


def trace(
    session: Session,
    actor: Actor,
    track_id: int,
    data_dir: Path | None = None,
    max_gap_s: float = MAX_GAP_S,
) -> TraceResult:
    """Candidates on other cameras for one sighting, best first (the trace is audited)."""
    actor.require(Permission.CAMERA_VIEW)
    track = get_track(session, track_id)
    others = _nearby_in_time(session, track, max_gap_s)
    ranked = rank(seen_of(track, data_dir), [seen_of(o, data_dir) for o in others])
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.SEARCH,
            "video_trace",
            str(track_id),
            detail={"candidates": len(ranked), "top": [c.seen.track_id for c in ranked[:5]]},
        ),
    )
    tracks = {o.id: o for o in others}
    return TraceResult(track, ranked, verdicts_of(session, track_id), tracks)


def judge(
    session: Session, actor: Actor, pair: tuple[int, int], verdict: str, score: float | None = None
) -> TraceJudgement:
    """Confirm or reject that `pair` (sighting, candidate) shows the same figure."""
    actor.require(Permission.CASE_EDIT)
    if verdict not in VERDICTS:
        raise TraceError(f"verdict: one of {', '.join(VERDICTS)}")
    sighting, candidate = get_track(session, pair[0]), get_track(session, pair[1])
    if sighting.id == candidate.id:
        raise TraceError("a track cannot be judged against itself")
    found = session.scalar(
        select(TraceJudgement).where(
            TraceJudgement.sighting_id == sighting.id,
            TraceJudgement.candidate_id == candidate.id,
        )
    )
    if found is None:
        found = TraceJudgement(sighting_id=sighting.id, candidate_id=candidate.id)
        session.add(found)
    found.verdict, found.score, found.judged_by = verdict, score, actor.username
    session.flush()
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.UPDATE,
            "video_trace",
            str(sighting.id),
            detail={"candidate": candidate.id, "verdict": verdict},
        ),
    )
    return found


def route(session: Session, track_id: int) -> list[VideoTrack]:
    """The confirmed chain through a track: every track linked by confirmed judgements, in
    time order."""
    get_track(session, track_id)
    seen, todo = {track_id}, [track_id]
    while todo:
        current = todo.pop()
        stmt = select(TraceJudgement).where(
            TraceJudgement.verdict == "confirmed",
            or_(TraceJudgement.sighting_id == current, TraceJudgement.candidate_id == current),
        )
        for j in session.scalars(stmt):
            for other in (j.sighting_id, j.candidate_id):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    tracks = [get_track(session, i) for i in seen]
    return sorted(tracks, key=lambda t: (t.start_at, t.id))


def route_json(tracks: list[VideoTrack]) -> list[dict[str, Any]]:
    return [
        {
            "track_id": t.id,
            "camera": t.camera.code,
            "camera_name": t.camera.name,
            "lat": t.camera.place.lat,
            "lon": t.camera.place.lon,
            "class": t.object_class,
            "start_at": t.start_at,
            "end_at": t.end_at,
            "crop": t.crop_sha256,
        }
        for t in tracks
    ]


def attach_lead(
    session: Session, actor: Actor, case_number: str, track_ids: list[int], note: str = ""
) -> VideoLead:
    """Attach one track (kind 'track') or a route of several (kind 'route') to a case."""
    actor.require(Permission.CASE_EDIT)
    if not cases_service.case_exists(session, case_number):
        raise TraceError(f"case {case_number!r}: no such case")
    if not track_ids:
        raise TraceError("no track to attach")
    for track_id in track_ids:
        get_track(session, track_id)
    kind = "route" if len(track_ids) > 1 else "track"
    lead = VideoLead(
        case_number=case_number,
        kind=kind,
        track_ids=list(track_ids),
        note=note,
        created_by=actor.username,
    )
    session.add(lead)
    session.flush()
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.CREATE,
            "video_lead",
            str(lead.id),
            case_number=case_number,
            detail={"kind": kind, "tracks": list(track_ids)},
        ),
    )
    return lead


def case_leads(session: Session, actor: Actor, case_number: str) -> list[VideoLead]:
    actor.require(Permission.CASE_VIEW)
    stmt = select(VideoLead).where(VideoLead.case_number == case_number)
    return list(session.scalars(stmt.order_by(VideoLead.created_at, VideoLead.id)))


def lead_tracks(session: Session, lead: VideoLead) -> list[VideoTrack]:
    tracks = [session.get(VideoTrack, i) for i in lead.track_ids]
    return sorted((t for t in tracks if t is not None), key=lambda t: t.start_at)
