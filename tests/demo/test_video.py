"""Tests for the demo night's footage: files, manifest, exact ground truth and the suspect."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from precinct.demo.geography import camera_sites, metres
from precinct.demo.video import (
    DEFAULT_CAMERAS,
    FootageSpec,
    FootageTruth,
    PasserTruth,
    is_complete,
    load_truth,
    render_benchmark_set,
    render_night,
)
from precinct.demo.video_plan import plan_camera, suspect_seen, the_suspect
from precinct.demo.video_render import _paste_i420, background, first_frame_of
from precinct.demo.video_scene import Lens, camera_view
from precinct.video.service import read_manifest

TINY = FootageSpec(cameras=("C02", "C08"), minutes=0.3, width=320, height=180)
SITES = {s.code: s for s in camera_sites()}


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> FootageTruth:
    return render_night(TINY, tmp_path_factory.mktemp("night"), workers=1)


def _keyframes(path: Path) -> tuple[list[int], int, av.VideoStream]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packets = [p for p in container.demux(stream) if p.size > 0]
        return [i for i, p in enumerate(packets) if p.is_keyframe], len(packets), stream


def test_files_are_h264_at_25_fps_with_a_keyframe_every_50_frames(night: FootageTruth) -> None:
    for f in night.files:
        keys, count, stream = _keyframes(night.folder / f.file)
        assert stream.codec_context.name == "h264"
        assert stream.average_rate == 25
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 180)
        assert count == f.frames == 450
        assert keys == list(range(0, count, 50))


def test_files_are_named_after_camera_and_start(night: FootageTruth) -> None:
    for f in night.files:
        assert f.file == f"{f.camera}_{f.start:%Y%m%d%H%M%S}.mp4"
        assert f.start.utcoffset() is not None and f.start.utcoffset().total_seconds() == 8 * 3600


def test_manifest_lists_every_file_as_ingest_reads_it(night: FootageTruth) -> None:
    manifest = night.folder / "manifest.csv"
    with manifest.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["file"] for r in rows] == [f.file for f in night.files]
    assert all(r["start"].endswith("+08:00") for r in rows)
    items = read_manifest(manifest)
    assert [(i.path.name, i.camera, i.start) for i in items] == [
        (f.file, f.camera, f.start) for f in night.files
    ]


def test_ground_truth_json_lists_every_passer(night: FootageTruth) -> None:
    data = json.loads((night.folder / "ground_truth.json").read_text(encoding="utf-8"))
    assert len(data["passers"]) == len(night.passers) > 0
    for p in data["passers"]:
        assert p["class"] in {"person", "cyclist", "vehicle"}
        assert 0 <= p["enter_t"] <= p["exit_t"] <= TINY.duration_s
        assert {"id", "camera", "is_suspect"} <= p.keys()
    assert load_truth(night.folder) == night


def test_boxes_lie_inside_the_frame(night: FootageTruth) -> None:
    for p in night.passers:
        assert p.boxes
        for frame, x, y, w, h in p.boxes:
            assert 1 <= frame <= 450
            assert x >= 0 and y >= 0 and w >= 1 and h >= 1
            assert x + w <= TINY.width and y + h <= TINY.height


def test_mot_files_have_ten_columns_and_one_based_frames(night: FootageTruth) -> None:
    for f in night.files:
        lines = (night.folder / f"{f.camera}.gt.txt").read_text().splitlines()
        rows = [line.split(",") for line in lines]
        assert rows and all(len(r) == 10 and r[6:] == ["1", "-1", "-1", "-1"] for r in rows)
        frames = [int(r[0]) for r in rows]
        assert min(frames) >= 1 and max(frames) <= f.frames
        ids = {int(r[1]) for r in rows}
        assert ids == {p.id for p in night.passers if p.camera == f.camera}


def _speed(night: FootageTruth, a: PasserTruth, b: PasserTruth) -> float:
    gap = (night.when(b, b.enter_t) - night.when(a, a.enter_t)).total_seconds()
    sa, sb = SITES[a.camera], SITES[b.camera]
    return metres(sa.lat, sa.lon, sb.lat, sb.lon) / gap


def test_the_suspect_rides_past_both_cameras_in_order_at_cycling_speed(
    night: FootageTruth,
) -> None:
    seen = night.suspect_sightings()
    assert [p.camera for p in seen] == ["C02", "C08"]
    assert all(p.object_class.value == "cyclist" for p in seen)
    assert 2.5 <= _speed(night, seen[0], seen[1]) <= 8.0


def test_the_default_night_shows_the_suspect_along_his_way() -> None:
    legs = the_suspect(TINY.seed)
    seen = {c: suspect_seen(Lens(camera_view(c), 320, 180), legs, 1.0) for c in DEFAULT_CAMERAS}
    assert seen["C09"] == (-1.0, -1.0)  # off his way
    scene, chain = seen["C04"], [seen[c] for c in ("C03", "C02", "C08", "C14", "C20", "C26")]
    assert scene[0] >= 0 and seen["C03"][0] >= 0  # both scene cameras watch the cars
    firsts = [first for first, _ in chain[1:]]
    assert firsts == sorted(firsts) and min(firsts) > scene[0]
    gaps = np.diff(firsts)
    assert (gaps > 60).all() and (gaps < 200).all()  # ~500 m between junctions by bike


def test_rendering_is_deterministic(night: FootageTruth, tmp_path: Path) -> None:
    again = render_night(TINY, tmp_path, workers=1)
    assert again.passers == night.passers and again.files == night.files
    for a, b in zip(night.files, again.files, strict=True):
        first = first_frame_of(night.folder / a.file)
        assert first.tobytes() == first_frame_of(tmp_path / b.file).tobytes()


def test_another_seed_gives_another_night() -> None:
    a = plan_camera(TINY.shot("C08"))
    b = plan_camera(FootageSpec(seed=7, cameras=("C08",), minutes=0.3).shot("C08"))
    assert [t.mover.times for t in a.tracks] != [t.mover.times for t in b.tracks]


def _frame(path: Path, index: int) -> np.ndarray:
    with av.open(str(path)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == index:
                return np.asarray(frame.to_ndarray(format="bgr24"), np.int16)
    raise IndexError(index)


def _inside(box: tuple[int, int, int, int, int], margin: int) -> bool:
    _, x, y, w, h = box
    return (
        x >= margin
        and y >= margin
        and x + w <= TINY.width - margin
        and y + h <= TINY.height - margin
    )


def test_truth_boxes_cover_the_pixels_that_moved(night: FootageTruth) -> None:
    for f in night.files:
        passers = [p for p in night.passers if p.camera == f.camera]
        whole = [b for p in passers for b in p.boxes if _inside(b, 1)]  # not cut by an edge
        frame, x, y, w, h = max(whole, key=lambda b: b[3] * b[4])
        shown = _frame(night.folder / f.file, frame - 1)
        empty = background(plan_camera(TINY.shot(f.camera))).image.astype(np.int16)
        diff = np.abs(shown - empty).mean(axis=2)
        inside = diff[y : y + h, x : x + w].mean()
        covered = np.zeros(diff.shape, bool)
        for p in passers:
            for fr, bx, by, bw, bh in p.boxes:
                if fr == frame:
                    covered[max(0, by - 4) : by + bh + 4, max(0, bx - 4) : bx + bw + 4] = True
        assert inside > 2 * diff[~covered].mean() + 4


def test_patches_convert_to_the_same_yuv_as_the_whole_frame() -> None:
    bgr = np.random.default_rng(1).integers(0, 256, (90, 160, 3), dtype=np.uint8)
    whole = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420)
    pieced = np.zeros_like(whole)
    for x0, y0, x1, y1 in [(0, 0, 160, 46), (0, 46, 64, 90), (64, 46, 160, 90), (8, 10, 30, 40)]:
        _paste_i420(pieced, bgr[y0:y1, x0:x1].copy(), x0, y0)
    assert (pieced == whole).all()


def test_the_benchmark_set_is_rendered_once(tmp_path: Path) -> None:
    first = render_benchmark_set(tmp_path, hours=0.002, width=320, height=180)
    assert len(first.files) == 6 and is_complete(tmp_path, first.spec)
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.mp4")}
    again = render_benchmark_set(tmp_path, hours=0.002, width=320, height=180)
    assert again == first
    assert {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.mp4")} == stamps


@pytest.mark.parametrize(
    "change",
    [
        {"start": datetime(2024, 12, 15, 1, 30)},
        {"width": 321},
        {"cameras": ("C99",)},
        {"cameras": ("C02", "C02")},
        {"minutes": 0.0},
    ],
)
def test_bad_specs_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FootageSpec(**change)  # type: ignore[arg-type]
