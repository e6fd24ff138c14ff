"""Detector-assisted people detection for busy scenes (one stage of the detail pass).

Background subtraction alone fails where people walk in groups in daylight: two or three walkers
make one blob, a walker who pauses fades into the background, and a group's blob steals the
tracks of its members. `PeopleAssist.refine(frame, blobs)` looks at the blobs of each frame and,
while the scene is *busy* (frames with at least `min_blobs` blobs make up `busy_share` of the
last `window_s`: a crowd lasts, a flicker of glare does not; held for `hold_s` after), runs the
person detector on the full-resolution picture, and on close-ups of the largest blobs it saw
nobody on (far walkers are too small for the detector's 300×300 input):

- a blob holding detector people (at least `inside` of each person's box within the blob) is
  replaced by those people: a merged group splits into its members;
- a detector person on no blob (a walker the background model missed or absorbed) is added when
  its score reaches `add_score`;
- blobs with no person on them (cars, bicycles, people the detector missed) pass unchanged;
- on the frames between two runs the last run's people, moved on at their speeds, go on
  splitting the blobs that hold them (a blob that overlaps its one person by `keep_iou` is
  kept: it is fresher than a guess), and the sure ones on no blob are added.

Cost follows the scene: the detector runs every `interval_s` while it changes something, and
the interval doubles (up to `max_interval_s`, for the rest of the file) after each run that
changes nothing — the dark, sparse night footage where it cannot help costs a few runs a file;
never more than `max_share` of the decoded frames. Tracks where the detector changes things have
their short gaps (frames where the person was matched to nothing) filled by interpolation
(`fill_gaps`).

Pure apart from the pictures it is handed: `assist_for` gives it a second decoder of the file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import av
from av.video.reformatter import VideoReformatter

from precinct.video import decode
from precinct.video.classify import COCO_PERSON, CropVerifier, Detector, Hit
from precinct.video.people_boxes import (
    changed,
    close_up_hits,
    fill_gaps,
    held,
    shifted,
    speed,
    split_blobs,
)
from precinct.video.types import Box, Detection, Frame, Image, ObjectClass, Track

Pictures = Callable[[int], Image | None]
"""The full-resolution BGR picture of a frame index (None when the file does not hold it)."""


@dataclass(frozen=True)
class PeopleConfig:
    """When the person detector assists motion, and how its people replace blobs."""

    enabled: bool = True
    min_blobs: int = 3  # the scene is busy when frames with at least this many blobs ...
    busy_share: float = 0.5  # ... make up this share of the last `window_s` seconds ...
    window_s: float = 1.0
    crowd_s: float = 0.2  # ... and, sampled (bursts), last at least this long
    min_height: float = 0.05  # ... counting blobs at least this share of the frame's height
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
    gap_s: float = 1.0  # gaps up to this long in assisted stretches are interpolated


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
    assisted: list[tuple[int, int]] = field(default_factory=list)  # frame ranges, inclusive
    _busy_until: float = -1e9
    _crowded: deque[float] = field(default_factory=deque)  # times of recent crowded frames
    sampled: bool = False  # the decoder skips frames (bursts): busy by the frames it saw
    _seen: deque[float] = field(default_factory=deque)  # times of recent frames (sampled)
    _frame_s: float = 1.0  # the shortest time between two frames seen (1 / fps)
    _last_t: float = -1e9
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
        self.stats.busy_frames += 1
        out = self._refine_busy(frame, blobs)
        if self._interval <= self.config.interval_s:  # the last run changed something
            self._mark_assisted(frame.index)
        return out

    def finish(self, tracks: Sequence[Track], step: int = 1) -> list[Track]:
        """The file's tracks, with their short gaps filled where the detector assisted (and
        the picture decoder closed)."""
        if isinstance(self.pictures, FilePictures):
            self.pictures.close()
        return fill_gaps(tracks, self.assisted, self.config.gap_s, step)

    def _refine_busy(self, frame: Frame, blobs: list[Detection]) -> list[Detection]:
        if frame.t - self._run.t >= self._interval - 1e-6 and self._affordable():
            picture = self.pictures(frame.index)
            if picture is not None:
                return self._detect(frame, blobs, picture)
        guessed = self._run.guessed(frame.index)
        addable = self._run.sure if self.config.add_between else []
        return self._merge(frame, blobs, guessed, addable, self.config.keep_iou)

    def _detect(self, frame: Frame, blobs: list[Detection], picture: Image) -> list[Detection]:
        hits = self._people(picture, blobs)
        found = [h.box for h in hits]
        speeds = [speed(b, self._run.people, frame.index - self._run.index) for b in found]
        sure = [h.score >= self.config.add_score for h in hits]
        on_blobs = {k for d in blobs for k in held(d.box, found, self.config.inside)}
        free = [ok and k not in on_blobs for k, ok in enumerate(sure)]  # those added now
        self._run = _Run(found, speeds, free, frame.index, frame.t)
        self.stats.detector_runs += 1
        out = self._merge(frame, blobs, found, addable=sure)
        if changed(blobs, out):
            self.stats.useful_runs += 1
            self._interval = self.config.interval_s
        else:
            self._interval = min(2 * self._interval, self.config.max_interval_s)
        return out

    def _is_busy(self, frame: Frame, blobs: Sequence[Detection]) -> bool:
        """Crowded frames (≥ `min_blobs` person-sized blobs) make up `busy_share` of the last
        `window_s` (one crowded frame is a flicker of glare or noise; a crowd lasts), or did
        `hold_s` ago. Only crowded frames are remembered: a quiet frame costs a comparison.
        A sampled decode (`sampled`: bursts, the rest of each GOP skipped) sees only part of
        the window: its share is of the frames it saw, over `crowd_s` at least."""
        crowded = len(blobs) >= self.config.min_blobs and self._crowd(frame, blobs)
        since = frame.t - self.config.window_s
        for window in (self._crowded, self._seen):
            while window and window[0] <= since:
                window.popleft()
        if self.sampled:
            self._seen.append(frame.t)
        if crowded:
            self._crowded.append(frame.t)
            self._frame_s = min(self._frame_s, frame.t - self._last_t)
            if self._crowd_lasts():
                self._busy_until = frame.t + self.config.hold_s
        self._last_t = frame.t
        return frame.t <= self._busy_until

    def _crowd_lasts(self) -> bool:
        count, share = len(self._crowded), self.config.busy_share
        if not self.sampled:
            return count >= share * self.config.window_s / max(self._frame_s, 1e-3)
        lasted = count * self._frame_s >= self.config.crowd_s - 1e-6
        return lasted and count >= share * len(self._seen)

    def _mark_assisted(self, index: int) -> None:
        if self.assisted and self.assisted[-1][1] >= index - 2:
            self.assisted[-1] = (self.assisted[-1][0], index)
        else:
            self.assisted.append((index, index))

    def _crowd(self, frame: Frame, blobs: Sequence[Detection]) -> bool:
        tall = self.config.min_height * frame.image.shape[0] * frame.scale
        return sum(1 for d in blobs if d.box.h >= tall) >= self.config.min_blobs

    def _affordable(self) -> bool:
        return self.stats.detector_runs < self.config.max_share * self.stats.frames

    def _people(self, picture: Image, blobs: Sequence[Detection]) -> list[Hit]:
        """People on the whole picture, then on close-ups of the largest blobs the whole
        picture found nobody on (people far away are too small for the detector's input), when
        it found someone (a dark scene where it finds nobody gets no close-ups either)."""
        hits = self._person_hits(picture)
        if not hits:
            return hits
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


class FilePictures:
    """Full-resolution pictures of one file on demand, from a second decoder opened at the first
    request (a file that is never busy never opens it) and closed by `close()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stack = ExitStack()
        self._reader: decode.Reader | None = None

    def __call__(self, index: int) -> Image | None:
        if self._reader is None:
            self._reader = self._stack.enter_context(decode.reading(self.path))
        return decode._picture(self._reader, index)

    def close(self) -> None:
        self._stack.close()
        self._reader = None


class HeldPicture:
    """The full-resolution picture of the frame being decoded, for a decoder that hands each
    picture over once (burst sampling): no second decoder, which would have to decode each
    GOP from its keyframe again. Converted to BGR only when the detector asks for it."""

    def __init__(self) -> None:
        self._index: int = -1
        self._picture: av.VideoFrame | None = None
        self._scaler = VideoReformatter()  # one scaler for every picture converted

    def hold(self, index: int, picture: av.VideoFrame) -> None:
        self._index, self._picture = index, picture

    def __call__(self, index: int) -> Image | None:
        if index != self._index or self._picture is None:
            return None
        return decode.bgr(self._picture, self._scaler)


def assist_for(
    path: Path,
    verifier: CropVerifier | None,
    config: PeopleConfig,
    held: HeldPicture | None = None,
) -> PeopleAssist:
    """The assist for one file, with the scan's crop verifier's detector (none: blobs pass);
    its pictures from a second decoder of the file, or, for a sampling decoder, `held`."""
    detector = verifier.detector if verifier is not None and config.enabled else None
    if detector is None:
        return PeopleAssist(None, lambda index: None, config, sampled=held is not None)
    pictures: Pictures = held if held is not None else FilePictures(path)
    return PeopleAssist(detector, pictures, config, sampled=held is not None)
