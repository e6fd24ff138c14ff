"""Frame stamps: a container's made-up pts (AVI with B-frames) give way to dts; good pts stay."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from precinct.video import decode
from precinct.video.stamps import FrameStamps
from precinct.video.triage import Span

PETS = Path(__file__).resolve().parents[3] / "shared/data/video/PETS09-S2L1/vtest.avi"


def stamps_of(frames: list[tuple[int | None, int | None]], first_packet: int) -> list[int | None]:
    stamps = FrameStamps()
    stamps.packet(first_packet)
    return [stamps.stamp(pts, dts) for pts, dts in frames]


def test_rising_pts_are_kept_even_with_b_frame_dts() -> None:
    # MP4 with B-frames: pts rise in output order, dts lag them
    frames = [(0, -2), (512, -1), (1024, 0), (1536, 1)]
    assert stamps_of(frames, first_packet=-2) == [0, 512, 1024, 1536]


def test_made_up_pts_give_way_to_dts_less_the_decoder_lead() -> None:
    # vtest.avi as PyAV reads it: pts 1, 4, 3, 5, 2, 8, 7, 9, 6 for frames 0..8; dts from 2
    pts = [1, 4, 3, 5, 2, 8, 7, 9, 6]
    frames = [(p, 2 + i) for i, p in enumerate(pts)]
    got = stamps_of(frames, first_packet=0)
    assert got[2:] == [2, 3, 4, 5, 6, 7, 8]  # from the first fault on: dts − 2


def test_a_container_without_pts_uses_dts_from_the_first_frame() -> None:
    stamps = FrameStamps(prefer_dts=True)
    stamps.packet(0)
    got = [stamps.stamp(p, 2 + i) for i, p in enumerate([1, 4, 3, 5, 2])]
    assert got == [0, 1, 2, 3, 4]


def make_avi(path: Path, frames: int = 60) -> Path:
    """An AVI of H.264 with B-frames (what PETS09-S2L1's vtest.avi is), 10 fps, grey levels
    rising by 4 a frame (frame i is grey 4·i)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.options = {"bf": "3", "g": "40", "preset": "fast"}
        for i in range(frames):
            frame = av.VideoFrame(160, 120, "rgb24")
            frame.planes[0].update(bytes([4 * i]) * (160 * 120 * 3))
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_an_avi_with_b_frames_is_read_in_order(tmp_path: Path) -> None:
    avi = make_avi(tmp_path / "b.avi")
    frames = list(decode.iter_frames(avi, [Span(0.0, 2.0), Span(4.0, 5.0)], 160, grey=True))
    assert [f.index for f in frames] == [*range(20), *range(40, 50)]
    for f in frames:  # each frame is the picture it is named for (x264 keeps greys ±2)
        assert abs(float(f.image.mean()) - (16 + 4 * f.index * 219 / 255)) < 3
    pictures = dict(decode.pictures(avi, [0, 3, 30, 45]))
    assert sorted(pictures) == [0, 3, 30, 45]
    assert abs(float(pictures[30].mean()) - 120) < 3


def test_a_stream_without_dts_keeps_its_pts() -> None:
    assert stamps_of([(3, None), (1, None)], first_packet=0) == [3, 1]


def test_the_lead_is_measured_again_after_a_seek() -> None:
    stamps = FrameStamps()
    stamps.packet(0)
    for i, p in enumerate([1, 4, 3, 5]):
        stamps.stamp(p, 2 + i)
    stamps.restart()
    stamps.packet(250)  # the keyframe the seek landed on
    assert stamps.stamp(251, 252) == 250


@pytest.mark.skipif(not PETS.is_file(), reason="../shared/data/video/PETS09-S2L1 is not here")
def test_pets_frames_come_in_order() -> None:
    indices = [f.index for f in decode.iter_frames(PETS, [Span(0.0, 10.0), Span(40.0, 42.0)])]
    assert indices[:30] == list(range(30))  # frame 0 is gt.txt's frame 1
    assert indices[-20:] == list(range(400, 420))
    pictures = dict(decode.pictures(PETS, [5, 200, 201, 202]))
    assert sorted(pictures) == [5, 200, 201, 202]
