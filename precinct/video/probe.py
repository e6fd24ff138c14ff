"""What a video file holds, read with PyAV by demuxing only (no frame is decoded).

`probe` reports codec, size, frame rate, duration, frame count and keyframe interval, and
where a truncated or corrupt file stops demuxing cleanly (`damage`). Files that are not video
at all, or that cannot be opened, raise :class:`FootageError` naming the file and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av

KEYFRAME_WINDOW_S = 10.0
"""Keyframe flags are read over this much footage from the start."""

SHORTFALL_FRAMES = 2
"""Packets ending more than this many frames before the stated duration mean a truncated file."""


class FootageError(Exception):
    """A file that cannot be used as footage; `reason` says what is wrong with it."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


@dataclass(frozen=True)
class FootageInfo:
    """The figures of one video file; `damage` is None when the file is whole."""

    codec: str
    width: int
    height: int
    fps: float
    duration_s: float
    frames: int | None
    keyframe_interval: int | None
    damage: float | None


@dataclass
class _Scan:
    """What demuxing the packets found."""

    packets: int = 0
    end_s: float = 0.0
    keyframes: list[int] = field(default_factory=list)
    damage: float | None = None


def probe(path: Path) -> FootageInfo:
    """Probe one file; raises FootageError for missing, non-video or unreadable files."""
    if not path.is_file():
        raise FootageError(path, "no such file")
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as exc:
        raise FootageError(
            path, f"not a readable video file, or cut off before its index ({_why(exc)})"
        ) from exc
    with container:
        if not container.streams.video:
            raise FootageError(path, "the file has no video stream")
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        width, height = stream.codec_context.width, stream.codec_context.height
        rate = stream.average_rate or stream.base_rate or stream.guessed_rate
        if not codec or not width or not height or not rate:
            raise FootageError(path, "unsupported video stream (no codec, size or frame rate)")
        fps = float(rate)
        stated = _stated_duration(container, stream)
        scan = _demux(container, stream, fps)
    if scan.packets == 0:
        raise FootageError(path, "the video stream has no readable packets (corrupt file)")
    damage = scan.damage
    if damage is None and stated is not None and scan.end_s < stated - SHORTFALL_FRAMES / fps:
        damage = scan.end_s
    duration = stated if stated is not None else scan.end_s
    frames = int(stream.frames) if stream.frames else scan.packets if damage is None else None
    return FootageInfo(
        codec=codec,
        width=width,
        height=height,
        fps=fps,
        duration_s=round(duration, 3),
        frames=frames,
        keyframe_interval=_interval(scan.keyframes),
        damage=None if damage is None else round(damage, 3),
    )


def _why(exc: av.error.FFmpegError) -> str:
    return str(exc.strerror or exc).strip() or type(exc).__name__


def _stated_duration(
    container: av.container.InputContainer, stream: av.VideoStream
) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _demux(container: av.container.InputContainer, stream: av.VideoStream, fps: float) -> _Scan:
    """Walk every packet of the stream; stop at the first corrupt packet or demux error."""
    scan = _Scan()
    base = stream.time_base or Fraction(1, 1000)
    start: float | None = None
    try:
        for packet in container.demux(stream):
            stamp = packet.pts if packet.pts is not None else packet.dts
            if stamp is None:
                continue  # the flush packet at the end
            seconds = float(stamp * base)
            start = seconds if start is None else start
            if packet.is_corrupt:
                scan.damage = scan.end_s
                break
            scan.packets += 1
            scan.end_s = max(scan.end_s, seconds - start + 1 / fps)
            if packet.is_keyframe and seconds - start <= KEYFRAME_WINDOW_S:
                scan.keyframes.append(scan.packets)
    except av.error.FFmpegError:
        scan.damage = scan.end_s
    return scan


def _interval(keyframes: list[int]) -> int | None:
    """The most common distance, in frames, between successive keyframes."""
    gaps = [b - a for a, b in zip(keyframes, keyframes[1:], strict=False)]
    if not gaps:
        return None
    return max(set(gaps), key=gaps.count)
