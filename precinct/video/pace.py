"""Whether a stream suits burst sampling, from the pace of its frames and keyframes.

Burst sampling (`bursts`) decodes the first frames after each keyframe and leaves the rest of
the keyframe interval (GOP) unseen; the tracker coasts across that gap. This only pays, and
only works, when:

- the longest stretch without a keyframe is longer than a burst (else there is no tail to
  skip: intra-only or very short GOPs decode as much as full sampling), and
- the gap it leaves after a burst is one a track can coast across (`coast_s`): with keyframes
  every 25 s (PETS09's AVI), a burst sees 0.6 s of each 25 and every passer is lost;
- a burst holds enough frames for the tracker to confirm a new mover and then measure its
  course (`min_frames`: twice its confirmation hits): at 7 fps a 0.6 s burst holds 4 frames.

Otherwise the file is scanned with full sampling. The pace is read by demuxing the first
`WINDOW_S` seconds of packets (nothing is decoded).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import av

log = logging.getLogger(__name__)

WINDOW_S = 20.0
"""Keyframe flags are read over this much footage from the start."""


@dataclass(frozen=True)
class Pace:
    """A stream's frame rate and the longest stretch without a keyframe in its first
    `WINDOW_S` seconds (a stretch running to the window's or the file's end included)."""

    fps: float
    keyless_s: float


@dataclass(frozen=True)
class BurstNeeds:
    """What burst sampling needs of a stream (from the scan's settings; `min_frames`: twice
    the tracker's hits to confirm a mover)."""

    burst_s: float
    coast_s: float
    min_frames: int


def bursts_fit(path: Path, needs: BurstNeeds) -> bool:
    """Whether to sample `path` in bursts (else in full, and the reason is logged)."""
    why = unfit_for_bursts(stream_pace(path), needs)
    if why is not None:
        log.info("%s: sampled in full: %s", path.name, why)
    return why is None


def stream_pace(path: Path, window_s: float = WINDOW_S) -> Pace:
    """The pace of the first video stream of `path`, demuxed over its first `window_s` (up
    to the damage of a truncated file)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 25.0
        base, origin = float(stream.time_base or 0.001), None
        last_key, end, longest = 0.0, 0.0, 0.0
        try:
            for packet in container.demux(stream):
                stamp = packet.pts if packet.pts is not None else packet.dts
                if stamp is None or packet.is_corrupt:
                    continue
                origin = stamp if origin is None else origin
                t = (stamp - origin) * base
                end = max(end, t + 1 / fps)
                if packet.is_keyframe:
                    longest, last_key = max(longest, t - last_key), t
                if t >= window_s:
                    break
        except av.error.FFmpegError:
            pass  # damaged: the pace of what could be read
    return Pace(fps, max(longest, end - last_key))


def unfit_for_bursts(pace: Pace, needs: BurstNeeds) -> str | None:
    """Why burst sampling does not suit a stream of this pace (None: it does)."""
    if pace.keyless_s <= needs.burst_s:
        return f"a keyframe every {pace.keyless_s:.2f} s leaves no tail to skip after a burst"
    if pace.keyless_s - needs.burst_s > needs.coast_s:
        return (
            f"keyframes {pace.keyless_s:.1f} s apart leave gaps longer than a track coasts "
            f"({needs.coast_s:.1f} s)"
        )
    if needs.burst_s * pace.fps < needs.min_frames:
        return (
            f"at {pace.fps:.1f} fps a {needs.burst_s:.1f} s burst holds fewer than "
            f"{needs.min_frames} frames"
        )
    return None
