"""A robotaxi seen from behind in traffic, drawn with OpenCV and PIL: white body, dark rear
glass, tail lights, the green new-energy plate, and the two enlarged prints the traffic police
asked the operators for: the plate number across the boot lid and the fleet number below it.

Conditions: day, night (dark, lit plate and prints, sensor noise), rain (blur and streaks),
angle (the car seen obliquely) and occlusion (a pole or pedestrian hides part of one print).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Final

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

Image = NDArray[np.uint8]
FONT_PATH: Final = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FRAME_W, FRAME_H = 1280, 720
_BODY, _GLASS, _ROAD = (236, 236, 232), (52, 46, 40), (96, 98, 100)
_PRINT, _FLEET_INK = (20, 20, 20), (150, 70, 10)


class Condition(StrEnum):
    DAY = "day"
    NIGHT = "night"
    RAIN = "rain"
    ANGLE = "angle"
    OCCLUSION = "occlusion"


class FontMissing(RuntimeError):
    """The Chinese font is not installed."""


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT_PATH.exists():
        raise FontMissing(
            f"{FONT_PATH} not found: install Debian's fonts-wqy-microhei "
            "(scripts/install-system.sh does it)"
        )
    return ImageFont.truetype(str(FONT_PATH), size)


@dataclass(frozen=True)
class Rear:
    """What to draw: the car's texts, where it stands and how the camera sees it."""

    plate: str  # display form, 鄂A·D12345
    fleet_number: str  # display form, CG-0123-7
    brand: str
    condition: Condition
    seed: int


@dataclass(frozen=True)
class Drawn:
    frame: Image
    car_box: tuple[int, int, int, int]


Ink = tuple[int, int, int]


def _text(canvas: PILImage.Image, xy: tuple[int, int], text: str, size: int, ink: Ink) -> None:
    draw = ImageDraw.Draw(canvas)
    face = font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
    x, y = xy[0] - (right - left) // 2 - left, xy[1] - (bottom - top) // 2 - top
    draw.text((x, y), text, font=face, fill=ink[::-1])  # inks are BGR like OpenCV


def _plate(width: int, text: str) -> Image:
    """A green new-energy plate (gradient, black characters) of the given width."""
    height = int(width * 0.3)
    ramp = np.linspace(0, 1, height)[:, None, None]
    top, bottom = np.array([250, 250, 245]), np.array([90, 200, 60])
    plate = (top * (1 - ramp) + bottom * ramp).astype(np.uint8).repeat(width, axis=1)
    canvas = PILImage.fromarray(plate[:, :, ::-1].copy())
    _text(canvas, (width // 2, height // 2), text, int(height * 0.62), (10, 10, 10))
    out = np.asarray(canvas)[:, :, ::-1].copy()
    cv2.rectangle(out, (0, 0), (width - 1, height - 1), (30, 30, 30), 2)
    return out


def _car(rear: Rear, width: int) -> Image:
    """The rear of the car on a transparent-free canvas (road colour outside the body)."""
    height = int(width * 0.78)
    car = np.full((height, width, 3), _ROAD, np.uint8)
    body = np.array(
        [[0.02, 0.32], [0.14, 0.02], [0.86, 0.02], [0.98, 0.32], [1.0, 0.92], [0.0, 0.92]]
    )
    cv2.fillPoly(car, [(body * [width, height]).astype(np.int32)], _BODY, cv2.LINE_AA)
    glass = np.array([[0.17, 0.06], [0.83, 0.06], [0.92, 0.3], [0.08, 0.3]])
    cv2.fillPoly(car, [(glass * [width, height]).astype(np.int32)], _GLASS, cv2.LINE_AA)
    for x0 in (0.02, 0.82):
        cv2.rectangle(
            car,
            _at(x0, 0.36, width, height),
            _at(x0 + 0.16, 0.46, width, height),
            (40, 40, 210),
            -1,
        )
    cv2.rectangle(
        car, _at(0.06, 0.9, width, height), _at(0.2, 1.0, width, height), (18, 18, 18), -1
    )
    cv2.rectangle(
        car, _at(0.8, 0.9, width, height), _at(0.94, 1.0, width, height), (18, 18, 18), -1
    )
    canvas = PILImage.fromarray(car[:, :, ::-1].copy())
    _text(canvas, (width // 2, int(height * 0.18)), rear.brand, int(width * 0.05), (230, 230, 230))
    _text(canvas, (width // 2, int(height * 0.41)), rear.plate, int(width * 0.105), _PRINT)
    _text(canvas, (width // 2, int(height * 0.56)), rear.fleet_number, int(width * 0.1), _FLEET_INK)
    car = np.asarray(canvas)[:, :, ::-1].copy()
    plate = _plate(int(width * 0.3), rear.plate)
    py, px = int(height * 0.7), (width - plate.shape[1]) // 2
    car[py : py + plate.shape[0], px : px + plate.shape[1]] = plate
    return car


def _at(x: float, y: float, width: int, height: int) -> tuple[int, int]:
    return int(x * width), int(y * height)


def _road(rng: random.Random) -> Image:
    frame = np.full((FRAME_H, FRAME_W, 3), _ROAD, np.uint8)
    ramp = np.linspace(0.8, 1.1, FRAME_H)[:, None, None]
    frame = np.clip(frame * ramp, 0, 255).astype(np.uint8)
    for x in range(-200, FRAME_W + 400, 420):
        shift = rng.randint(-30, 30)
        cv2.line(
            frame,
            (x + shift, FRAME_H),
            (FRAME_W // 2 + (x - FRAME_W // 2) // 4, 0),
            (210, 210, 210),
            6,
        )
    return frame


def _angle(car: Image, rng: random.Random) -> Image:
    h, w = car.shape[:2]
    squeeze = rng.uniform(0.1, 0.16) * h
    side = rng.choice((0, 1))
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = src.copy()
    dst[side, 1] += squeeze  # the far side looks shorter: its top corner drops…
    dst[2 if side else 3, 1] -= squeeze  # …and its bottom corner rises
    matrix = cv2.getPerspectiveTransform(src, dst)
    return np.asarray(cv2.warpPerspective(car, matrix, (w, h), borderValue=_ROAD), np.uint8)


def _occlude(frame: Image, box: tuple[int, int, int, int], rng: random.Random) -> None:
    x0, y0, x1, y1 = box
    width = x1 - x0
    pole_x = x0 + int(width * rng.choice((0.18, 0.72)))
    cv2.rectangle(frame, (pole_x, 0), (pole_x + int(width * 0.07), FRAME_H), (70, 80, 90), -1)


def _night(frame: Image, rng: np.random.Generator) -> Image:
    dark = frame.astype(np.float32) * 0.3 + 4
    dark += rng.normal(0, 5, frame.shape)
    return np.asarray(np.clip(dark, 0, 255), np.uint8)


def _rain(frame: Image, rng: random.Random) -> Image:
    out = np.asarray(cv2.GaussianBlur(frame, (0, 0), 1.3), np.uint8)
    for _ in range(260):
        x, y = rng.randrange(FRAME_W), rng.randrange(FRAME_H)
        cv2.line(out, (x, y), (x + 4, y + 22), (200, 200, 205), 1, cv2.LINE_AA)
    return out


def draw_rear(rear: Rear) -> Drawn:
    """One 1280×720 frame with the car; the car's box in frame pixels is exact."""
    rng = random.Random(rear.seed)
    frame = _road(rng)
    width = rng.randint(430, 560)
    car = _car(rear, width)
    if rear.condition is Condition.ANGLE:
        car = _angle(car, rng)
    h, w = car.shape[:2]
    x0 = rng.randint(60, FRAME_W - w - 60)
    y0 = rng.randint(FRAME_H - h - 60, FRAME_H - h - 10)
    frame[y0 : y0 + h, x0 : x0 + w] = car
    box = (x0, y0, x0 + w, y0 + h)
    if rear.condition is Condition.OCCLUSION:
        _occlude(frame, box, rng)
    if rear.condition is Condition.NIGHT:
        frame = _night(frame, np.random.default_rng(rear.seed))
    elif rear.condition is Condition.RAIN:
        frame = _rain(frame, rng)
    return Drawn(frame, box)
