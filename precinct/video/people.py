"""Detector-assisted people detection for busy scenes (one stage of the detail pass).

Background subtraction alone fails where people walk in groups in daylight: two or three walkers
make one blob, a walker who pauses fades into the background, and a group's blob steals the
tracks of its members. `PeopleAssist.refine(frame, blobs)` looks at the blobs of each frame and,
while the scene is *busy* (at least `min_blobs` moving blobs, held for `hold_s` after), runs the
person detector on every `every`-th frame, on the full-resolution picture:

- a blob holding detector people (at least `inside` of each person's box within the blob) is
  replaced by those people: a merged group splits into its members;
- a detector person on no blob (a walker the background model missed or absorbed) is added when
  its score reaches `add_score`;
- blobs with no person on them (cars, bicycles, people the detector missed) pass unchanged;
- on the frames between two detector runs, a blob holding two or more of the last run's people
  is replaced by them (a group does not merge back for one frame).

The detector's cost is bounded by the scene: on sparse footage (a lone passer at night) frames
are rarely busy and the detector almost never runs, and at most `max_share` of the frames may
carry a detector run. Tracks in busy stretches have their short gaps (frames where the person
was matched to nothing) filled by interpolation (`fill_gaps`), so that a walker hidden for a few
frames in a group keeps one box per frame.

Pure apart from the pictures it is handed: the scan supplies a `Pictures` callable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from precinct.video import decode
from precinct.video.classify import COCO_PERSON, Detector
from precinct.video.types import Box, Detection, Frame, Image, ObjectClass, Track, TrackPoint

Pictures = Callable[[int], Image | None]
"""The full-resolution BGR picture of a frame index (None when the file does not hold it)."""


@dataclass(frozen=True)
class PeopleConfig:
    """When the person detector assists motion, and how its people replace blobs."""

    enabled: bool = True
    min_blobs: int = 2  # a frame with at least this many moving blobs is busy ...
    hold_s: float = 2.0  # ... and the scene stays busy this long after one
    every: int = 2  # the detector runs on every n-th busy frame
    max_share: float = 0.5  # ... and on at most this share of the frames decoded so far
    min_score: float = 0.3  # detector people below this score are ignored
    add_score: float = 0.4  # a person on no blob is added from this score
    inside: float = 0.5  # share of a person's box inside a blob for the blob to hold it
    gap_s: float = 1.0  # gaps up to this long in busy-stretch tracks are interpolated


@dataclass
class PeopleStats:
    """What the assist did in one scan (for the scan's timings and the benchmark)."""

    frames: int = 0
    busy_frames: int = 0
    detector_runs: int = 0
    split_blobs: int = 0
    added_people: int = 0


@dataclass
class PeopleAssist:
    """Refines the motion blobs of each frame with detector people while the scene is busy."""

    detector: Detector | None
    pictures: Pictures
    config: PeopleConfig = field(default_factory=PeopleConfig)
    stats: PeopleStats = field(default_factory=PeopleStats)
    _busy_until: float = -1.0
    _since_run: int = 0
    _last: list[Box] = field(default_factory=list)
    busy: list[tuple[int, int]] = field(default_factory=list)  # busy frame ranges, inclusive

    def refine(self, frame: Frame, blobs: list[Detection]) -> list[Detection]:
        self.stats.frames += 1
        if self.detector is None or not self.config.enabled:
            return blobs
        if not self._is_busy(frame, blobs):
            self._last = []
            return blobs
        self._mark_busy(frame.index)
        self._since_run += 1
        if self._since_run >= self.config.every and self._affordable():
            picture = self.pictures(frame.index)
            if picture is not None:
                self._since_run = 0
                self.stats.detector_runs += 1
                self._last = self._people(picture)
                return self._merge(frame, blobs, self._last, add=True)
        return self._merge(frame, blobs, self._last, add=False, min_held=2)

    def finish(self, tracks: Sequence[Track], step: int = 1) -> list[Track]:
        """The span's tracks, with their short gaps inside busy stretches filled."""
        return fill_gaps(tracks, self.busy, self.config.gap_s, step)

    def _is_busy(self, frame: Frame, blobs: Sequence[Detection]) -> bool:
        if len(blobs) >= self.config.min_blobs:
            self._busy_until = frame.t + self.config.hold_s
        return frame.t <= self._busy_until

    def _mark_busy(self, index: int) -> None:
        self.stats.busy_frames += 1
        if self.busy and self.busy[-1][1] >= index - 2:
            self.busy[-1] = (self.busy[-1][0], index)
        else:
            self.busy.append((index, index))

    def _affordable(self) -> bool:
        return self.stats.detector_runs < self.config.max_share * self.stats.frames

    def _people(self, picture: Image) -> list[Box]:
        assert self.detector is not None
        hits = self.detector.detect_all(picture)
        wanted = [h for h in hits if h.class_id == COCO_PERSON and h.score >= self.config.min_score]
        return [h.box for h in wanted]

    def _merge(
        self,
        frame: Frame,
        blobs: list[Detection],
        people: list[Box],
        add: bool,
        min_held: int = 1,
    ) -> list[Detection]:
        out, used = split_blobs(blobs, people, self.config.inside, min_held)
        self.stats.split_blobs += sum(1 for d in blobs if d not in out)
        if add:
            extra = [
                Detection(frame.index, frame.t, box, 1.0, ObjectClass.PERSON)
                for k, box in enumerate(people)
                if k not in used
            ]
            self.stats.added_people += len(extra)
            out += extra
        return out


def held(blob: Box, people: Sequence[Box], inside: float) -> list[int]:
    """Indices of the people with at least `inside` of their box within `blob`."""
    return [k for k, p in enumerate(people) if _overlap(blob, p) >= inside * max(p.area, 1e-9)]


def split_blobs(
    blobs: Sequence[Detection], people: Sequence[Box], inside: float, min_held: int = 1
) -> tuple[list[Detection], set[int]]:
    """Blobs holding at least `min_held` people are replaced by those people (each person goes
    to the blob that holds most of it); others pass. Returns the detections and the indices of
    the people placed on a blob."""
    owner: dict[int, int] = {}
    for j, blob in enumerate(blobs):
        for k in held(blob.box, people, inside):
            if k not in owner or _overlap(blob.box, people[k]) > _overlap(
                blobs[owner[k]].box, people[k]
            ):
                owner[k] = j
    members: dict[int, list[int]] = {}
    for k, j in owner.items():
        members.setdefault(j, []).append(k)
    out: list[Detection] = []
    for j, blob in enumerate(blobs):
        mine = members.get(j, [])
        if len(mine) < min_held:
            out.append(blob)
            continue
        out += [Detection(blob.frame, blob.t, people[k], blob.score, ObjectClass.PERSON) for k in mine]
    placed = {k for k, j in owner.items() if len(members[j]) >= min_held}
    return out, placed


def _overlap(a: Box, b: Box) -> float:
    ix = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    return ix * iy


def fill_gaps(
    tracks: Sequence[Track], busy: Sequence[tuple[int, int]], gap_s: float, step: int = 1
) -> list[Track]:
    """Tracks with their gaps of up to `gap_s` seconds inside busy frame ranges filled by
    linear interpolation of the boxes on either side (every `step`-th frame, as the scan
    decodes)."""
    return [Track(t.track_id, _filled(t.points, busy, gap_s, step)) for t in tracks]


def _filled(
    points: list[TrackPoint], busy: Sequence[tuple[int, int]], gap_s: float, step: int
) -> list[TrackPoint]:
    out: list[TrackPoint] = points[:1]
    for a, b in zip(points, points[1:], strict=False):
        gap = b.frame - a.frame
        if gap > step and b.t - a.t <= gap_s and _within(a.frame, b.frame, busy):
            for frame in range(a.frame + step, b.frame, step):
                out.append(_between(a, b, (frame - a.frame) / gap, frame))
        out.append(b)
    return out


def _within(first: int, last: int, busy: Sequence[tuple[int, int]]) -> bool:
    return any(start <= first and last <= end for start, end in busy)


def _between(a: TrackPoint, b: TrackPoint, share: float, frame: int) -> TrackPoint:
    def mix(u: float, v: float) -> float:
        return u + (v - u) * share

    box = Box(mix(a.box.x, b.box.x), mix(a.box.y, b.box.y), mix(a.box.w, b.box.w), mix(a.box.h, b.box.h))
    return TrackPoint(frame, mix(a.t, b.t), box)


@contextmanager
def assisting(
    path: Path, detector: Detector | None, config: PeopleConfig
) -> Iterator[PeopleAssist]:
    """A `PeopleAssist` for one file, reading its full-resolution pictures on demand (a second
    decoder that only decodes where the detector runs: busy stretches)."""
    if detector is None or not config.enabled:
        yield PeopleAssist(None, lambda index: None, config)
        return
    with decode._reading(path) as reader:  # noqa: SLF001 - the decoder's own picture reader
        yield PeopleAssist(detector, lambda index: decode._picture(reader, index), config)
