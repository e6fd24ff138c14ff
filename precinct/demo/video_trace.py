"""The demo's check of the cross-camera trace against the rendered truth: from each sighting of
the suspect that the scan found, does the trace rank the camera he really went to next first?"""

from __future__ import annotations

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


def camera_ranks(
    db: Database, stage: VideoStage, data_dir: Path
) -> list[tuple[str, str, int | None]]:
    """(camera, true next camera, rank of that camera among forward candidates' cameras)."""
    ranks = []
    with db.write() as session:
        for n, sighting in enumerate(stage.sightings):
            after = _next_found(stage.sightings, n)
            if sighting.track is None or after is None:
                continue
            result = trace_service.trace(session, DEMO_ACTOR, sighting.track.id, data_dir)
            cameras: list[str] = []
            for cand in result.candidates:
                if cand.forward and cand.seen.camera not in cameras:
                    cameras.append(cand.seen.camera)
            truth = after.truth.camera
            rank = cameras.index(truth) + 1 if truth in cameras else None
            ranks.append((sighting.truth.camera, truth, rank))
    return ranks


def trace_lines(db: Database, stage: VideoStage, data_dir: Path) -> list[str]:
    ranks = camera_ranks(db, stage, data_dir)
    firsts = sum(1 for _, _, r in ranks if r == 1)
    hops = ", ".join(f"{a}→{b} #{r if r else '—'}" for a, b, r in ranks)
    return [f"  trace (rank of the true next camera): {firsts}/{len(ranks)} first; {hops}"]
