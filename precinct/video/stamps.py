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
            return pts
        self.faulty_dts += int(self._last_dts is not None and dts <= self._last_dts)
        self._last_dts = dts
        if self._lead is None:
            first = self._first_packet_dts
            self._lead = dts - first if first is not None and first <= dts else 0
        if pts is not None and not self.prefer_dts and self.faulty_pts <= self.faulty_dts:
            return pts
        return dts - self._lead
