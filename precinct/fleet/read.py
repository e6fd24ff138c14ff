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
from precinct.fleet.plates import is_province, read_plate

Image = NDArray[np.uint8]
Box = tuple[int, int, int, int]
Quad = NDArray[np.float32]  # 4 × 2 corner points, clockwise from top-left


@dataclass(frozen=True)
class ReaderConfig:
    detect_side: int = 480  # longest side of the frame text is detected on
    pad: float = 0.06  # crop margin, as a share of the text height
    retry_pads: tuple[float, ...] = (0.0, 0.12, 0.2, 0.3)  # re-read a plate failing the rules
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

    def evidence_box(self, width: int, height: int) -> Box | None:
        """Around everything read, with a margin of three text heights (the car's rear)."""
        if not self.found:
            return None
        line = max(f.box[3] - f.box[1] for f in self.found)
        x0 = max(0, min(f.box[0] for f in self.found) - 3 * line)
        y0 = max(0, min(f.box[1] for f in self.found) - 3 * line)
        x1 = min(width, max(f.box[2] for f in self.found) + 3 * line)
        y1 = min(height, max(f.box[3] for f in self.found) + 3 * line)
        return x0, y0, x1, y1


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

    def _detect(self, frame: Image) -> list[Quad]:
        h, w = frame.shape[:2]
        scale = min(1.0, self.config.detect_side / max(h, w))
        size = (round(w * scale), round(h * scale))
        quads, _ = self.detector(cv2.resize(frame, size, interpolation=cv2.INTER_AREA))
        if quads is None or len(quads) == 0:
            return []
        found = [np.asarray(q, np.float32) / scale for q in quads]
        return [q for q in found if _height(q) >= self.config.min_height]

    def _recognise(self, frame: Image, quads: list[Quad]) -> list[TextRead]:
        """Tallest texts first (the enlarged prints); once they give a valid plate and a valid
        fleet number, the other texts on that car's rear (its small plate, brand lettering)
        are not read; texts elsewhere in the frame (other cars) still are."""
        quads = sorted(quads, key=_height, reverse=True)
        head, rest = quads[:2], quads[2:]
        texts = self._checked(frame, head)
        found = interpret(texts)
        if rest and _complete(found):
            rear = _rear_of(found)
            rest = [q for q in rest if not _inside(q, rear)]
        texts += self._checked(frame, rest)
        return [t for t in texts if t.confidence >= self.config.min_confidence and t.text]

    def _checked(self, frame: Image, quads: list[Quad]) -> list[TextRead]:
        if not quads:
            return []
        texts = self._rec(frame, quads, self.config.pad)
        for index, read in enumerate(texts):
            if _plate_like(read.text) and not _is_valid_plate(read.text):
                texts[index] = self._retry(frame, quads[index], read)
        return texts

    def _rec(self, frame: Image, quads: list[Quad], pad: float) -> list[TextRead]:
        crops = [_warp(frame, quad, pad) for quad in quads]
        results, _ = self.ocr.text_rec(crops)
        return [
            TextRead(str(r[0]), float(r[1]), _bounds(q))
            for r, q in zip(results, quads, strict=True)
        ]

    def _retry(self, frame: Image, quad: Quad, first: TextRead) -> TextRead:
        """A plate-like text that fails the plate rules, read again with other margins: the
        first read that passes wins, else the first read stands."""
        for pad in self.config.retry_pads:
            again = self._rec(frame, [quad], pad)[0]
            if _is_valid_plate(again.text):
                return again
        return first


def load_image(path: Path) -> Image | None:
    """A BGR image from a file (JPEG, PNG…), or None when it is not one."""
    frame = cv2.imread(str(path))
    return None if frame is None else np.asarray(frame, np.uint8)


def decode_image(data: bytes) -> Image | None:
    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return None if frame is None else np.asarray(frame, np.uint8)


def evidence_jpeg(frame: Image, reading: FrameReading) -> bytes:
    """The part of the frame showing what was read, as JPEG (empty when nothing was read)."""
    box = reading.evidence_box(frame.shape[1], frame.shape[0])
    if box is None:
        return b""
    ok, jpeg = cv2.imencode(
        ".jpg", frame[box[1] : box[3], box[0] : box[2]], [cv2.IMWRITE_JPEG_QUALITY, 88]
    )
    return jpeg.tobytes() if ok else b""


def _bounds(points: NDArray[Any]) -> Box:
    xs, ys = points[:, 0], points[:, 1]
    return int(xs.min()), int(ys.min()), int(np.ceil(xs.max())), int(np.ceil(ys.max()))


def _height(quad: Quad) -> float:
    return float(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))


def _warp(frame: Image, quad: Quad, pad: float) -> Image:
    """The text quadrilateral (clockwise from top-left) cut out of the full-resolution frame and
    straightened, with a margin of `pad` × its height all round."""
    height = _height(quad)
    width = float(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2])))
    m = height * pad
    target = np.array(
        [[m, m], [m + width, m], [m + width, m + height], [m, m + height]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad, target)
    size = (int(width + 2 * m), int(height + 2 * m))
    crop = cv2.warpPerspective(
        frame, matrix, size, borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    return np.asarray(crop, np.uint8)


def _rear_of(found: list[Found]) -> Box:
    """Where the rest of a car's rear is, from its enlarged prints: half their width either
    side, three text heights above and below."""
    x0, y0 = min(f.box[0] for f in found), min(f.box[1] for f in found)
    x1, y1 = max(f.box[2] for f in found), max(f.box[3] for f in found)
    line = min(f.box[3] - f.box[1] for f in found)
    half = (x1 - x0) // 2
    return x0 - half, y0 - 3 * line, x1 + half, y1 + 3 * line


def _inside(quad: Quad, box: Box) -> bool:
    cx, cy = float(quad[:, 0].mean()), float(quad[:, 1].mean())
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _complete(found: list[Found]) -> bool:
    kinds = {f.kind for f in found if f.valid}
    return kinds == {"plate", "fleet"}


def _plate_like(text: str) -> bool:
    return any(is_province(c) for c in text)


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
