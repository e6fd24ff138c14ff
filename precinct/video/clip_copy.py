"""The fast clip: a stream copy of the original packets (no re-encode, nothing burned in) from
the keyframe at or before the asked start to the asked end. The clip therefore starts at that
keyframe, whose true time is reported so the manifest states where the clip really begins."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av


@dataclass(frozen=True)
class CopiedClip:
    """`start_t`/`end_t`: seconds in the source file of the first and last packet copied."""

    packets: int
    start_t: float
    end_t: float


def _seconds(ts: int | None, time_base: Fraction) -> float:
    return float((ts or 0) * time_base)


def copy_span(source: Path, start_t: float, end_t: float, out: Path) -> CopiedClip:
    """Remux the video packets of `source` from the keyframe at or before `start_t` up to
    `end_t` into the MP4 `out`; packet bytes are those of the original."""
    if end_t <= start_t:
        raise ValueError(f"empty span {start_t:.2f} s – {end_t:.2f} s")
    out.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(source)) as src:
        stream = src.streams.video[0]
        tb = stream.time_base or Fraction(1, 90000)
        src.seek(int(max(0.0, start_t) / tb), stream=stream, backward=True, any_frame=False)
        first = _first_keyframe_dts(src, stream, start_t)
        if first is None:  # the seek overshot: read from the beginning
            src.seek(0, stream=stream, backward=True, any_frame=False)
            first = _first_keyframe_dts(src, stream, start_t)
        if first is None:
            raise ValueError(f"no keyframe at or before {start_t:.2f} s")
        src.seek(first, stream=stream, backward=True, any_frame=False)
        return _remux(src, stream, (first, end_t), out)


def _first_keyframe_dts(
    src: av.container.InputContainer, stream: av.VideoStream, start_t: float
) -> int | None:
    """The decode timestamp of the last keyframe at or before `start_t` after the seek point."""
    tb = stream.time_base or Fraction(1, 90000)
    best = None
    for packet in src.demux(stream):
        if packet.dts is None:
            continue
        if _seconds(packet.pts, tb) > start_t:
            break
        if packet.is_keyframe:
            best = packet.dts
    return best


def _remux(
    src: av.container.InputContainer,
    stream: av.VideoStream,
    span: tuple[int, float],
    out: Path,
) -> CopiedClip:
    first_dts, end_t = span
    tb = stream.time_base or Fraction(1, 90000)
    count, start, last = 0, None, 0.0
    with av.open(str(out), "w", options={"movflags": "faststart"}) as dst:
        ostream = dst.add_stream_from_template(stream)
        for packet in src.demux(stream):
            if packet.dts is None or packet.dts < first_dts:
                continue
            if start is None and not packet.is_keyframe:
                continue
            t = _seconds(packet.pts, tb)
            if start is not None and t > end_t:
                break
            start = t if start is None else min(start, t)
            last = max(last, t)
            packet.pts = None if packet.pts is None else packet.pts - first_dts
            packet.dts -= first_dts
            packet.stream = ostream
            dst.mux(packet)
            count += 1
    if start is None:
        raise ValueError(f"no packet between {span[0]} and {end_t:.2f} s")
    return CopiedClip(count, start, last)
