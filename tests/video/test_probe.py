"""Probe figures from tiny clips the tests encode themselves with PyAV."""

from __future__ import annotations

from pathlib import Path

import pytest

from precinct.video.probe import FootageError, probe

from .clips import FPS, make_clip


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
