"""One demux pass over a footage file: every packet's time, size and keyframe flag, decoding
nothing (a sink, such as the keyframe triage, may decode what it is fed). Reads up to damage.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import av

from precinct.video.probe import FootageError

log = logging.getLogger(__name__)


class PacketSink(Protocol):
    def feed(self, packet: av.Packet[av.VideoStream], t: float) -> None: ...

    def finish(self) -> None: ...


@dataclass
class PacketLog:
    """What one demux pass found: per packet, time (s from the stream start), size, keyframe."""

    times: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    keys: list[bool] = field(default_factory=list)
    fps: float = 25.0
    duration: float = 0.0
    damage: float | None = None

    @property
    def key_share(self) -> float:
        return sum(self.keys) / len(self.keys) if self.keys else 0.0


def read_packets(path: Path, sink: PacketSink | None = None) -> PacketLog:
    """Demux the first video stream without decoding (but feeding `sink`); stop at damage."""
    with av.open(str(path)) as container:
        stream = video_stream(container, path)
        rate = stream.average_rate or stream.guessed_rate
        found = PacketLog(fps=float(rate) if rate else 25.0)
        try:
            _demux(container, stream, found, sink)
        except av.error.FFmpegError as exc:
            log.warning("%s: stops at %.1f s (%s)", path.name, max(found.times, default=0), exc)
            found.damage = max(found.times, default=0.0)
        if sink is not None:
            sink.finish()
        found.duration = _duration(found, stated_duration(container, stream))
    return found


def _demux(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    found: PacketLog,
    sink: PacketSink | None,
) -> None:
    base, origin = float(stream.time_base or 0.001), stream.start_time
    times, sizes, keys = found.times, found.sizes, found.keys  # (15,000 packets a 10-min file)
    feed = sink.feed if sink is not None else None
    for packet in container.demux(stream):
        stamp = packet.pts
        if stamp is None:
            stamp = packet.dts
            if stamp is None:
                continue  # the flush packet
        if packet.is_corrupt:
            found.damage = max(times, default=0.0)
            return
        if origin is None:
            origin = stamp
        t = (stamp - origin) * base
        times.append(t)
        sizes.append(packet.size)
        keys.append(bool(packet.is_keyframe))
        if feed is not None:
            feed(packet, t)


def video_stream(container: av.container.InputContainer, path: Path) -> av.VideoStream:
    """The first video stream; FootageError when there is none."""
    if not container.streams.video:
        raise FootageError(path, "the file has no video stream")
    return container.streams.video[0]


def stated_duration(container: av.container.InputContainer, stream: av.VideoStream) -> float | None:
    """The duration the file's headers state (the stream's, else the container's), if any."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return None if container.duration is None else container.duration / av.time_base


def _duration(found: PacketLog, stated: float | None) -> float:
    read = max(found.times, default=0.0) + 1 / found.fps if found.times else 0.0
    if stated is None:
        return read
    if found.damage is None and read < stated - 2 / found.fps:
        found.damage = read  # the index promises more than the file holds
    return read if found.damage is not None else max(stated, read)
