from __future__ import annotations

from precinct.video.evaluate import Labelled, parse_mot, score
from precinct.video.types import Box


def walker(first: int, frames: int, x0: float = 0.0) -> dict[int, Box]:
    return {first + i: Box(x0 + 2 * i, 100, 20, 50) for i in range(frames)}


def test_found_needs_half_the_frames_and_fragments_add_up() -> None:
    truth = [Labelled(1, "person", walker(0, 100))]
    first_half = Labelled(10, "person", {f: b for f, b in walker(0, 100).items() if f < 50})
    second_half = Labelled(11, "cyclist", {f: b for f, b in walker(0, 100).items() if f >= 50})
    assert score(truth, [first_half]).found == 1  # exactly half
    assert score(truth, [Labelled(12, "person", walker(0, 40))]).found == 0
    both = score(truth, [first_half, second_half])
    assert both.found == 1 and both.precision == 1.0


def test_min_frames_accepts_a_good_stretch_of_a_long_passer() -> None:
    truth = [Labelled(1, "vehicle", walker(0, 400))]
    stretch = Labelled(2, "vehicle", walker(0, 30))
    assert score(truth, [stretch]).found == 0
    assert score(truth, [stretch], min_frames=25).found == 1


def test_boxes_must_overlap_and_classes_are_checked() -> None:
    truth = [Labelled(1, "person", walker(0, 50)), Labelled(2, "vehicle", walker(0, 50, 400))]
    far = Labelled(3, "person", walker(0, 50, 200))  # same frames, elsewhere
    right = Labelled(4, "person", walker(0, 50))
    wrong_class = Labelled(5, "person", walker(0, 50, 400))
    result = score(truth, [far, right, wrong_class])
    assert (result.found, result.tracks, result.true_tracks) == (2, 3, 2)
    assert result.class_accuracy == 0.5
    assert result.per_class == {"person": (1, 1), "vehicle": (1, 1)}


def test_parse_mot_scales_and_makes_frames_zero_based() -> None:
    objects = parse_mot(["1,7,100,50,20,40,1,-1,-1,-1", "2,7,110,50,20,40,1,-1,-1,-1", ""], 0.5)
    assert objects == {7: {0: Box(50, 25, 10, 20), 1: Box(55, 25, 10, 20)}}
