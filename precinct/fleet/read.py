"""Read plates and fleet numbers off camera frames with PP-OCRv4 (rapidocr-onnxruntime; the
weights ship inside the wheel, nothing is downloaded).

Text is *found* on a downscaled copy of the frame (detection cost grows with pixels) and *read*
from crops cut out of the full-resolution frame, without the orientation classifier (a plate is
never upside down). Texts on one line next to each other are also tried joined, for a plate read
as "鄂A" + "D12345". Plate crops from elsewhere are read directly (`read_crop`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from precinct.fleet import fleetno
from precinct.fleet.plates import read_plate

Image = NDArray[np.uint8]
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class ReaderConfig:
    detect_side: int = 640  # longest side of the frame text is detected on
    pad: float = 0.12  # crop margin, as a share of the box height
    min_height: int = 10  # full-resolution pixels; smaller texts are not read
    min_confidence: float = 0.5


@dataclass(frozen=True)
class TextRead:
    text: str
    confidence: float
    box: Box


@dataclass(frozen=True)
class Found:
    """A plate or fleet number read: compact text, display text, rules passed, confidence, box."""

    kind: str  # "plate" or "fleet"
    text: str
    display: str
    valid: bool
    confidence: float
    box: Box

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.display,
            "valid": self.valid,
            "confidence": round(self.confidence, 3),
            "box": list(self.box),
        }


@dataclass(frozen=True)
class FrameReading:
    texts: tuple[TextRead, ...]
    found: tuple[Found, ...] = field(default=())

    @property
    def match_texts(self) -> list[str]:
        """What the matcher compares with the registry: every plate and fleet number read."""
        return [f.text for f in self.found]


def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(print_verbose=False)


class FrameReader:
    """Reads frames; the OCR sessions are created once, on first use."""

    def __init__(self, config: ReaderConfig | None = None) -> None:
        self.config = config or ReaderConfig()
        self._ocr: Any = None
        self._detector: Any = None

    @property
    def ocr(self) -> Any:
        if self._ocr is None:
            self._ocr = _engine()
        return self._ocr

    @property
    def detector(self) -> Any:
        """The engine's detector, sharing its session, without its upscaling to 736 px."""
        if self._detector is None:
            self._detector = copy.copy(self.ocr.text_det)
            self._detector.limit_type = "max"
        return self._detector

    def read(self, frame: Image) -> FrameReading:
        texts = self._recognise(frame, self._detect(frame))
        return FrameReading(tuple(texts), tuple(interpret(texts)))

    def read_crop(self, crop: Image) -> FrameReading:
        """A plate crop: recognised whole, upscaled ×2 with a margin, then as it is."""
        h, w = crop.shape[:2]
        big = cv2.resize(crop, (w * 2, h * 2), interpolation=cv2.INTER_CUBIC)
        padded = cv2.copyMakeBorder(big, 6, 6, 6, 6, cv2.BORDER_REPLICATE)
        reads = []
        for variant in (padded, crop):
            text, score = self.ocr.text_rec([variant])[0][0][:2]
            reads.append(TextRead(str(text), float(score), (0, 0, w, h)))
        ranked = sorted(reads, key=lambda r: (not _is_valid_plate(r.text), -r.confidence))
        return FrameReading(tuple(ranked), tuple(interpret(ranked[:1])))

    def full_frame(self, frame: Image) -> FrameReading:
        """rapidocr's default call on the whole frame (the benchmark's reference)."""
        result, _ = self.ocr(frame)
        texts = [TextRead(str(t), float(s), _bounds(np.array(b))) for b, t, s in (result or [])]
        return FrameReading(tuple(texts), tuple(interpret(texts)))

    def _detect(self, frame: Image) -> list[Box]:
        h, w = frame.shape[:2]
        scale = min(1.0, self.config.detect_side / max(h, w))
        small = cv2.resize(
            frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA
        )
        boxes, _ = self.detector(small)
        if boxes is None or len(boxes) == 0:
            return []
        found = [_bounds(np.asarray(b) / scale) for b in boxes]
        return [b for b in found if b[3] - b[1] >= self.config.min_height]

    def _recognise(self, frame: Image, boxes: list[Box]) -> list[TextRead]:
        if not boxes:
            return []
        crops = [_crop(frame, box, self.config.pad) for box in boxes]
        results, _ = self.ocr.text_rec(crops)
        texts = [
            TextRead(str(r[0]), float(r[1]), box) for r, box in zip(results, boxes, strict=True)
        ]
        return [t for t in texts if t.confidence >= self.config.min_confidence and t.text]


def load_image(path: Path) -> Image | None:
    """A BGR image from a file (JPEG, PNG…), or None when it is not one."""
    frame = cv2.imread(str(path))
    return None if frame is None else np.asarray(frame, np.uint8)


def decode_image(data: bytes) -> Image | None:
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return None if frame is None else np.asarray(frame, np.uint8)


def _bounds(points: NDArray[Any]) -> Box:
    xs, ys = points[:, 0], points[:, 1]
    return int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))


def _crop(frame: Image, box: Box, pad: float) -> Image:
    x0, y0, x1, y1 = box
    margin = int((y1 - y0) * pad) + 1
    h, w = frame.shape[:2]
    return frame[
        max(0, y0 - margin) : min(h, y1 + margin), max(0, x0 - margin) : min(w, x1 + margin)
    ]


def _is_valid_plate(text: str) -> bool:
    plate = read_plate(text)
    return plate is not None and plate.valid


def _joined(texts: list[TextRead]) -> list[TextRead]:
    """Neighbours on one line, joined left to right (a plate split in two boxes)."""
    out = []
    for a in texts:
        for b in texts:
            ah, gap = a.box[3] - a.box[1], b.box[0] - a.box[2]
            same_line = abs((a.box[1] + a.box[3]) - (b.box[1] + b.box[3])) < ah
            if a is not b and same_line and -ah / 2 < gap < ah * 1.5:
                box = (a.box[0], min(a.box[1], b.box[1]), b.box[2], max(a.box[3], b.box[3]))
                out.append(TextRead(a.text + b.text, min(a.confidence, b.confidence), box))
    return out


def _fleet(read: TextRead) -> Found | None:
    compact = fleetno.normalise(read.text)
    if len(compact) != 7 or not compact[:2].isalpha() or compact[2:4].isalpha():
        return None
    shown = f"{compact[:2]}-{compact[2:6]}-{compact[6]}"
    return Found("fleet", compact, shown, fleetno.is_valid(compact), read.confidence, read.box)


def interpret(texts: list[TextRead]) -> list[Found]:
    """Plates and fleet numbers among the texts, by their rules: a text with a valid fleet
    check character is a fleet number, else a plate when the plate rules allow it."""
    found: list[Found] = []
    for read in [*texts, *_joined(texts)]:
        fleet = _fleet(read)
        plate = read_plate(read.text)
        if fleet is not None and (fleet.valid or plate is None):
            found.append(fleet)
        elif plate is not None:
            found.append(
                Found("plate", plate.text, plate.display(), plate.valid, read.confidence, read.box)
            )
    return found
