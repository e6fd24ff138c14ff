"""When a burst decodes on (`bursts`): the consumer's side of `BurstControl`.

After the burst's quiet part (`quiet_s`) the burst goes on to `burst_s` while a mover in sight
has not been seen often enough in it to know its course (`course_points`); past the burst, the
GOP's tail is decoded while a mover in sight would cross much of the picture or leave it unseen
before the next burst, while something new is probed (`probe_s`), or while a mover first seen
in the last burst of a span is still in sight. A mover counts as in sight when it was matched to
a blob within `sight_s`: one that has left the picture (or was lost) coasts on in the tracker,
and decoding on cannot follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from precinct.video.track import Mover

DEFAULT_GOP_S = 2.0
"""The keyframe interval assumed until two keyframes have been seen."""


@dataclass
class BurstControl:
    """Shared between the decoder (reads it) and the consumer (sets `extend`)."""

    size: tuple[int, int]  # the picture's width and height in source pixels
    burst_s: float = 0.6
    probe_s: float = 0.2  # decode on this much while a new blob's course is unknown
    extend_share: float = 0.2  # decode a GOP's tail when a mover would cross this share unseen
    surge: float = 2.0  # … or when its packets grow this many times their usual size (0: off)
    quiet_s: float = 0.0  # a burst in which nothing moves ends after this (0: `burst_s` always)
    sight_s: float = 0.0  # movers unseen this long are not followed (gone, or lost: 0: off)
    course_points: int = 0  # past `quiet_s`, a mover seen this often in the burst needs no more
    extend: bool = False
    last: bool = False  # no burst follows this GOP's (the next GOP is quiet, or the file ends)
    frame_s: float = 0.04  # one frame's time (set by the decoder)
    gop_s: float = DEFAULT_GOP_S  # measured keyframe interval (updated while decoding)
    key_t: float = 0.0  # time of the current GOP's keyframe

    @property
    def picture_side(self) -> float:
        return float(max(self.size))

    @property
    def gap_s(self) -> float:
        """Seconds between the end of one burst and the start of the next."""
        return max(0.0, self.gop_s - self.burst_s)


def needs_more(movers: Sequence[Mover], control: BurstControl, t: float) -> bool:
    """Whether to decode on past the burst at time `t`: a confirmed mover would cross more
    than `extend_share` of the picture unseen before the next burst, or would leave the
    picture meanwhile (a fast car or cyclist: a short passage could hide between two bursts);
    or, for up to `probe_s` more, something new appeared whose course is not known yet. With
    `quiet_s` set, the burst itself goes on past `quiet_s` only while anything moves. With
    `sight_s` set, only movers seen in the last `sight_s` count: one that has left the picture
    (or was lost) coasts on in the tracker, but decoding on cannot follow it."""
    if t < control.key_t:
        return False  # a late frame of the GOP before (the decoder's threads lag)
    movers = in_sight(movers, control, t)
    gap, side = control.gap_s, control.picture_side
    next_at = t + control.frame_s - control.key_t  # (the decoder's own test of the burst)
    if control.quiet_s > 0 and next_at < control.burst_s - 0.5 * control.frame_s:
        if any(_course_unknown(m, control) for m in movers):
            return True
    for m in movers:
        if not m.confirmed:
            continue
        if max(abs(m.vx), abs(m.vy)) * gap > control.extend_share * side:
            return True
        cx, cy = m.box.cx + m.vx * gap, m.box.cy + m.vy * gap
        if not (0 <= cx < control.size[0] and 0 <= cy < control.size[1]):
            return True
    probing = t - control.key_t < control.burst_s + control.probe_s
    return probing and any(not m.confirmed for m in movers) or _last_sight(movers, control, t)


def _course_unknown(mover: Mover, control: BurstControl) -> bool:
    """Whether the burst has seen `mover` too few times (`course_points`) to know its course
    (always, with `course_points` 0: the burst goes on while anything is in sight)."""
    if control.course_points <= 0:
        return True
    seen = 0
    for point in reversed(mover.points):
        if point.t < control.key_t:
            break
        seen += 1
    return seen < control.course_points


def in_sight(movers: Sequence[Mover], control: BurstControl, t: float) -> Sequence[Mover]:
    """The movers seen (matched to a blob) within `control.sight_s` before `t` (all if 0)."""
    if control.sight_s <= 0:
        return movers
    since = t - control.sight_s - 0.5 * control.frame_s
    return [m for m in movers if m.points and m.points[-1].t >= since]


def _last_sight(movers: Sequence[Mover], control: BurstControl, t: float) -> bool:
    """Whether a mover first seen in this burst is still in sight while no later burst will
    see it (the next GOP is quiet, or the file ends): its track would be only as long as the
    burst, too brief to tell a slow, far car from a flicker. The GOP's tail follows it on."""
    if not control.last:
        return False
    recent = t - 1.5 * control.frame_s
    return any(
        m.confirmed and m.points[0].t >= control.key_t and m.points[-1].t >= recent for m in movers
    )
