"""The fast clip (#4): a keyframe-aligned stream copy keeps the original packets byte for byte
and starts at the keyframe at or before the asked start, whose true time it reports."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from precinct.video.clip_copy import copy_span

from .clips import FPS, make_clip


def packets(path: Path) -> list[tuple[bytes, bool, float]]:
    with av.open(str(path)) as video:
        stream = video.streams.video[0]
        tb = stream.time_base
        assert tb is not None
        return [
            (bytes(p), p.is_keyframe, float((p.pts or 0) * tb))
            for p in video.demux(stream)
            if p.dts is not None
        ]


def test_copy_keeps_the_original_packets_from_the_keyframe_before(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "src.mp4", seconds=10)  # a keyframe every 2 s
    copied = copy_span(source, 3.0, 6.5, tmp_path / "copy.mp4")
    assert copied.start_t == pytest.approx(2.0)  # the keyframe at 2 s, not the asked 3 s
    assert copied.end_t <= 6.5
    original = packets(source)
    out = packets(tmp_path / "copy.mp4")
    assert out[0][1]  # starts on a keyframe
    first = next(i for i, p in enumerate(original) if p[1] and p[2] == pytest.approx(2.0))
    assert [p[0] for p in out] == [p[0] for p in original[first : first + len(out)]]
    assert len(out) == copied.packets and len(out) >= (6.5 - 3.0) * FPS
    with av.open(str(tmp_path / "copy.mp4")) as video:
        decoded = sum(1 for _ in video.decode(video=0))
    assert decoded == copied.packets  # plays from its first packet without a missing reference


def test_copy_from_the_start_of_the_file(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "src.mp4", seconds=4)
    copied = copy_span(source, 0.0, 1.0, tmp_path / "copy.mp4")
    assert copied.start_t == 0.0 and packets(tmp_path / "copy.mp4")[0][1]
    with pytest.raises(ValueError, match="empty span"):
        copy_span(source, 2.0, 1.0, tmp_path / "none.mp4")
