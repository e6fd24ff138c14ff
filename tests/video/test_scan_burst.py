"""Integration of `--sampling burst`: the rendered clip's walker and car are found from bursts,
their boxes interpolated between them, stored and exported with the interpolated rows marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from precinct.core.access import Actor
from precinct.core.db import Database
from precinct.video import index
from precinct.video.evaluate import Labelled, parse_mot, score
from precinct.video.scan import ScanConfig, Scanner
from precinct.video.types import Box
from tests.video.test_scan import ingest, make_clip

BURST = ScanConfig(person_detector=False, sampling="burst")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[int, Box]]]:
    path = tmp_path_factory.mktemp("burst") / "C01_20241215020000.mp4"
    return path, make_clip(path)


def test_burst_sampling_finds_each_mover_once_from_a_part_of_the_frames(
    clip: tuple[Path, dict[str, dict[int, Box]]],
) -> None:
    path, truth = clip
    full = Scanner(ScanConfig(person_detector=False, sampling="full")).scan(path)
    outcome = Scanner(BURST).scan(path)
    assert outcome.decoded_frames < 0.7 * full.decoded_frames
    found = [
        Labelled(i, None, {int(r[0]): Box(*map(float, r[1:5])) for r in t.boxes})
        for i, t in enumerate(outcome.tracks)
    ]
    result = score([Labelled(i, None, b) for i, b in enumerate(truth.values())], found)
    assert result.recall == 1.0 and result.precision == 1.0
    walker = min(outcome.tracks, key=lambda t: t.summary.speed_px_s)
    assert walker.summary.speed_px_s == pytest.approx(56, rel=0.2)  # from the observed points
    assert walker.summary.frames < 0.6 * len(walker.boxes)  # the rest is interpolated
    assert set(walker.boxes[:, 5].tolist()) == {0.0, 1.0}
    assert all(t.crop_jpeg for t in outcome.tracks)  # cut during the burst decode


def test_a_burst_scan_is_its_own_engine() -> None:
    assert BURST.engine_id() != ScanConfig(person_detector=False, sampling="full").engine_id()
    with pytest.raises(ValueError, match="sampling"):
        ScanConfig(sampling="sometimes")


def test_interpolated_boxes_are_stored_and_exported_marked(
    db: Database, admin: Actor, tmp_path: Path, clip: tuple[Path, dict[str, dict[int, Box]]]
) -> None:
    footage_id = ingest(db, admin, clip[0])
    summary = index.scan_footage(db, admin, index.ScanRequest(tmp_path, BURST, workers=1))
    assert summary.files == 1 and summary.tracks >= 2
    with db.read() as session:
        tracks = index.footage_tracks(session, footage_id)
        lines = index.mot_lines(tracks)
        exported = [index.track_json(t) for t in tracks]
    conf = {t.track_no: t.confidence for t in tracks}
    halves = [ln for ln in lines if float(ln.split(",")[6]) < 0.75 * conf[int(ln.split(",")[1])]]
    assert halves and len(halves) < len(lines)
    assert set(parse_mot(lines)) == set(conf)
    for track in exported:
        frames = {b[0] for b in track["boxes"]}
        assert set(track["interpolated_frames"]) < frames
