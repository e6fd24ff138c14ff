"""Span decoding and full-resolution frame fetching, checked frame by frame against decoding
every frame of small clips the tests encode themselves (H.264 with B-frames, in MP4 and MKV)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from precinct.video.decode import duration, frames_at, iter_frames, reduce_grey, video_size
from precinct.video.triage import Span

from .clips import encode_h264

FPS, WIDTH, HEIGHT, SECONDS = 25, 320, 240, 12
FRAMES = FPS * SECONDS


def make_clip(path: Path) -> Path:
    """A dark noisy street with a textured block crossing it; every frame differs."""
    rng = np.random.default_rng(11)
    background = rng.integers(15, 45, (HEIGHT, WIDTH)).astype(np.int16)
    noise = rng.normal(0, 3, (7, HEIGHT, WIDTH)).astype(np.int16)
    texture = rng.integers(110, 230, (40, 24)).astype(np.int16)
    options = {"g": "50", "keyint_min": "50", "sc_threshold": "0", "preset": "veryfast"}
    return encode_h264(path, street(background, noise, texture), options)


def street(background: np.ndarray, noise: np.ndarray, texture: np.ndarray) -> Iterator[np.ndarray]:
    for i in range(FRAMES):
        grey = background + noise[i % len(noise)]
        x = i * (WIDTH - 24) // FRAMES
        grey[100:140, x : x + 24] = texture
        yield np.clip(grey, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("decode")
    return {suffix: make_clip(folder / f"street.{suffix}") for suffix in ("mp4", "mkv")}


def decode_all(path: Path) -> dict[int, av.VideoFrame]:
    """Every frame, by index from its timestamp, the plain way."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        origin = float((stream.start_time or 0) * (stream.time_base or 1))
        frames = {}
        for frame in container.decode(stream):
            frames[round((float(frame.time or 0) - origin) * FPS)] = frame
    return frames


@pytest.fixture(scope="module")
def everything(clips: dict[str, Path]) -> dict[str, dict[int, av.VideoFrame]]:
    return {suffix: decode_all(path) for suffix, path in clips.items()}


def inside(index: int, spans: list[tuple[float, float]]) -> bool:
    return any(start <= index / FPS < end for start, end in spans)


@pytest.mark.parametrize("suffix", ["mp4", "mkv"])
def test_iter_frames_yields_exactly_the_frames_inside_the_spans(
    clips: dict[str, Path], everything: dict[str, dict[int, av.VideoFrame]], suffix: str
) -> None:
    full = everything[suffix]
    assert sorted(full) == list(range(FRAMES))
    spans = [Span(2.3, 3.1), Span(2.9, 4.0), Span(6.02, 6.5), Span(9.0, 20.0)]
    frames = list(iter_frames(clips[suffix], spans, width=160))
    merged = [(2.3, 4.0), (6.02, 6.5), (9.0, 20.0)]
    assert [f.index for f in frames] == [i for i in range(FRAMES) if inside(i, merged)]
    for frame in frames:
        assert frame.t == pytest.approx(frame.index / FPS, abs=1e-6)
        assert frame.image.shape == (120, 160, 3) and frame.scale == 2.0
        reference = full[frame.index].reformat(160, 120, "bgr24", interpolation="AREA")
        difference = np.abs(reference.to_ndarray().astype(int) - frame.image)
        assert difference.max() <= 1, frame.index


def test_step_keeps_every_kth_frame_by_index(clips: dict[str, Path]) -> None:
    frames = list(iter_frames(clips["mp4"], [Span(1.0, 3.0), Span(5.0, 5.5)], step=4))
    expected = [i for i in range(FRAMES) if inside(i, [(1.0, 3.0), (5.0, 5.5)]) and i % 4 == 0]
    assert [f.index for f in frames] == expected


def test_width_is_never_scaled_up(clips: dict[str, Path]) -> None:
    frame = next(iter_frames(clips["mp4"], [Span(0.0, 1.0)], width=1000))
    assert frame.image.shape == (HEIGHT, WIDTH, 3) and frame.scale == 1.0
    frame = next(iter_frames(clips["mp4"], [Span(0.0, 1.0)]))
    assert frame.image.shape == (240, 320, 3)
    assert list(iter_frames(clips["mp4"], [])) == []


@pytest.mark.parametrize("suffix", ["mp4", "mkv"])
def test_frames_at_returns_the_full_resolution_pictures_of_those_frames(
    clips: dict[str, Path], everything: dict[str, dict[int, av.VideoFrame]], suffix: str
) -> None:
    wanted = [149, 3, 4, 60, 61, 61, 250, FRAMES - 1, FRAMES + 50, -1]
    pictures = frames_at(clips[suffix], wanted)
    assert sorted(pictures) == [3, 4, 60, 61, 149, 250, FRAMES - 1]
    for index, picture in pictures.items():
        assert picture.shape == (HEIGHT, WIDTH, 3) and picture.dtype == np.uint8
        reference = everything[suffix][index].to_ndarray(format="bgr24").astype(int)
        assert np.abs(reference - picture).max() <= 1, index


@pytest.mark.parametrize("suffix", ["mp4", "mkv"])
def test_truncated_file_decodes_up_to_the_damage(
    clips: dict[str, Path], tmp_path: Path, suffix: str
) -> None:
    source = clips[suffix]
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(source.read_bytes()[: int(source.stat().st_size * 0.6)])
    indices = [f.index for f in iter_frames(cut, [Span(0.0, SECONDS)])]
    assert 0 < len(indices) < FRAMES
    assert indices == list(range(len(indices)))
    pictures = frames_at(cut, [5, indices[-1], FRAMES - 1])
    assert sorted(pictures) == [5, indices[-1]]


def test_video_size_and_duration(clips: dict[str, Path]) -> None:
    for path in clips.values():
        assert video_size(path) == (WIDTH, HEIGHT)
        assert duration(path) == pytest.approx(SECONDS, abs=0.05)


def test_grey_frames_match_the_bgr_frames_but_for_the_luma_offset(clips: dict[str, Path]) -> None:
    import cv2

    spans = [Span(2.0, 3.0)]
    colour = list(iter_frames(clips["mp4"], spans, width=160))
    grey = list(iter_frames(clips["mp4"], spans, width=160, grey=True))
    assert [f.index for f in grey] == [f.index for f in colour]
    assert grey[0].image.shape == colour[0].image.shape[:2] and grey[0].scale == colour[0].scale
    for g, c in zip(grey, colour, strict=True):
        expected = cv2.cvtColor(c.image, cv2.COLOR_BGR2GRAY).astype(np.int16)
        diff = g.image.astype(np.int16) - expected  # luma is limited range: a steady offset
        assert np.abs(diff - np.median(diff)).mean() < 3


def test_iter_frames_reports_the_keyframes_it_decoded(clips: dict[str, Path]) -> None:
    keyframes: set[int] = set()
    frames = list(iter_frames(clips["mp4"], [Span(2.5, 3.0), Span(7.2, 7.4)], keyframes=keyframes))
    assert frames and keyframes == {50, 150}  # GOP 50: the spans start from frames 50 and 150


def test_reduce_grey_averages_like_an_area_resize() -> None:
    import cv2

    rng = np.random.default_rng(5)
    smooth = cv2.GaussianBlur(rng.integers(0, 255, (1081, 1921)).astype(np.uint8), (0, 0), 6)
    noisy = np.clip(smooth.astype(np.int16) + rng.normal(0, 6, smooth.shape), 0, 255)
    image = noisy.astype(np.uint8)
    reduced = reduce_grey(image, 384, 216)
    assert reduced.shape == (216, 384) and reduced.dtype == np.uint8
    expected = cv2.resize(image, (384, 216), interpolation=cv2.INTER_AREA).astype(int)
    assert np.abs(reduced.astype(int) - expected).mean() < 1.5
    assert reduced.std() == pytest.approx(expected.std(), rel=0.1)  # the noise is averaged away
    assert reduce_grey(image[:100, :150], 150, 100).shape == (100, 150)
