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

Otherwise the file is scanned with full sampling. The pace is read from the packets of the
first `WINDOW_S` seconds that the triage's demux pass logged (nothing is decoded).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from precinct.video.packets import PacketLog

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


def bursts_fit(pace: Pace, needs: BurstNeeds, name: str) -> bool:
    """Whether to sample file `name`, of this pace, in bursts (else in full; the reason is
    logged)."""
    why = unfit_for_bursts(pace, needs)
    if why is not None:
        log.info("%s: sampled in full: %s", name, why)
    return why is None


def pace_of(found: PacketLog, window_s: float = WINDOW_S) -> Pace:
    """The pace of a stream from its packets (the triage's demux pass), over its first
    `window_s` (up to the damage of a truncated file)."""
    origin = found.times[0] if found.times else 0.0
    last_key, end, longest = 0.0, 0.0, 0.0
    for t, key in zip(found.times, found.keys, strict=True):
        t -= origin
        end = max(end, t + 1 / found.fps)
        if key:
            longest, last_key = max(longest, t - last_key), t
        if t >= window_s:
            break
    return Pace(found.fps, max(longest, end - last_key))


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
