"""Triage on small night clips the tests encode themselves: a dark, noisy, static street with
textured movers at known times; plus the pure logic on packet logs built by hand."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from precinct.video.probe import FootageError
from precinct.video.triage import (
    KeyframeTriage,
    PacketLog,
    Span,
    Triage,
    TriageConfig,
    TriageResult,
    merge_spans,
    packet_activity,
)

from .clips import encode_h264

FPS, WIDTH, HEIGHT, SECONDS = 25, 320, 240, 40


@dataclass(frozen=True)
class Mover:
    start: float
    end: float
    row: int


MOVERS = (Mover(8.0, 12.0, 60), Mover(17.0, 19.5, 150))


def make_clip(path: Path, movers: tuple[Mover, ...] = MOVERS, gop: int = 50) -> Path:
    """A night street: dark noisy background, each mover a textured 24×40 block crossing it."""
    rng = np.random.default_rng(7)
    background = rng.integers(15, 45, (HEIGHT, WIDTH)).astype(np.int16)
    noise = rng.normal(0, 3, (11, HEIGHT, WIDTH)).astype(np.int16)
    texture = rng.integers(110, 230, (40, 24)).astype(np.int16)

    def pictures() -> Iterator[np.ndarray]:
        for i in range(SECONDS * FPS):
            grey = background.copy()
            for mover in movers:
                if mover.start <= i / FPS < mover.end:
                    x = int((i / FPS - mover.start) / (mover.end - mover.start) * (WIDTH - 24))
                    grey[mover.row : mover.row + 40, x : x + 24] = texture
            grey += noise[i % len(noise)]
            yield np.clip(grey, 0, 255).astype(np.uint8)

    options = {"g": str(gop), "keyint_min": str(gop), "sc_threshold": "0", "preset": "veryfast"}
    return encode_h264(path, pictures(), options)


def truncate(source: Path, target: Path, share: float = 0.6) -> Path:
    target.write_bytes(source.read_bytes()[: int(source.stat().st_size * share)])
    return target


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("triage")
    return {
        "night": make_clip(folder / "night.mp4"),
        "noise": make_clip(folder / "noise.mp4", movers=()),
        "intra": make_clip(folder / "intra.mkv", gop=1),
    }


def covered(result: TriageResult, start: float, end: float) -> bool:
    return any(s.start_t <= start and end <= s.end_t for s in result.spans)


def quiet_excluded(result: TriageResult, movers: tuple[Mover, ...] = MOVERS) -> float:
    """The share of the clip's quiet time that no span covers."""
    quiet = result.duration - sum(m.end - m.start for m in movers)
    return (result.duration - result.active_s) / quiet


def test_packet_triage_covers_every_mover_with_padding(clips: dict[str, Path]) -> None:
    result = Triage(TriageConfig(keyframe_check=False)).spans(clips["night"])
    assert result.method == "packets"
    assert result.duration == pytest.approx(SECONDS, abs=0.05)
    for mover in MOVERS:
        assert covered(result, mover.start - 1.0, mover.end + 1.0), (mover, result.spans)
    assert quiet_excluded(result) >= 0.6
    assert len(result.scores) == SECONDS
    assert max(result.scores[8:12]) > TriageConfig().k_mad


def test_pure_noise_gives_no_spans_or_very_short_ones(clips: dict[str, Path]) -> None:
    """Only a freshly started encoder's first seconds (larger frames while its rate control
    settles) may show up; footage cut from a running camera has no such start."""
    result = Triage(TriageConfig(keyframe_check=False)).spans(clips["noise"])
    assert result.active_s <= 5.0, result.spans
    assert all(span.end_t <= 5.0 for span in result.spans)


def test_keyframes_alongside_packets_by_default_still_cover_movers(
    clips: dict[str, Path],
) -> None:
    result = Triage().spans(clips["night"])
    assert result.method == "packets+keyframes"
    assert all(covered(result, m.start, m.end) for m in MOVERS)
    assert quiet_excluded(result) >= 0.5


def test_intra_only_clip_falls_back_to_keyframe_differencing(clips: dict[str, Path]) -> None:
    result = Triage().spans(clips["intra"])
    assert result.method == "keyframes"
    assert all(covered(result, m.start, m.end) for m in MOVERS), result.spans
    assert quiet_excluded(result) >= 0.6
    assert Triage().spans(clips["noise"]).spans != result.spans


def test_keyframe_triage_alone_on_a_gop_clip(clips: dict[str, Path]) -> None:
    result = KeyframeTriage().spans(clips["night"])
    assert result.method == "keyframes"
    assert all(covered(result, m.start, m.end) for m in MOVERS), result.spans
    assert KeyframeTriage().spans(clips["noise"]).spans == ()


def test_truncated_file_is_read_up_to_the_damage(clips: dict[str, Path], tmp_path: Path) -> None:
    cut = truncate(clips["night"], tmp_path / "cut.mp4")
    result = Triage(TriageConfig(keyframe_check=True)).spans(cut)
    assert result.damage is not None
    assert 5.0 < result.duration < SECONDS
    assert all(0.0 <= s.start_t < s.end_t <= result.duration for s in result.spans)
    assert covered(result, MOVERS[0].start, MOVERS[0].end)


def packet_log(sizes: np.ndarray, gop: int = 50, flags: bool = True) -> PacketLog:
    count = len(sizes)
    keys = [flags and i % gop == 0 for i in range(count)]
    return PacketLog(
        times=[i / FPS for i in range(count)],
        sizes=[int(s) for s in sizes],
        keys=keys,
        fps=FPS,
        duration=count / FPS,
    )


def test_gop_pattern_and_keyframe_decay_are_not_activity() -> None:
    """P frames every 4th, tiny B frames between, sizes decaying after each keyframe."""
    rng = np.random.default_rng(3)
    phase = np.arange(120 * FPS) % 50
    sizes = np.where(phase % 4 == 0, 6000 - 40 * phase, 60) + rng.normal(0, 30, phase.size)
    sizes[phase == 0] = 200_000
    busy = slice(60 * FPS, 64 * FPS)
    sizes[busy] += np.where(phase[busy] % 4 == 0, 600, 40)
    _, active = packet_activity(packet_log(sizes), TriageConfig())
    assert {60, 61, 62, 63} <= set(np.flatnonzero(active)) <= set(range(58, 66))


def test_streams_without_keyframe_flags_share_one_floor() -> None:
    rng = np.random.default_rng(4)
    sizes = 3000 + rng.normal(0, 60, 90 * FPS)
    sizes[40 * FPS : 45 * FPS] += 500
    _, active = packet_activity(packet_log(sizes, flags=False), TriageConfig())
    assert {40, 41, 42, 43, 44} <= set(np.flatnonzero(active)) <= set(range(38, 47))


def test_merge_spans_joins_overlapping_and_close_ones() -> None:
    spans = [Span(5, 6), Span(0, 2), Span(1.5, 3), Span(6.5, 7)]
    assert merge_spans(spans) == [Span(0, 3), Span(5, 6), Span(6.5, 7)]
    assert merge_spans(spans, gap=1.0) == [Span(0, 3), Span(5, 7)]
    assert merge_spans([]) == []


def test_a_file_without_video_raises_footage_error(tmp_path: Path) -> None:
    path = tmp_path / "sound.wav"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=8000)
        samples = np.zeros((1, 800), dtype=np.int16)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = 8000
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with pytest.raises(FootageError, match="no video stream"):
        Triage().spans(path)


def test_a_clip_busy_half_the_time_still_shows_its_activity() -> None:
    """The seconds' floor comes from their quiet tail, not their median."""
    rng = np.random.default_rng(5)
    sizes = 3000 + rng.normal(0, 60, 30 * FPS)
    sizes[5 * FPS : 19 * FPS] += 600
    _, active = packet_activity(packet_log(sizes), TriageConfig())
    assert set(range(5, 19)) <= set(np.flatnonzero(active)) <= set(range(3, 21))


def test_keyframes_showing_a_mover_are_active_and_empty_ones_not(clips: dict[str, Path]) -> None:
    """Each keyframe is judged against the median of its neighbours, holding a bounded window."""
    from precinct.video.keyframes import KeyframeSink
    from precinct.video.triage import read_packets

    sink = KeyframeSink(TriageConfig(keyframe_half=4))
    read_packets(clips["night"], sink)
    assert len(sink.verdicts) == SECONDS * FPS // 50
    assert len(sink._window) <= 2 * 4 + 1
    for verdict in sink.verdicts:
        showing = any(m.start <= verdict.t < m.end for m in MOVERS)
        assert verdict.active == showing, (verdict, MOVERS)


def test_a_small_mover_that_packet_sizes_miss_is_caught_on_keyframes(tmp_path: Path) -> None:
    """A 4×8 mover in a 320×240 night scene barely moves the packet sizes."""
    path = make_small_clip(tmp_path / "small.mp4")
    packets_only = Triage(TriageConfig(keyframe_check=False)).spans(path)
    assert not covered(packets_only, 14.0, 30.0), packets_only.spans
    with_keyframes = Triage().spans(path)
    assert covered(with_keyframes, 14.0, 30.0), with_keyframes.spans
    assert with_keyframes.active_s <= 26.0  # the 16 s it is there, ± a keyframe interval


def make_small_clip(path: Path) -> Path:
    rng = np.random.default_rng(11)
    background = rng.integers(15, 45, (HEIGHT, WIDTH)).astype(np.int16)
    noise = rng.normal(0, 3, (11, HEIGHT, WIDTH)).astype(np.int16)

    def pictures() -> Iterator[np.ndarray]:
        for i in range(SECONDS * FPS):
            grey = background.copy()
            if 14.0 <= i / FPS < 30.0:  # a far walker: 4×8 px, 3 px a second
                x = 100 + int(3 * (i / FPS - 14.0))
                grey[120:128, x : x + 4] = 70
            grey += noise[i % len(noise)]
            yield np.clip(grey, 0, 255).astype(np.uint8)

    options = {"g": "50", "keyint_min": "50", "sc_threshold": "0", "preset": "veryfast"}
    return encode_h264(path, pictures(), options)
