"""Scoring reported tracks against ground truth (pure: boxes in, figures out).

A ground-truth object is *found* when reported tracks overlap it (IoU ≥ `iou`) in at least
`min_share` of its frames or in `min_frames` frames, whichever is fewer, summed over all tracks
(a fragmented track still finds it; a passer seen for a long time far away is found when the
index has a good stretch of it, which is what a detective needs to see it). A
reported track is *true* when at least `min_share` of its frames overlap some ground-truth
object. The class of a found object is the class of the track that covers most of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from precinct.video.types import Box


@dataclass(frozen=True)
class Labelled:
    """A ground-truth object or a reported track: its id, class and boxes per 0-based frame."""

    id: int
    label: str | None
    boxes: Mapping[int, Box]


@dataclass
class Scores:
    truth: int = 0
    found: int = 0
    tracks: int = 0
    true_tracks: int = 0
    class_checked: int = 0
    class_correct: int = 0
    per_class: dict[str, tuple[int, int]] = field(default_factory=dict)  # label: found, total
    missed: list[int] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        return self.true_tracks / self.tracks if self.tracks else 1.0

    @property
    def class_accuracy(self) -> float:
        return self.class_correct / self.class_checked if self.class_checked else 1.0


def overlap_frames(a: Labelled, b: Labelled, iou: float) -> set[int]:
    common = a.boxes.keys() & b.boxes.keys()
    return {f for f in common if a.boxes[f].iou(b.boxes[f]) >= iou}


def _coverage(truth: Labelled, tracks: list[Labelled], iou: float) -> tuple[float, Counter[int]]:
    covered: set[int] = set()
    per_track: Counter[int] = Counter()
    for track in tracks:
        frames = overlap_frames(truth, track, iou)
        covered |= frames
        per_track[track.id] = len(frames)
    share = len(covered) / len(truth.boxes) if truth.boxes else 0.0
    return share, per_track


def score(
    truth: Iterable[Labelled],
    tracks: Iterable[Labelled],
    iou: float = 0.3,
    min_share: float = 0.5,
    min_frames: int | None = None,
) -> Scores:
    truths, reported = list(truth), list(tracks)
    by_id = {t.id: t for t in reported}
    scores = Scores(truth=len(truths), tracks=len(reported))
    matched_frames: Counter[int] = Counter()
    for obj in truths:
        share, per_track = _coverage(obj, reported, iou)
        matched_frames.update(per_track)
        enough = share >= min_share
        if min_frames is not None:
            enough = enough or share * len(obj.boxes) >= min_frames
        _count_found(scores, obj, enough, per_track, by_id)
    scores.true_tracks = sum(
        1 for t in reported if t.boxes and matched_frames[t.id] >= min_share * len(t.boxes)
    )
    return scores


def _count_found(
    scores: Scores,
    obj: Labelled,
    found: bool,
    per_track: Counter[int],
    by_id: Mapping[int, Labelled],
) -> None:
    label = obj.label or "?"
    hit, total = scores.per_class.get(label, (0, 0))
    scores.per_class[label] = (hit + int(found), total + 1)
    if not found:
        scores.missed.append(obj.id)
        return
    scores.found += 1
    best_id, _ = per_track.most_common(1)[0]
    if obj.label is not None:
        scores.class_checked += 1
        scores.class_correct += int(by_id[best_id].label == obj.label)


def parse_mot(lines: Iterable[str], scale: float = 1.0) -> dict[int, dict[int, Box]]:
    """MOTChallenge rows → {object id: {0-based frame: box}}, boxes multiplied by `scale`."""
    objects: dict[int, dict[int, Box]] = {}
    for line in lines:
        parts = line.strip().split(",")
        if len(parts) < 6:
            continue
        frame, obj = int(float(parts[0])) - 1, int(float(parts[1]))
        x, y, w, h = (float(v) * scale for v in parts[2:6])
        objects.setdefault(obj, {})[frame] = Box(x, y, w, h)
    return objects
