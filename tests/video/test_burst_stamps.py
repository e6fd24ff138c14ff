"""Burst sampling of an AVI with B-frames: AVI holds no pts (PyAV makes them up from the decoding
order), so burst frames are named as the frame reader names them (`stamps`), each frame once,
whatever GOP tails were skipped."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from precinct.video import bursts, decode
from precinct.video.stamps import SampledStamps
from precinct.video.triage import Span

FPS, GOP, FRAMES, STEP = 10, 10, 60, 4
SIZE = (160, 120)
PETS = Path(__file__).resolve().parents[3] / "shared/data/video/PETS09-S2L1/vtest.avi"


@pytest.fixture(params=[0, 1], ids=["auto-threads", "one-thread"])
def threads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Frame threads hold frames back too (the scan workers decode with one thread)."""
    monkeypatch.setattr(decode, "THREADS", request.param)
    return int(request.param)


def make_avi(path: Path) -> Path:
    """H.264 with B-frames in AVI (as PETS09-S2L1's vtest.avi), 10 fps, a keyframe every 10
    frames; frame i is grey 4·i, so every picture tells which frame it is."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.options = {
            "bf": "3",
            "g": str(GOP),
            "keyint_min": str(GOP),
            "sc_threshold": "0",
            "preset": "fast",
        }
        for i in range(FRAMES):
            frame = av.VideoFrame(*SIZE, "rgb24")
            frame.planes[0].update(bytes([STEP * i]) * (SIZE[0] * SIZE[1] * 3))
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="module")
def avi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_avi(tmp_path_factory.mktemp("burst-avi") / "b.avi")
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        types = {int(f.pict_type) for p in container.demux(stream) for f in stream.decode(p)}
    assert 3 in types  # AV_PICTURE_TYPE_B: the clip really has B-frames
    return path


def shown(sample: bursts.Sample) -> int:
    """The frame a picture shows, from its grey level (x264 keeps greys within ±2)."""
    return round((float(sample.frame.image.mean()) - 16) * 255 / 219 / STEP)


def sampled(avi: Path, spans: list[Span], extend: range = range(0)) -> list[bursts.Sample]:
    control = bursts.BurstControl(SIZE, burst_s=0.4, surge=0.0)
    found = []
    for sample in bursts.iter_bursts(avi, spans, control, SIZE[0]):
        found.append(sample)
        control.extend = sample.frame.index in extend
    return found


@pytest.mark.usefixtures("threads")
def test_burst_frames_of_an_avi_with_b_frames_are_named_rightly(avi: Path) -> None:
    found = sampled(avi, [Span(0.0, FRAMES / FPS)])
    names = [s.frame.index for s in found]
    assert names == [g + i for g in range(0, FRAMES, GOP) for i in range(4)]
    assert [shown(s) for s in found] == names
    assert [s.frame.t for s in found] == pytest.approx([i / FPS for i in names])


@pytest.mark.usefixtures("threads")
def test_a_decoded_tail_and_skipped_gops_keep_the_names(avi: Path) -> None:
    spans = [Span(0.0, 2.5), Span(3.0, 3.5), Span(5.0, 6.0)]  # GOPs 0-3 and 5 are active
    found = sampled(avi, spans, extend=range(10, 20))  # the whole of GOP 1 is wanted
    names = [s.frame.index for s in found]
    assert len(names) == len(set(names))  # no frame twice
    assert names == [*range(4), *range(10, 24), *range(30, 34), *range(50, 54)]
    assert [shown(s) for s in found] == names


def test_the_full_reader_and_the_bursts_agree(avi: Path) -> None:
    full = {
        f.index: float(f.image.mean())
        for f in decode.iter_frames(avi, [Span(0, 6)], 160, grey=True)
    }
    for sample in sampled(avi, [Span(0.0, FRAMES / FPS)]):
        assert float(sample.frame.image.mean()) == pytest.approx(full[sample.frame.index], abs=1)


@pytest.mark.skipif(not PETS.is_file(), reason="../shared/data/video/PETS09-S2L1 is not here")
def test_pets_burst_frames_are_the_pictures_the_reader_names_so() -> None:
    spans = [Span(0.0, 12.0), Span(30.0, 34.0)]  # vtest.avi: 10 fps, a keyframe every 25 s
    reader = decode.iter_frames(PETS, [Span(0.0, 1.0), Span(25.0, 26.0)], 192, grey=True)
    full = {f.index: f.image for f in reader}
    control = bursts.BurstControl((768, 576), burst_s=0.6)
    samples = list(bursts.iter_bursts(PETS, spans, control, 192))
    assert [s.frame.index for s in samples] == [*range(6), *range(250, 256)]
    for sample in samples:
        assert np.array_equal(sample.frame.image, full[sample.frame.index])


def test_frames_the_skip_leaves_unsure_are_dropped() -> None:
    # decode order I0 P4 B2 B1 B3 | P8 …: the burst sent I0 P4 B2 (serials 0, 1, 2) and the
    # decoder, holding 2 frames back, gave out I0 only before the next GOP's keyframe came
    stamps = SampledStamps()
    serials = [stamps.packet(key) for key in [0, None, None]]  # the keyframe is frame 0
    assert stamps.frame(serials[0]) == 0  # out after the third packet: the lead is 2
    stamps.skip()
    key = stamps.packet(10)
    # B2 and P4 come out now: P4 may be frame 4 (B1 and B3 were never decoded): both unsure
    assert [stamps.frame(serials[2]), stamps.frame(serials[1])] == [None, None]
    assert stamps.frame(key) == 10


def test_the_reader_names_the_frames_the_decoder_gives_out_at_the_end(avi: Path) -> None:
    # the frames held back for reordering come out without dts when the file ends
    frames = list(decode.iter_frames(avi, [Span(0.0, FRAMES / FPS)], 160, grey=True))
    assert [f.index for f in frames] == list(range(FRAMES))
    for f in frames[-4:]:
        assert round((float(f.image.mean()) - 16) * 255 / 219 / STEP) == f.index
