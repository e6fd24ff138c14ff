"""Work the scan does once instead of twice, checked to give what the plain way gives: crops
cut from the regions the detail pass held (no second decode), the keyframes' per-pixel median
by a sorting network, the Kalman step from cached matrices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from precinct.video import decode
from precinct.video.classify import Classifier, CropVerifier, Hit
from precinct.video.crops import crop_candidates, crops_of, make_crops
from precinct.video.keyframes import middle_of
from precinct.video.scan import ScanConfig, Scanner
from precinct.video.track import KalmanBox, Mover, TrackerConfig
from precinct.video.triage import Span
from precinct.video.types import Box, Image, Track, TrackPoint
from precinct.video.views import ViewCache

from .clips import encode_h264

SIZE = (640, 360)
FRAMES = 100


def encode_colour(path: Path, pix_fmt: str) -> Path:
    """Colour noise that changes every frame (each region of each frame is its own)."""
    rng = np.random.default_rng(5)
    pictures = (rng.integers(0, 256, (SIZE[1], SIZE[0], 3)).astype(np.uint8) for _ in range(FRAMES))
    options = {"g": "50", "keyint_min": "50", "sc_threshold": "0", "qp": "10"}
    return encode_h264(path, pictures, options, pix_fmt)


@pytest.fixture(scope="module")
def colourful(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encode_colour(tmp_path_factory.mktemp("reuse") / "colour.mp4", "yuv420p")


def moving(track_id: int, x0: float, width: float) -> Track:
    track = Track(track_id)
    for f in range(FRAMES):
        side = 30 + 40 * np.sin(f / FRAMES * np.pi)  # largest mid-way
        track.add(TrackPoint(f, f / 25, Box(x0 + f * 2.3, 90.7 + f * 0.4, side * width, side)))
    return track


def held_while_decoding(
    path: Path, tracks: list[Track], count: int, end: bool = False
) -> ViewCache:
    """Offer every frame's picture as the detail pass does, the tracks growing point by point
    (and, with `end`, ending after the last frame)."""
    views = ViewCache(SIZE, count)
    picture = None
    growing = [Track(t.track_id) for t in tracks]
    for item in decode.iter_pictured(path, [Span(0.0, FRAMES / 25)], 320):
        for whole, live in zip(tracks, growing, strict=True):
            live.points.append(whole.points[item.frame.index])
        movers = [Mover(t.points, t.points[-1].box, 0.0, 0.0, True) for t in growing]
        views.offer(movers, item.frame.index, item.picture, item.lead)
        picture = item.picture
    if end and picture is not None:
        views.offer([], FRAMES, picture, FRAMES - 50)
    for whole, live in zip(tracks, growing, strict=True):
        whole.points = live.points  # the finished track holds the list the cache saw
    return views


@pytest.mark.parametrize("full_range", [False, True])
def test_crops_from_held_regions_equal_crops_from_the_whole_picture(
    colourful: Path, tmp_path: Path, full_range: bool
) -> None:
    clip = encode_colour(tmp_path / "jpeg.mp4", "yuvj420p") if full_range else colourful
    tracks = [moving(1, 40.2, 0.5), moving(2, 300.6, 1.4)]
    views = held_while_decoding(clip, tracks, 4)
    for track in tracks:
        wanted = crop_candidates(track, SIZE, 4, [0, 50])
        pictures = decode.frames_at(clip, wanted)
        for frame in wanted:
            cutout = views.cutout(track, frame)
            assert cutout is not None, frame
            for context in (False, True):
                plain = make_crops(track, {frame: pictures[frame]}, context)[0]
                point = next(p for p in track.points if p.frame == frame)
                assert np.array_equal(crops_of(cutout, point, context).image, plain.image)


class NoOne:
    labels = frozenset({1})

    def detect_all(self, image: Image) -> list[Hit]:
        return []


def test_the_crops_pass_decodes_only_what_was_not_held(
    colourful: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracks = [moving(1, 40.2, 0.5), moving(2, 300.6, 1.4)]
    config = ScanConfig(crop_candidates=3, verify_below=1.01)  # every track verified
    scanner = Scanner(config, Classifier(verifier=CropVerifier(NoOne(), pad=0.0)))
    asked: list[int] = []
    decoded = decode.decoded

    def counting(path: Path, indices: list[int]):  # type: ignore[no-untyped-def]
        asked.extend(indices)
        return decoded(path, indices)

    monkeypatch.setattr(decode, "decoded", counting)
    plain = scanner._crops(colourful, tracks, SIZE, [0, 50])
    assert len(asked) > 0
    asked.clear()
    held = scanner._crops(
        colourful, tracks, SIZE, [0, 50], held_while_decoding(colourful, tracks, 6)
    )
    assert asked == []
    for track in tracks:
        for a, b in zip(plain[track.track_id].tight, held[track.track_id].tight, strict=True):
            assert a.frame == b.frame and np.array_equal(a.image, b.image)
        pairs = zip(plain[track.track_id].context, held[track.track_id].context, strict=True)
        assert all(np.array_equal(a.image, b.image) for a, b in pairs)
        assert len(held[track.track_id].context) == 3


def test_an_ended_track_keeps_only_its_candidates(colourful: Path) -> None:
    track = moving(1, 40.2, 0.5)
    views = held_while_decoding(colourful, [track], 2, end=True)
    held = [f for f in range(FRAMES) if views.cutout(track, f) is not None]
    assert held == sorted(crop_candidates(track, SIZE, 2, [0, 50]))


@pytest.mark.parametrize("dtype", [np.uint8, np.int16])
def test_the_middle_of_pictures_is_numpys_partition(dtype: type) -> None:
    rng = np.random.default_rng(3)
    for n in range(1, 26):
        stack = rng.integers(0, 60, (n, 9, 11)).astype(dtype)
        expected = np.partition(stack, n // 2, axis=0)[n // 2]
        found = middle_of(list(stack))
        assert found.dtype == dtype and np.array_equal(found, expected), n


def test_the_kalman_step_is_the_textbook_one() -> None:
    config = TrackerConfig()
    kalman = KalmanBox(Box(100, 50, 20, 40), config)
    kalman.update(Box(104, 51, 21, 40))
    for dt in (0.04, 0.04, 0.5, 0.0, 1.3):
        x, p = kalman.x.copy(), kalman.p.copy()
        f = np.eye(8)
        f[:4, 4:] = np.eye(4) * dt
        sigma = config.accel_noise * kalman.size
        block = np.array([[dt**4 / 4, dt**3 / 2], [dt**3 / 2, dt**2]]) * sigma**2
        kalman.predict(dt)
        assert np.array_equal(kalman.x, f @ x)
        assert np.array_equal(kalman.p, f @ p @ f.T + np.kron(block, np.eye(4)))
