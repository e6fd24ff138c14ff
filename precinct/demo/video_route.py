"""The detective's part of the demo's leads: from the suspect's track at his first camera, follow
the cross-camera trace hop by hop as an officer would (take the best forward candidate, confirm
it, look again from there), then attach the confirmed route to the case as a lead.

Only the first track is picked with the rendered truth (the detective recognises the man who
broke the windows in the scene cameras' footage and picks his track as he rides off); every
later hop is the trace's own best candidate. The truth is used again only to report whether
each hop really shows the suspect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy.orm import Session

from precinct.core.access import Actor
from precinct.demo.common import TZ
from precinct.linkage.leads import compass
from precinct.video import trace_service
from precinct.video.store import VideoTrack
from precinct.video.trace import LIKELY_SCORE, Candidate

MAX_HOPS: Final = 12  # a detective following one figure stops looking after this many cameras
RIDE_SLACK: Final = timedelta(seconds=20)
ROUTE_NOTE: Final = "route followed camera to camera from the figure leaving the scene"


@dataclass(frozen=True)
class OnVideo:
    """What the rendered truth says about the suspect on video: his scanned track leaving the
    scene (the figure the detective recognises) and, only to check the route afterwards, every
    track that shows him."""

    first_track_id: int
    suspect_tracks: frozenset[int]
    data_dir: Path | None = None  # where the crops are (the trace compares them)


@dataclass(frozen=True)
class Hop:
    track_id: int
    camera: str
    start: datetime
    end: datetime
    object_class: str
    heading_deg: float | None  # compass direction of travel, from the track and the camera
    score: float | None  # the trace's score for this hop; None for the track picked first


@dataclass(frozen=True)
class FollowedRoute:
    case_number: str
    hops: tuple[Hop, ...]
    stopped: str  # why the detective stopped following
    lead_id: int


def best_forward(
    session: Session, actor: Actor, track_id: int, data_dir: Path | None, taken: set[int]
) -> tuple[Candidate | None, str]:
    """The trace's best candidate for where the figure went next, or why there is none."""
    result = trace_service.trace(session, actor, track_id, data_dir)
    forward = [c for c in result.candidates if c.forward and c.seen.track_id not in taken]
    if not forward:
        return None, "no further camera has a feasible candidate"
    best = forward[0]
    if not best.likely:
        return None, (
            f"the best candidate ({best.seen.camera} {best.seen.start.astimezone(TZ):%H:%M:%S}) "
            f"scores {best.score:.2f}, below the trace's {LIKELY_SCORE:.2f}"
        )
    return best, ""


def _hop(track: VideoTrack, score: float | None) -> Hop:
    seen = trace_service.seen_of(track)
    return Hop(
        track.id,
        seen.camera,
        seen.start,
        seen.end,
        seen.object_class,
        seen.heading_deg,
        score,
    )


def follow_route(
    session: Session,
    actor: Actor,
    case_number: str,
    first_track_id: int,
    data_dir: Path | None = None,
) -> FollowedRoute:
    """Follow the figure from ``first_track_id`` for at most ``MAX_HOPS`` hops, confirming each
    hop, and attach the confirmed route (or the lone track) to the case."""
    chain = [first_track_id]
    scores: dict[int, float | None] = {first_track_id: None}
    stopped = f"stopped after {MAX_HOPS} hops"
    for _ in range(MAX_HOPS):
        best, why = best_forward(session, actor, chain[-1], data_dir, set(chain))
        if best is None:
            stopped = why
            break
        pair = (chain[-1], best.seen.track_id)
        trace_service.judge(session, actor, pair, "confirmed", round(best.score, 3))
        chain.append(best.seen.track_id)
        scores[best.seen.track_id] = round(best.score, 3)
    route = trace_service.route(session, first_track_id)
    lead = trace_service.attach_lead(session, actor, case_number, [t.id for t in route], ROUTE_NOTE)
    hops = tuple(_hop(t, scores.get(t.id)) for t in route)
    return FollowedRoute(case_number, hops, stopped, lead.id)


def _ride_heading(hop: Hop, ride: Sequence[tuple[str, datetime, float]]) -> float | None:
    """The truth's heading of the ride where it passes the hop's camera during the hop."""
    for camera, when, heading in ride:
        if camera == hop.camera and hop.start - RIDE_SLACK <= when <= hop.end + RIDE_SLACK:
            return heading
    return None


def _verdict(hop: Hop, video: OnVideo, ride: Sequence[tuple[str, datetime, float]]) -> str:
    if hop.track_id not in video.suspect_tracks:
        return "✗ not the suspect (truth)"
    truth = _ride_heading(hop, ride)
    if truth is None or hop.heading_deg is None:
        return "✓ the suspect (truth)"
    off = abs((hop.heading_deg - truth + 180) % 360 - 180)
    return f"✓ the suspect (truth), riding {compass(truth)} ({truth:.0f}°, {off:.0f}° off)"


def hop_line(hop: Hop, verdict: str) -> str:
    """One hop as the demo prints it: camera, time, class, heading, score, and the verdict."""
    when = f"{hop.start.astimezone(TZ):%H:%M:%S}–{hop.end.astimezone(TZ):%H:%M:%S}"
    heading = (
        f"heading {compass(hop.heading_deg)} ({hop.heading_deg:.0f}°)"
        if hop.heading_deg is not None
        else "heading unknown"
    )
    score = "picked by the detective" if hop.score is None else f"trace score {hop.score:.2f}"
    return f"{hop.camera} {when} {hop.object_class}, {heading}, {score}: {verdict}"


def route_lines(
    route: FollowedRoute, video: OnVideo, ride: Sequence[tuple[str, datetime, float]]
) -> list[str]:
    """The route as the demo report prints it, each hop checked against the rendered truth
    (does the track show the suspect; does its heading agree with the ride's)."""
    right = sum(1 for h in route.hops if h.track_id in video.suspect_tracks)
    lines = [
        "  route followed on video (the detective recognises the suspect riding off from the "
        "scene: that first track is picked with the truth; every later hop is the trace's best "
        "forward candidate, confirmed):"
    ]
    lines += [
        f"   {n}. {hop_line(hop, _verdict(hop, video, ride))}"
        for n, hop in enumerate(route.hops, start=1)
    ]
    lines.append(
        f"  route: {right} of {len(route.hops)} tracks show the suspect; stopped: "
        f"{route.stopped}; attached to {route.case_number} as video lead {route.lead_id}"
    )
    return lines
