"""The demo's check of the cross-camera trace against the rendered truth: from each sighting of
the suspect that the scan found, does the trace rank the camera he really went to next first?"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from precinct.core.db import Database
from precinct.demo.video_stage import DEMO_ACTOR, Sighting, VideoStage
from precinct.video import trace_service


def _next_found(sightings: list[Sighting], n: int) -> Sighting | None:
    """The next sighting on another camera that the scan found (views may overlap in time)."""
    here = sightings[n]
    for later in sightings[n + 1 :]:
        if later.track is not None and later.truth.camera != here.truth.camera:
            return later
    return None


def _rank(items: Sequence[object], wanted: object) -> int | None:
    return items.index(wanted) + 1 if wanted in items else None


def camera_ranks(
    db: Database, stage: VideoStage, data_dir: Path
) -> list[tuple[str, str, int | None, int | None]]:
    """(camera, true next camera, rank of that camera among the forward candidates' cameras,
    rank of the first forward candidate that really shows the suspect there)."""
    ranks = []
    with db.write() as session:
        for n, sighting in enumerate(stage.sightings):
            after = _next_found(stage.sightings, n)
            if sighting.track is None or after is None:
                continue
            result = trace_service.trace(session, DEMO_ACTOR, sighting.track.id, data_dir)
            forward = [cand for cand in result.candidates if cand.forward]
            cameras: list[object] = []
            for cand in forward:
                if cand.seen.camera not in cameras:
                    cameras.append(cand.seen.camera)
            truth = after.truth.camera
            him = [c.seen.track_id in stage.suspect_tracks for c in forward]
            ranks.append((sighting.truth.camera, truth, _rank(cameras, truth), _rank(him, True)))
    return ranks


def trace_lines(db: Database, stage: VideoStage, data_dir: Path) -> list[str]:
    ranks = camera_ranks(db, stage, data_dir)
    cameras_first = sum(1 for _, _, r, _ in ranks if r == 1)
    him_first = sum(1 for _, _, _, r in ranks if r == 1)
    hops = ", ".join(f"{a}→{b} camera #{c or '—'} him #{h or '—'}" for a, b, c, h in ranks)
    return [
        f"  trace from each scanned sighting: true next camera first {cameras_first}/{len(ranks)}, "
        f"a track of the suspect himself first {him_first}/{len(ranks)}; {hops}"
    ]
