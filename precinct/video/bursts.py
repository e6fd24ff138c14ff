"""Burst sampling for the detail pass: in every keyframe interval (GOP) that meets an active
span, decode the keyframe and the frames just after it, and skip the rest of the GOP unseen.

In H.264 without B-frames every P-frame is a reference for the next one, so the frames of a GOP
cannot be thinned out: only its *tail* can be left undecoded (the next keyframe starts afresh).
A burst of `burst_s` seconds (15 frames at 25 fps for 0.6 s) out of a 2 s GOP costs under a third of
its P-frames plus the keyframe; quiet GOPs are not even handed to the decoder. The consumer may
ask for more through `BurstControl.extend` (a fast mover that would cross much of the picture
unseen before the next burst): the decoder then goes on through the GOP's tail while it stays
set. Packets are demuxed in order and only those wanted are decoded, so there is no seeking.

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import av

from precinct.video.decode import Clock, Reader, _luma, _Size, reading
from precinct.video.stamps import SampledStamps
from precinct.video.track import Mover
from precinct.video.triage import Span, merge_spans
from precinct.video.types import Frame

log = logging.getLogger(__name__)

DEFAULT_GOP_S = 2.0
"""The keyframe interval assumed until two keyframes have been seen."""


@dataclass
class BurstControl:
    """Shared between the decoder (reads it) and the consumer (sets `extend`)."""

    size: tuple[int, int]  # the picture's width and height in source pixels
    burst_s: float = 0.6
    probe_s: float = 0.2  # decode on this much while a new blob's course is unknown
    extend_share: float = 0.2  # decode a GOP's tail when a mover would cross this share unseen
    extend: bool = False
    gop_s: float = DEFAULT_GOP_S  # measured keyframe interval (updated while decoding)
    key_t: float = 0.0  # time of the current GOP's keyframe

    @property
    def picture_side(self) -> float:
        return float(max(self.size))

    @property
    def gap_s(self) -> float:
        """Seconds between the end of one burst and the start of the next."""
        return max(0.0, self.gop_s - self.burst_s)


class Sample(NamedTuple):
    frame: Frame  # reduced luma, for motion
    picture: av.VideoFrame  # the full-resolution picture (for crops; let it go after use)


@dataclass
class _Gop:
    key_t: float = -1.0
    active: bool = False
    decoding: bool = False  # False once the GOP's tail is being skipped
    sent_until: float = -1.0  # the latest time of a packet handed to the decoder
    unsafe: tuple[float, float] = (0.0, 0.0)  # frames shown in between refer to skipped ones
    serials: SampledStamps | None = None  # names frames by their packets (no pts: AVI)

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
        try:
            for packet in reader.container.demux(reader.stream):
                if packet.pts is None:  # the end: the decoder gives out what it holds
                    yield from _decoded(reader, packet, size, keyframes, gop)
                elif _wanted(packet, reader.clock, gop, merged, control):
                    _number(packet, reader.clock, gop.serials)
                    yield from _decoded(reader, packet, size, keyframes, gop)
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
) -> bool:
    """Whether to decode this packet: the keyframe of an active GOP, the frames of its burst,
    and its tail while the consumer asks for it."""
    t = gop.packet_t(packet, clock)
    if t is None:
        return False
    if packet.is_keyframe:
        if 0 <= gop.key_t < t:
            control.gop_s = t - gop.key_t
        if not (gop.active and gop.decoding):
            gop.unsafe = (gop.sent_until, t)  # open GOPs: leading frames refer to the skipped
        gop.key_t, gop.decoding, control.extend, control.key_t = t, True, False, t
        gop.active = _meets(spans, t, t + control.gop_s)
        return gop.active and _sent(gop, t)
    if not (gop.active and gop.decoding):
        return False
    if control.extend or t - gop.key_t < control.burst_s - 0.5 / clock.fps + gop.slack_s(clock):
        return _sent(gop, t)
    gop.skip()  # once a frame is skipped, the rest of the GOP cannot be decoded
    return False


def _sent(gop: _Gop, t: float) -> bool:
    gop.sent_until = max(gop.sent_until, t)
    return True


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


def needs_more(movers: Sequence[Mover], control: BurstControl, t: float) -> bool:
    """Whether to decode on past the burst at time `t`: a confirmed mover would cross more
    than `extend_share` of the picture unseen before the next burst, or would leave the
    picture meanwhile (a fast car or cyclist: a short passage could hide between two bursts);
    or, for up to `probe_s` more, something new appeared whose course is not known yet."""
    gap, side = control.gap_s, control.picture_side
    for m in movers:
        if not m.confirmed:
            continue
        if max(abs(m.vx), abs(m.vy)) * gap > control.extend_share * side:
            return True
        cx, cy = m.box.cx + m.vx * gap, m.box.cy + m.vy * gap
        if not (0 <= cx < control.size[0] and 0 <= cy < control.size[1]):
            return True
    probing = t - control.key_t < control.burst_s + control.probe_s
    return probing and any(not m.confirmed for m in movers)
