"""Detector-assisted people detection for busy scenes (one stage of the detail pass).

Background subtraction alone fails where people walk in groups in daylight: two or three walkers
make one blob, a walker who pauses fades into the background, and a group's blob steals the
tracks of its members. `PeopleAssist.refine(frame, blobs)` looks at the blobs of each frame and,
while the scene is *busy* (at least `min_blobs` moving blobs, held for `hold_s` after), runs the
person detector every `interval_s` seconds, on the full-resolution picture:

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

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from precinct.video import decode
from precinct.video.classify import COCO_PERSON, Detector, Hit, square_crop
from precinct.video.types import Box, Detection, Frame, Image, ObjectClass, Track, TrackPoint

Pictures = Callable[[int], Image | None]
"""The full-resolution BGR picture of a frame index (None when the file does not hold it)."""


@dataclass(frozen=True)
class PeopleConfig:
    """When the person detector assists motion, and how its people replace blobs."""

    enabled: bool = True
    min_blobs: int = 3  # the scene is busy when frames with at least this many blobs ...
    busy_share: float = 0.5  # ... make up this share of the last `window_s` seconds ...
    window_s: float = 1.0
    hold_s: float = 2.0  # ... and it stays busy this long after
    interval_s: float = 0.4  # the detector runs on a busy frame this long after its last run,
    max_interval_s: float = 8.0  # ... doubling up to this after each run that changed nothing
    max_share: float = 0.3  # ... and on at most this share of the frames decoded so far
    min_score: float = 0.3  # detector people below this score are ignored
    add_score: float = 0.4  # a person on no blob is added from this score
    inside: float = 0.5  # share of a person's box inside a blob for the blob to hold it
    add_between: bool = True  # between runs, the last run's sure people on no blob are added
    keep_iou: float = 0.5  # between runs, a blob on one person is kept if it overlaps it so
    close_ups: int = 2  # blobs per run the detector looks at closely when it saw nobody on them
    gap_s: float = 1.0  # gaps up to this long in busy-stretch tracks are interpolated


@dataclass
class PeopleStats:
    """What the assist did in one scan (for the scan's timings and the benchmark)."""

    frames: int = 0
    busy_frames: int = 0
    detector_runs: int = 0
    detector_calls: int = 0  # whole pictures and close-ups
    useful_runs: int = 0  # runs that split a group, reshaped a blob or added a person
    split_blobs: int = 0
    added_people: int = 0


@dataclass
class _Run:
    """The last detector run: its people, their speeds (px per frame), frame and time."""

    people: list[Box] = field(default_factory=list)
    speeds: list[tuple[float, float]] = field(default_factory=list)
    sure: list[bool] = field(default_factory=list)  # people sure enough to add on no blob
    index: int = 0
    t: float = -1e9

    def guessed(self, index: int) -> list[Box]:
        """The people moved on to frame `index` at their speeds."""
        ahead = index - self.index
        return [shifted(b, v, ahead) for b, v in zip(self.people, self.speeds, strict=True)]


@dataclass
class PeopleAssist:
    """Refines the motion blobs of each frame with detector people while the scene is busy."""

    detector: Detector | None
    pictures: Pictures
    config: PeopleConfig = field(default_factory=PeopleConfig)
    stats: PeopleStats = field(default_factory=PeopleStats)
    busy: list[tuple[int, int]] = field(default_factory=list)  # busy frame ranges, inclusive
    _busy_until: float = -1e9
    _crowded: deque[tuple[float, bool]] = field(default_factory=deque)  # (t, ≥ min_blobs)
    _interval: float = 0.0
    _run: _Run = field(default_factory=_Run)

    def __post_init__(self) -> None:
        self._interval = self.config.interval_s

    def refine(self, frame: Frame, blobs: list[Detection]) -> list[Detection]:
        """The frame's detections: `blobs`, with detector people where the scene is busy."""
        self.stats.frames += 1
        if self.detector is None or not self.config.enabled:
            return blobs
        if not self._is_busy(frame, blobs):
            self._run = _Run()  # the back-off stays: a quiet file stays cheap
            return blobs
        self._mark_busy(frame.index)
        if frame.t - self._run.t >= self._interval - 1e-6 and self._affordable():
            picture = self.pictures(frame.index)
            if picture is not None:
                return self._detect(frame, blobs, picture)
        guessed = self._run.guessed(frame.index)
        addable = self._run.sure if self.config.add_between else []
        return self._merge(frame, blobs, guessed, addable, self.config.keep_iou)

    def finish(self, tracks: Sequence[Track], step: int = 1) -> list[Track]:
        """The span's tracks, with their short gaps inside busy stretches filled."""
        return fill_gaps(tracks, self.busy, self.config.gap_s, step)

    def _detect(self, frame: Frame, blobs: list[Detection], picture: Image) -> list[Detection]:
        hits = self._people(picture, blobs)
        found = [h.box for h in hits]
        speeds = [speed(b, self._run.people, frame.index - self._run.index) for b in found]
        sure = [h.score >= self.config.add_score for h in hits]
        self._run = _Run(found, speeds, sure, frame.index, frame.t)
        self.stats.detector_runs += 1
        out = self._merge(frame, blobs, found, addable=sure)
        if changed(blobs, out):
            self.stats.useful_runs += 1
            self._interval = self.config.interval_s
        else:
            self._interval = min(2 * self._interval, self.config.max_interval_s)
        return out

    def _is_busy(self, frame: Frame, blobs: Sequence[Detection]) -> bool:
        """Crowded frames (≥ `min_blobs`) make up `busy_share` of the last `window_s` (one
        crowded frame is a flicker of glare or noise; a crowd lasts), or did `hold_s` ago."""
        window = self._crowded
        window.append((frame.t, len(blobs) >= self.config.min_blobs))
        while window and window[0][0] <= frame.t - self.config.window_s:
            window.popleft()
        share = sum(crowded for _, crowded in window) / len(window)
        if share >= self.config.busy_share and window[-1][1]:
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

    def _people(self, picture: Image, blobs: Sequence[Detection]) -> list[Hit]:
        """People on the whole picture, then on close-ups of the largest blobs the whole
        picture found nobody on (people far away are too small for the detector's input)."""
        hits = self._person_hits(picture)
        boxes = [h.box for h in hits]
        bare = [d.box for d in blobs if not held(d.box, boxes, self.config.inside)]
        for box in sorted(bare, key=lambda b: -b.area)[: self.config.close_ups]:
            hits += close_up_hits(self._person_hits, picture, box)
        return hits

    def _person_hits(self, image: Image) -> list[Hit]:
        assert self.detector is not None
        self.stats.detector_calls += 1
        hits = self.detector.detect_all(image)
        return [h for h in hits if h.class_id == COCO_PERSON and h.score >= self.config.min_score]

    def _merge(
        self,
        frame: Frame,
        blobs: list[Detection],
        people: list[Box],
        addable: Sequence[bool] = (),
        keep_iou: float = 2.0,
    ) -> list[Detection]:
        """Blobs split into the people they hold; the `addable` people on no blob added."""
        out, used = split_blobs(blobs, people, self.config.inside, keep_iou)
        self.stats.split_blobs += sum(1 for d in blobs if d not in out)
        extra = [
            Detection(frame.index, frame.t, box, 1.0, ObjectClass.PERSON)
            for k, (box, sure) in enumerate(zip(people, addable, strict=False))
            if sure and k not in used
        ]
        self.stats.added_people += len(extra)
        return out + extra


def close_up_hits(
    detect: Callable[[Image], list[Hit]], picture: Image, box: Box, pad: float = 0.3
) -> list[Hit]:
    """Hits of `detect` on a square around `box` (with `pad` of context), in `picture`'s
    pixels."""
    crop = square_crop(picture, box, pad)
    side = crop.shape[0]
    x0, y0 = round(box.cx - side / 2), round(box.cy - side / 2)
    return [
        Hit(h.class_id, Box(h.box.x + x0, h.box.y + y0, h.box.w, h.box.h), h.score)
        for h in detect(crop)
    ]


def changed(blobs: Sequence[Detection], out: Sequence[Detection], same_iou: float = 0.5) -> bool:
    """Whether the detector changed a frame's detections materially: more of them (a group
    split, a person added), or a blob replaced by a box it hardly overlaps."""
    if len(out) != len(blobs):
        return True
    return any(max((o.box.iou(b.box) for b in blobs), default=0.0) < same_iou for o in out)


def speed(box: Box, before: Sequence[Box], frames: int, reach: float = 0.6) -> tuple[float, float]:
    """Pixels per frame from the box of `before` that is nearest to `box`, `frames` earlier,
    of a like height and at most `reach` heights away ((0, 0) when there is none: a new
    person)."""
    if frames <= 0:
        return (0.0, 0.0)
    alike = [b for b in before if 2 / 3 <= b.h / max(box.h, 1e-9) <= 3 / 2]
    if not alike:
        return (0.0, 0.0)
    near = min(alike, key=lambda b: _feet(b, box))
    if _feet(near, box) > reach * box.h:
        return (0.0, 0.0)
    return ((box.cx - near.cx) / frames, (box.bottom - near.bottom) / frames)


def _feet(a: Box, b: Box) -> float:
    return float(((a.cx - b.cx) ** 2 + (a.bottom - b.bottom) ** 2) ** 0.5)


def shifted(box: Box, velocity: tuple[float, float], frames: int) -> Box:
    return Box(box.x + velocity[0] * frames, box.y + velocity[1] * frames, box.w, box.h)


def held(blob: Box, people: Sequence[Box], inside: float) -> list[int]:
    """Indices of the people with at least `inside` of their box within `blob`."""
    return [k for k, p in enumerate(people) if _overlap(blob, p) >= inside * max(p.area, 1e-9)]


def split_blobs(
    blobs: Sequence[Detection], people: Sequence[Box], inside: float, keep_iou: float = 2.0
) -> tuple[list[Detection], set[int]]:
    """Blobs holding people are replaced by those people (each person goes to the blob that
    holds most of it), except a blob holding one person it overlaps by `keep_iou` or more (the
    blob is that person: on frames without a detector run, a blob is fresher than a guess).
    Blobs holding nobody pass. Returns the detections and the indices of the people placed."""
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
    placed: set[int] = set()
    for j, blob in enumerate(blobs):
        mine = members.get(j, [])
        if not mine or (len(mine) == 1 and blob.box.iou(people[mine[0]]) >= keep_iou):
            out.append(blob)
            continue
        out += [Detection(blob.frame, blob.t, people[k], blob.score, ObjectClass.PERSON) for k in mine]
        placed.update(mine)
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
