"""Detector-assisted people detection on synthetic frames with a stub detector: merged blobs
split, missed walkers added, the detector kept off quiet scenes and backing off where it finds
nothing, people carried between runs, close-ups mapped back, gaps filled in busy stretches."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from precinct.video.classify import COCO_PERSON, CropVerifier, Hit
from precinct.video.people import PeopleAssist, PeopleConfig, assist_for
from precinct.video.people_boxes import close_up_hits, fill_gaps, split_blobs
from precinct.video.types import Box, Detection, Frame, Image, ObjectClass, Track, TrackPoint

FPS = 10.0
PICTURE = np.zeros((360, 480, 3), np.uint8)


@dataclass
class StubDetector:
    """Reports the given people (moving `step` pixels right per call) on any picture."""

    people: list[tuple[Box, float]]
    step: float = 0.0
    labels: frozenset[int] = frozenset({COCO_PERSON})
    calls: list[int] = field(default_factory=list)

    def detect_all(self, image: Image) -> list[Hit]:
        shift = self.step * len(self.calls)
        self.calls.append(image.shape[0])
        return [
            Hit(COCO_PERSON, Box(b.x + shift, b.y, b.w, b.h), score) for b, score in self.people
        ]


def frame(index: int) -> Frame:
    return Frame(index, index / FPS, np.zeros((288, 384), np.uint8), 1.25)


def blob(index: int, box: Box) -> Detection:
    return Detection(index, index / FPS, box)


# Two walkers side by side, and the one blob background subtraction makes of them.
LEFT, RIGHT = Box(100, 100, 20, 50), Box(124, 102, 20, 50)
GROUP = Box(98, 98, 48, 56)
# Two more moving things elsewhere make the scene busy.
OTHERS = [Box(300, 200, 30, 30), Box(400, 50, 25, 40)]


def assist(detector: StubDetector, **settings: float) -> PeopleAssist:
    return PeopleAssist(detector, lambda index: PICTURE, PeopleConfig(**settings))  # type: ignore[arg-type]


def busy_blobs(index: int, group: Box = GROUP) -> list[Detection]:
    return [blob(index, group)] + [blob(index, b) for b in OTHERS]


def test_a_merged_group_splits_into_its_people() -> None:
    detector = StubDetector([(LEFT, 0.9), (RIGHT, 0.8)])
    out = assist(detector).refine(frame(0), busy_blobs(0))
    boxes = [d.box for d in out]
    assert GROUP not in boxes
    assert LEFT in boxes and RIGHT in boxes
    assert all(d.label is ObjectClass.PERSON for d in out if d.box in (LEFT, RIGHT))
    assert OTHERS[0] in boxes and OTHERS[1] in boxes  # blobs holding nobody pass


def test_a_person_on_no_blob_is_added_only_when_sure() -> None:
    missed, doubtful = Box(200, 150, 18, 45), Box(20, 20, 18, 45)
    detector = StubDetector([(missed, 0.8), (doubtful, 0.35)])
    out = assist(detector, add_score=0.5).refine(frame(0), busy_blobs(0))
    boxes = [d.box for d in out]
    assert missed in boxes
    assert doubtful not in boxes


def test_a_quiet_scene_never_runs_the_detector() -> None:
    detector = StubDetector([(LEFT, 0.9)])
    helper = assist(detector)
    for i in range(50):
        lone = [blob(i, Box(10 + i, 10, 20, 50))]
        assert helper.refine(frame(i), lone) == lone
    assert detector.calls == []
    assert helper.assisted == []


def test_a_single_crowded_frame_is_not_a_busy_scene() -> None:
    detector = StubDetector([(LEFT, 0.9)])
    helper = assist(detector)
    for i in range(30):
        blobs = busy_blobs(i) if i == 15 else [blob(i, GROUP)]
        helper.refine(frame(i), blobs)
    assert detector.calls == []


def test_the_detector_backs_off_where_it_changes_nothing() -> None:
    nobody = StubDetector([])
    helper = assist(nobody, interval_s=0.4, max_interval_s=3.2)
    for i in range(300):  # 30 s of a busy scene where the detector finds nobody
        helper.refine(frame(i), busy_blobs(i))
    # 0.4 s apart would be 75 runs; doubling to 3.2 s makes it a dozen
    assert 5 <= helper.stats.detector_runs <= 15
    assert len(nobody.calls) == helper.stats.detector_runs  # nobody seen: no close-ups
    helpful = StubDetector([(LEFT, 0.9), (RIGHT, 0.8)])
    helper = assist(helpful, interval_s=0.4, close_ups=0)
    for i in range(300):
        helper.refine(frame(i), busy_blobs(i))
    assert len(helpful.calls) == 75


def test_between_runs_the_group_stays_split_at_the_peoples_speed() -> None:
    detector = StubDetector([(LEFT, 0.9), (RIGHT, 0.8)], step=8.0)  # 8 px per run = 2 px/frame
    helper = assist(detector, interval_s=0.4, close_ups=0)
    outs = []
    for i in range(10):
        moved = Box(GROUP.x + 2 * i, GROUP.y, GROUP.w, GROUP.h)
        outs.append(helper.refine(frame(i), busy_blobs(i, moved)))
    assert detector.calls and len(detector.calls) == 3  # frames 0, 4, 8
    people = sorted((d.box for d in outs[6] if d.label is ObjectClass.PERSON), key=lambda b: b.x)
    assert len(people) == 2
    assert abs(people[0].x - (LEFT.x + 12)) < 1e-6  # run at 4 saw it at +8; 2 frames on: +12


def test_split_blobs_gives_each_person_to_the_blob_holding_most_of_it() -> None:
    a, b = blob(0, Box(0, 0, 30, 60)), blob(0, Box(25, 0, 40, 60))
    person = Box(20, 5, 20, 50)  # 10 px in a, 15 px in b
    out, placed = split_blobs([a, b], [person], inside=0.5)
    assert placed == {0}
    assert a in out and person in [d.box for d in out] and b not in out


def test_split_blobs_keeps_a_blob_that_is_its_one_person() -> None:
    a = blob(0, Box(100, 100, 21, 51))
    out, _ = split_blobs([a], [Box(100, 100, 20, 50)], inside=0.5, keep_iou=0.5)
    assert out == [a]


def test_close_ups_map_hits_back_to_the_picture() -> None:
    picture = np.zeros((360, 480, 3), np.uint8)

    def detect(image: Image) -> list[Hit]:
        return [Hit(COCO_PERSON, Box(10, 12, 8, 20), 0.9)]

    far = Box(400, 40, 30, 36)
    hits = close_up_hits(detect, picture, far, pad=0.5)
    side = round(36 * 2.0)
    assert hits[0].box == Box(10 + round(far.cx - side / 2), 12 + round(far.cy - side / 2), 8, 20)


def test_close_ups_look_at_bare_blobs_where_the_picture_shows_people() -> None:
    detector = StubDetector([(Box(10, 280, 20, 50), 0.9)])  # someone, on no blob
    assist(detector, close_ups=2).refine(frame(0), busy_blobs(0))
    assert detector.calls[0] == PICTURE.shape[0]
    assert len(detector.calls) == 3  # the picture, then the two largest bare blobs
    dark = StubDetector([])
    assist(dark, close_ups=2).refine(frame(0), busy_blobs(0))
    assert len(dark.calls) == 1


def test_small_blobs_do_not_make_a_crowd() -> None:
    detector = StubDetector([(LEFT, 0.9)])
    helper = assist(detector, min_height=0.05)  # 18 px of the 360 px picture
    specks = [Box(50 * k, 10, 6, 8) for k in range(6)]
    for i in range(30):
        helper.refine(frame(i), [blob(i, GROUP)] + [blob(i, b) for b in specks])
    assert detector.calls == []


def test_gaps_are_filled_inside_busy_stretches_only() -> None:
    def point(i: int, x: float) -> TrackPoint:
        return TrackPoint(i, i / FPS, Box(x, 50, 20, 50))

    track = Track(1, [point(0, 0), point(4, 40), point(20, 200), point(30, 300)])
    (filled,) = fill_gaps([track], busy=[(0, 10)], gap_s=1.0)
    frames = [p.frame for p in filled.points]
    assert frames == [0, 1, 2, 3, 4, 20, 30]  # 4→20 leaves the busy range, 20→30 too
    assert filled.points[2].box.x == 20 and abs(filled.points[2].t - 0.2) < 1e-9


def test_without_a_detector_the_blobs_pass() -> None:
    helper = assist_for(Path("unused.mp4"), None, PeopleConfig())
    blobs = busy_blobs(0)
    assert helper.refine(frame(0), blobs) == blobs
    tracks = [Track(1, [TrackPoint(0, 0.0, GROUP), TrackPoint(5, 0.5, GROUP)])]
    assert helper.finish(tracks)[0].points == tracks[0].points


def test_a_file_is_opened_only_when_a_picture_is_wanted(tmp_path: Path) -> None:
    verifier = CropVerifier(StubDetector([(LEFT, 0.9)]))
    helper = assist_for(tmp_path / "absent.mp4", verifier, PeopleConfig())
    for i in range(20):  # a quiet scene: no picture is read, so the absent file is no error
        helper.refine(frame(i), [blob(i, GROUP)])
    helper.finish([])


def sampled(detector: StubDetector) -> PeopleAssist:
    return PeopleAssist(detector, lambda index: PICTURE, PeopleConfig(), sampled=True)  # type: ignore[arg-type]


def test_a_sampled_decode_is_busy_by_the_frames_it_saw() -> None:
    """Bursts of 4 frames out of every 20 (a sampled decode, 10 fps): the crowd fills the
    frames decoded, though never half of a second's worth of frames (what a full decode must
    see); the first burst starts with two quiet frames (motion's warm-up)."""
    for helper, busy in ((sampled(StubDetector([])), True), (assist(StubDetector([])), False)):
        for i in (0, 1, 2, 3, 20, 21, 22, 23, 40, 41, 42, 43):
            helper.refine(frame(i), busy_blobs(i) if i > 1 else [])
        assert (helper.stats.busy_frames >= 8) is busy
        assert bool(helper.stats.detector_runs) is busy


def test_one_crowded_frame_in_a_burst_is_a_flicker() -> None:
    helper = sampled(StubDetector([]))
    for i in range(4):
        helper.refine(frame(i), busy_blobs(i) if i == 2 else [])
    assert helper.stats.busy_frames == 0 and helper.stats.detector_runs == 0
