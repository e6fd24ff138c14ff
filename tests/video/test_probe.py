"""Probe figures from tiny clips the tests encode themselves with PyAV."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from precinct.video.probe import FootageError, probe

FPS = 25


def make_clip(path: Path, seconds: int = 3, shift: int = 0) -> Path:
    """Encode `seconds` of 320x240 moving stripes with libx264, 25 fps, a keyframe every 50."""
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.options = {"g": "50", "keyint_min": "50", "sc_threshold": "0", "preset": "ultrafast"}
        for i in range(seconds * FPS):
            frame = av.VideoFrame(320, 240, "rgb24")
            row = bytes(
                (x * 3 + (i + shift) * 7 + c * 50) % 256 for x in range(320) for c in range(3)
            )
            frame.planes[0].update(row * 240)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def truncate(source: Path, target: Path, share: float = 0.6) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * share)])
    return target


def test_probe_reads_the_figures_of_a_whole_clip(tmp_path: Path) -> None:
    info = probe(make_clip(tmp_path / "clip.mp4"))
    assert (info.codec, info.width, info.height) == ("h264", 320, 240)
    assert info.fps == FPS
    assert info.keyframe_interval == 50
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert info.frames == 75
    assert info.damage is None


def test_truncated_clip_records_where_the_damage_starts(tmp_path: Path) -> None:
    whole = make_clip(tmp_path / "clip.mp4")
    info = probe(truncate(whole, tmp_path / "cut.mp4"))
    assert info.damage is not None
    assert 0 < info.damage < info.duration_s


def test_truncated_mkv_is_also_detected(tmp_path: Path) -> None:
    whole = make_clip(tmp_path / "clip.mkv")
    info = probe(truncate(whole, tmp_path / "cut.mkv"))
    assert info.damage is not None and 0 < info.damage < 3.0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("noise.mp4", bytes(range(256)) * 400),
        ("notes.mp4", "这不是视频, just some text\n".encode() * 50),
        ("empty.mkv", b""),
    ],
)
def test_garbage_raises_footage_error_naming_the_file(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FootageError) as caught:
        probe(path)
    assert name in str(caught.value)
    assert caught.value.reason


def test_random_bytes_raise_footage_error(tmp_path: Path) -> None:
    import random

    path = tmp_path / "random.ts"
    path.write_bytes(random.Random(7).randbytes(64_000))
    with pytest.raises(FootageError, match="random.ts"):
        probe(path)


def test_missing_file_raises_footage_error(tmp_path: Path) -> None:
    with pytest.raises(FootageError, match="no such file"):
        probe(tmp_path / "gone.mp4")
