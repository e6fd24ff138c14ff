"""Burst sampling for the detail pass: in every keyframe interval (GOP) that meets an active
span, decode the keyframe and the frames just after it, and skip the rest of the GOP unseen.

In H.264 without B-frames every P-frame is a reference for the next one, so the frames of a GOP
cannot be thinned out: only its *tail* can be left undecoded (the next keyframe starts afresh).
A burst of `burst_s` seconds (15 frames at 25 fps for 0.6 s) out of a 2 s GOP costs under a third of
its P-frames plus the keyframe; quiet GOPs are not even handed to the decoder. The consumer may
ask for more through `BurstControl.extend` (`burst_rules`: a fast mover that would cross much
of the picture unseen before the next burst): the decoder then goes on through the GOP's tail
while it stays set. Packets are demuxed in order and only those wanted are decoded, so there
is no seeking.
The tail's packets are held back undecided until the next keyframe: if one of them is far
larger than the packets at its place in the GOPs before (`PacketSizes`: something large moved
in, such as a car coming out of a side street just after the burst, gone before the next),
the tail is decoded from where the burst ended, else it is dropped.

Streams with B-frames: packets come in decode order, so stopping at the first packet past
the burst drops everything after it in decode order (nothing decoded refers to them); after a
skipped tail, frames shown before the new keyframe are dropped (in an open GOP they would
refer to the skipped tail). A container without pts (AVI: PyAV makes them up from the decoding
order) has its frames named by the packets they come from (`stamps.SampledStamps`), as the
frame reader names them; its bursts send the decoder's lead of packets more, since the last
frames of a cut burst cannot be named for sure.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any, NamedTuple

import av

from precinct.video.burst_rules import DEFAULT_GOP_S as DEFAULT_GOP_S
from precinct.video.burst_rules import BurstControl as BurstControl
from precinct.video.burst_rules import needs_more as needs_more
from precinct.video.decode import Clock, Reader, _luma, _Size, reading
from precinct.video.stamps import SampledStamps
from precinct.video.triage import Span, merge_spans
from precinct.video.types import Frame

log = logging.getLogger(__name__)


class Sample(NamedTuple):
    frame: Frame  # reduced luma, for motion
    picture: av.VideoFrame  # the full-resolution picture (for crops; let it go after use)


MAX_HELD = 300
"""Packets of a GOP's tail held back at most (a longer tail is skipped: ~1-3 MB at 1080p)."""

SURGE_SHARE = 0.02
"""A packet surges only if it also exceeds its usual size by this share of its keyframe's."""


class PacketSizes:
    """The usual size of a packet at each position after its keyframe: the median of the
    last `GOPS` GOPs' (packet sizes fall off after each keyframe as the encoder settles)."""

    GOPS = 8

    def __init__(self) -> None:
        self._seen: dict[int, deque[int]] = {}
        self.key_size = 0

    def surges(self, position: int, size: int, ratio: float) -> bool:
        """Whether a packet of `size` at `position` is `ratio` times its usual size or more
        (something large moved in: a car entering the picture between two bursts); then
        note its size."""
        seen = self._seen.get(position)
        if seen is None:
            seen = self._seen[position] = deque(maxlen=self.GOPS)
        usual = float(median(seen)) if ratio > 0 and len(seen) >= self.GOPS // 2 else None
        seen.append(size)
        if usual is None:
            return False
        return size >= ratio * usual and size - usual >= SURGE_SHARE * self.key_size


@dataclass
class _Gop:
    key_t: float = -1.0
    active: bool = False
    decoding: bool = False  # False once the GOP's tail is being skipped
    tail: bool = False  # the whole tail is being decoded (its packets surged)
    sent_until: float = -1.0  # the latest time of a packet handed to the decoder
    unsafe: tuple[float, float] = (0.0, 0.0)  # frames shown in between refer to skipped ones
    serials: SampledStamps | None = None  # names frames by their packets (no pts: AVI)
    held: list[av.Packet[Any]] = field(default_factory=list)  # tail packets not decided yet
    sizes: PacketSizes = field(default_factory=PacketSizes)

    def release(self, packet: av.Packet[Any], t: float) -> list[av.Packet[Any]]:
        """The held packets and this one, to decode now (in order)."""
        ready = [*self.held, packet]
        self.held = []
        self.sent_until = max(self.sent_until, t)
        return ready

    def drop_held(self) -> None:
        """The held tail will not be decoded."""
        if self.held:
            self.held = []
            self.skip()

    def slack_s(self, clock: Clock) -> float:
        """How much longer to send packets so that the burst's frames can all be named (until
        the first frame comes out, the decoder's lead is not known: on)."""
        if self.serials is None:
            return 0.0
        lead = self.serials.lead
        return float("inf") if lead is None else lead / clock.fps

    def packet_t(self, packet: av.Packet[Any], clock: Clock) -> float | None:
        stamp = packet.dts if self.serials is not None else packet.pts
        return None if stamp is None else clock.seconds(stamp)

    def skip(self) -> None:
        self.decoding = False
        if self.serials is not None:
            self.serials.skip()


def iter_bursts(
    path: Path,
    spans: Sequence[Span],
    control: BurstControl,
    width: int = 384,
    keyframes: set[int] | None = None,
) -> Iterator[Sample]:
    """Luma frames reduced to `width` of the burst at the start of every GOP that meets one of
    `spans` (and of the tail of a GOP while `control.extend` is set). `keyframes`, if given,
    receives the index of every keyframe decoded."""
    merged = merge_spans(spans)
    if not merged:
        return
    with reading(path) as reader:
        size = _Size.reduced(reader.stream, width)
        gop = _Gop(serials=SampledStamps() if reader.stamps.prefer_dts else None)
        control.frame_s = 1 / reader.clock.fps
        try:
            for packet in reader.container.demux(reader.stream):
                if packet.pts is None:  # the end: the decoder gives out what it holds
                    gop.drop_held()
                    yield from _decoded(reader, packet, size, keyframes, gop)
                for ready in _wanted(packet, reader.clock, gop, merged, control):
                    _number(ready, reader.clock, gop.serials)
                    yield from _decoded(reader, ready, size, keyframes, gop)
        except av.error.FFmpegError as exc:
            reader.stop(exc)


def _number(packet: av.Packet[Any], clock: Clock, serials: SampledStamps | None) -> None:
    """Without pts, the packet's serial number goes in its pts (the frame made from it gets it)."""
    if serials is None:
        return
    key = None
    if packet.is_keyframe and packet.dts is not None:
        key = clock.index(clock.seconds(packet.dts))
    packet.pts = serials.packet(key)


def _wanted(
    packet: av.Packet[Any], clock: Clock, gop: _Gop, spans: list[Span], control: BurstControl
) -> list[av.Packet[Any]]:
    """The packets to decode now: the keyframe of an active GOP and the frames of its burst;
    past the burst, its tail is held back (undecided) and decoded from where the burst ended
    if the consumer asks for it or once a packet of it surges (`PacketSizes`), else dropped at
    the next keyframe."""
    t = gop.packet_t(packet, clock)
    if t is None:
        return []
    position = round((t - gop.key_t) * clock.fps) if not packet.is_keyframe else 0
    surge = gop.sizes.surges(position, packet.size, control.surge)
    if packet.is_keyframe:
        gop.drop_held()
        if 0 <= gop.key_t < t:
            control.gop_s = t - gop.key_t
        if not (gop.active and gop.decoding):
            gop.unsafe = (gop.sent_until, t)  # open GOPs: leading frames refer to the skipped
        gop.key_t, gop.decoding, gop.tail, control.extend, control.key_t = t, True, False, False, t
        gop.active, gop.sizes.key_size = _meets(spans, t, t + control.gop_s), packet.size
        control.last = not _meets(spans, t + control.gop_s, t + 2 * control.gop_s)
        return gop.release(packet, t) if gop.active else []
    if not (gop.active and gop.decoding):
        return []
    shortest = control.quiet_s if control.quiet_s > 0 else control.burst_s
    window = shortest - 0.5 / clock.fps + gop.slack_s(clock)
    burst = not gop.held and t - gop.key_t < window  # (B-frames: the first past it ends it)
    gop.tail = gop.tail or (surge and not burst)
    if gop.tail or control.extend or burst:
        return gop.release(packet, t)
    if len(gop.held) >= MAX_HELD:
        gop.drop_held()  # once a frame is skipped, the rest of the GOP cannot be decoded
        return []
    gop.held.append(packet)
    return []


def _meets(spans: list[Span], start: float, end: float) -> bool:
    return any(s.start_t < end and s.end_t > start for s in spans)


def _decoded(
    reader: Reader,
    packet: av.Packet[Any],
    size: _Size,
    keyframes: set[int] | None,
    gop: _Gop,
) -> Iterator[Sample]:
    for frame in reader.stream.decode(packet):
        named = _named(frame, reader.clock, gop)
        if named is None:
            continue
        index, t = named
        if frame.key_frame and keyframes is not None:
            keyframes.add(index)
        yield Sample(Frame(index, t, _luma(reader, frame, size), size.scale), frame)


def _named(frame: av.VideoFrame, clock: Clock, gop: _Gop) -> tuple[int, float] | None:
    """The frame's index and time; None for a frame to drop (see the module's text)."""
    if gop.serials is not None:
        index = gop.serials.frame(frame.pts)
        return None if index is None else (index, index / clock.fps)
    if frame.pts is None:
        return None
    t = clock.seconds(frame.pts)
    if gop.unsafe[0] < t < gop.unsafe[1]:
        return None
    return clock.index(t), t
