"""The demo's video part: render the night's footage, ingest and scan it with the real engine,
and report where the index has the suspect (checked against the rendered ground truth)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.demo.calibration import demo_calibration
from precinct.demo.common import TZ, Progress
from precinct.demo.video import FootageSpec, FootageTruth, PasserTruth, render_night
from precinct.demo.video_route import OnVideo
from precinct.demo.video_scene import SCENE_CAMERAS
from precinct.linkage.leads import compass
from precinct.registry.store import Camera
from precinct.video import index, service
from precinct.video.evaluate import Labelled, overlap_frames, score
from precinct.video.ground import recompute_ground
from precinct.video.scan import ScanConfig
from precinct.video.store import VideoTrack
from precinct.video.types import Box

DEMO_ACTOR = Actor("demo", Role.ADMIN)


@dataclass(frozen=True)
class Sighting:
    truth: PasserTruth
    track: VideoTrack | None


@dataclass(frozen=True)
class VideoStage:
    truth: FootageTruth
    scan: index.ScanSummary
    sightings: list[Sighting]
    passers_found: int  # ≥ half of the passer's frames covered (IoU ≥ 0.3)
    passers_seen: int  # ≥ 1 s of the passer covered
    suspect_tracks: frozenset[int] = frozenset()  # every track that shows the suspect


def _calibrate(session: Session, spec: FootageSpec) -> None:
    """The rendered cameras' homographies for the resolution the footage is rendered at (and
    the stored headings and speeds of any tracks already at them, recomputed)."""
    cameras = list(session.scalars(select(Camera).where(Camera.code.in_(spec.cameras))))
    for camera in cameras:
        mpp = (camera.calibration or {}).get("metres_per_pixel")
        camera.calibration = demo_calibration(camera.code, mpp, spec.width, spec.height)
    recompute_ground(session, [camera.id for camera in cameras])


def _ingest(db: Database, truth: FootageTruth, spec: FootageSpec) -> dict[str, int]:
    items = [service.IngestItem(truth.folder / f.file, f.camera, f.start) for f in truth.files]
    with db.write() as session:
        _calibrate(session, spec)
        service.ingest(session, DEMO_ACTOR, items)
    with db.read() as session:
        return {f.camera.code: f.id for f in service.list_footage(session, DEMO_ACTOR, None)}


def truth_labelled(passer: PasserTruth) -> Labelled:
    """A rendered passer as `evaluate` scores it (its truth boxes are 1-based frames)."""
    boxes = {b[0] - 1: Box(*map(float, b[1:])) for b in passer.boxes}
    return Labelled(passer.id, str(passer.object_class), boxes)


def _best_track(target: Labelled, tracks: list[tuple[VideoTrack, Labelled]]) -> VideoTrack | None:
    """The reported track that covers most of the passer's frames (IoU ≥ 0.3), if any."""
    best, best_frames = None, 0
    for track, mine in tracks:
        frames = len(overlap_frames(target, mine, 0.3))
        if frames > best_frames:
            best, best_frames = track, frames
    return best


def shows(passer: Labelled, track: Labelled) -> bool:
    """Does the track show the passer for at least half of its boxes (IoU ≥ 0.3)?"""
    return len(overlap_frames(passer, track, 0.3)) * 2 >= max(len(track.boxes), 1)


def run_video_stage(
    db: Database, data_dir: Path, spec: FootageSpec, progress: Progress | None = None
) -> VideoStage:
    truth = render_night(spec, data_dir / "footage", progress)
    footage = _ingest(db, truth, spec)
    summary = index.scan_footage(db, DEMO_ACTOR, index.ScanRequest(data_dir, ScanConfig()))
    found, seen, sightings, suspect = 0, 0, [], set()
    with db.read() as session:
        for code, footage_id in footage.items():
            tracks = [(t, index.labelled(t)) for t in index.footage_tracks(session, footage_id)]
            passers = [(p, truth_labelled(p)) for p in truth.passers if p.camera == code]
            boxes, labelled = [b for _, b in passers], [lab for _, lab in tracks]
            found += score(boxes, labelled).found
            seen += score(boxes, labelled, min_frames=spec.fps).found
            sightings += [Sighting(p, _best_track(b, tracks)) for p, b in passers if p.is_suspect]
            suspect |= {
                t.id for t, lab in tracks for p, b in passers if p.is_suspect and shows(b, lab)
            }
    sightings.sort(key=lambda s: truth.when(s.truth, s.truth.enter_t))
    return VideoStage(truth, summary, sightings, found, seen, frozenset(suspect))


def video_lines(stage: VideoStage) -> list[str]:
    s = stage.scan
    lines = [
        "Video (the night's footage, rendered, ingested and scanned):",
        f"  {len(stage.truth.files)} cameras, {s.footage_s / 3600:.2f} footage-h scanned in "
        f"{s.wall_s:.0f} s ({s.footage_hours_per_minute:.2f} footage-h/min, "
        f"{s.active_s / max(s.footage_s, 1):.0%} of the time active)",
        f"  {s.tracks} tracks: " + ", ".join(f"{k} {v}" for k, v in sorted(s.by_class.items())),
        f"  passers (against the rendered ground truth): {stage.passers_seen}/"
        f"{len(stage.truth.passers)} tracked for ≥ 1 s, {stage.passers_found} for ≥ half "
        "of their visible frames",
        "  the suspect's sightings:",
    ]
    for sighting in stage.sightings:
        lines.append("    " + _sighting_line(stage.truth, sighting))
    return lines


def _sighting_line(truth: FootageTruth, sighting: Sighting) -> str:
    p, track = sighting.truth, sighting.track
    when = truth.when(p, p.enter_t).astimezone(TZ)
    head = f"{p.camera} {when:%H:%M:%S} ({p.object_class})"
    if track is None:
        return f"{head}: not found by the scan"
    heading = track.compass_deg  # on the ground (the demo cameras carry homographies)
    direction = f"{compass(heading)} ({heading:.0f}°)" if heading is not None else "—"
    return (
        f"{head}: track {track.track_no} {track.start_at.astimezone(TZ):%H:%M:%S}–"
        f"{track.end_at.astimezone(TZ):%H:%M:%S}, classed {track.object_class} "
        f"({track.confidence:.0%}), heading {direction}, colours {track.colours or '—'}"
    )


def leaving_track(sightings: list[Sighting]) -> VideoTrack | None:
    """The scan's track of the suspect leaving the scene: of his tracks on the cameras that
    overlook the scene, the one that ends last, which shows him riding out of it (the scan keeps
    a few seconds of him breaking in on foot, minutes before he rides off, and the trace must
    start from when he leaves; a short fragment starting later on the other scene camera,
    while he is still in view of both, is not where he leaves)."""
    found = [s.track for s in sightings if s.track is not None and s.truth.camera in SCENE_CAMERAS]
    return max(found, key=lambda t: (t.end_at, t.id), default=None)


def on_video(stage: VideoStage, data_dir: Path) -> OnVideo | None:
    """The suspect on video for the leads: his scanned track leaving the scene (the detective
    recognises him in the scene cameras' footage) and every track that shows him (only to
    check the route followed)."""
    first = leaving_track(stage.sightings)
    if first is None:
        return None
    return OnVideo(first.id, stage.suspect_tracks, data_dir)
