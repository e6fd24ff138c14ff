"""Presentation times of decoded frames when a container's own are wrong (pure).

Decoders hand frames out in presentation order, so their presentation stamps (pts) must rise.
Some containers carry no pts at all and the demuxer makes them up from the decoding order:
AVI files with B-frames (PETS09-S2L1's `vtest.avi`) give pts 1, 4, 3, 5, 2, 8, … for frames
0, 1, 2, 3, 4, 5, … — frames land up to three places off and time runs backwards. Like FFmpeg's
best-effort timestamp, `FrameStamps` counts the faults (a stamp not above the previous one) of
pts and of dts and trusts the one with fewer; a dts stamp is moved back by the decoder's lead
(the frame's dts minus the first packet's dts after a start or seek: the frames the decoder holds
back for reordering), so that the first frame of a file is frame 0. A container known to hold
no pts (AVI) uses dts from its first frame on, before any fault shows.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


class FrameStamps:
    """Chooses each frame's stamp (in stream time-base units) from its pts and dts."""

    def __init__(self, prefer_dts: bool = False) -> None:
        self.prefer_dts = prefer_dts  # a container known to hold no pts (AVI): dts from the start
        self.faulty_pts = 0
        self.faulty_dts = 0
        self.restart()

    def restart(self) -> None:
        """After a seek: stamps may go back once, and the lead is measured again."""
        self._last_pts: int | None = None
        self._last_dts: int | None = None
        self._first_packet_dts: int | None = None
        self._lead: int | None = None
        self._step = 0  # the last rise of dts from frame to frame

    def packet(self, dts: int | None) -> None:
        """A packet goes to the decoder (the first one after a start sets the lead)."""
        if self._first_packet_dts is None and dts is not None:
            self._first_packet_dts = dts

    def stamp(self, pts: int | None, dts: int | None) -> int | None:
        """The frame's stamp: its pts unless pts have been faulty more often than dts."""
        if pts is not None:
            self.faulty_pts += int(self._last_pts is not None and pts <= self._last_pts)
            self._last_pts = pts
        if dts is None:
            return self._flushed(pts)
        self.faulty_dts += int(self._last_dts is not None and dts <= self._last_dts)
        if self._last_dts is not None and dts > self._last_dts:
            self._step = dts - self._last_dts
        self._last_dts = dts
        if self._lead is None:
            first = self._first_packet_dts
            self._lead = dts - first if first is not None and first <= dts else 0
        if pts is not None and not self._dts_rule():
            return pts
        return dts - self._lead

    def _dts_rule(self) -> bool:
        return self.prefer_dts or self.faulty_pts > self.faulty_dts

    def _flushed(self, pts: int | None) -> int | None:
        """A frame without dts: at the end, the decoder gives out the frames it held back, and
        under the dts rule they follow the last stamp one frame step apart."""
        if not self._dts_rule() or self._last_dts is None or self._lead is None or not self._step:
            return pts
        self._last_dts += self._step
        return self._last_dts - self._lead


@dataclass
class _Gop:
    key: int  # the keyframe's frame index
    first: int  # the serial of its first packet (the keyframe's)
    sent: int = 0  # packets of it handed to the decoder
    given: int = 0  # frames of it the decoder has given out
    key_rank: int | None = None  # how many of them came out before the keyframe
    skipped: bool = False  # its tail was not decoded


class SampledStamps:
    """Frame indices for a decode that skips the tails of GOPs, in a container without pts (AVI).

    Made-up pts cannot name the frames, and neither can dts once tails are skipped: the frames
    the decoder held back for reordering come out after the next GOP's packets went in. Instead
    every packet gets a serial number, which the caller sets as its pts and the decoder hands
    back on the frame made from it, so each frame is known by its packet. A GOP's frames come
    out in presentation order, the keyframe first (closed GOP), so the n-th after the keyframe
    is frame key + n; frames of a GOP that come out before its keyframe (the leading frames
    of an open GOP) are dropped. Where a tail was skipped, the decoded packets are a prefix in
    decoding order: a P-frame sent just before the burst ended may be shown after B-frames that
    were never decoded, so the last `lead` frames of such a GOP are dropped as unsure (the lead,
    the packets in flight before the first frame comes out, is at least the reordering depth:
    no frame before those can have an undecoded one ahead of it). A burst that sends `lead`
    packets more than it needs loses nothing.
    """

    def __init__(self) -> None:
        self.serial = 0  # packets handed out so far
        self.lead: int | None = None
        self._gops: list[_Gop] = []
        self._firsts: list[int] = []  # each GOP's first serial, for the lookup

    def packet(self, key: int | None) -> int:
        """A packet goes to the decoder (`key`: its frame index if a keyframe): its serial."""
        if key is not None:
            self._gops.append(_Gop(key, self.serial))
            self._firsts.append(self.serial)
        if self._gops:
            self._gops[-1].sent += 1
        self.serial += 1
        return self.serial - 1

    def skip(self) -> None:
        """The rest of the current GOP will not be decoded."""
        if self._gops:
            self._gops[-1].skipped = True

    def frame(self, serial: int | None) -> int | None:
        """The frame index of a decoded frame made from packet `serial`, or None: unsure."""
        if self.lead is None:
            self.lead = max(0, self.serial - 1)
        gop = self._gop(serial)
        if gop is None:
            return None
        rank = gop.given
        gop.given += 1
        if serial == gop.first:
            gop.key_rank = rank
        if gop.key_rank is None or (gop.skipped and rank >= gop.sent - self.lead):
            return None
        return gop.key + rank - gop.key_rank

    def _gop(self, serial: int | None) -> _Gop | None:
        if serial is None or not 0 <= serial < self.serial:
            return None
        at = bisect.bisect_right(self._firsts, serial) - 1
        return self._gops[at] if at >= 0 else None
