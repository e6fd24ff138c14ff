"""Pixel helpers of the motion stage (`motion`): the window of a frame around its moving area,
where the costly filters run (aligned so that they give what they give over the whole frame),
and the exact median of a frame's sample, found among the few samples near it."""

from __future__ import annotations

from typing import cast

import cv2
import numpy as np
from cv2.typing import MatLike
from numpy.typing import NDArray

FloatImage = NDArray[np.float32]
Box = tuple[int, int, int, int]  # x, y, width, height in the working frame
Window = tuple[slice, slice]  # rows, columns of the working frame


def median(values: FloatImage) -> np.float32:
    """`np.median` of float32 values, as float32, without its generic machinery, and by
    selecting among the few values near the median (`_middle`): `np.partition` over a frame's
    few thousand samples took about a tenth of the motion stage's time."""
    flat = values.ravel()
    low, high = _middle(flat, (flat.size - 1) // 2, flat.size // 2)
    return np.float32((low + high) / np.float32(2))


def _middle(flat: FloatImage, first: int, last: int) -> tuple[np.float32, np.float32]:
    """The values of ranks `first` and `last` (0-based, ascending; `last` − `first` ≤ 1) of
    `flat`. A sorted sparse sample bounds where they lie; when the bounds hold them, only the
    values between the bounds are sorted; else the whole is partitioned."""
    probe = np.sort(flat[::16])
    scale = probe.size / flat.size
    low = probe[max(0, int(first * scale) - 24)]
    high = probe[min(probe.size - 1, int(last * scale) + 24)]
    below = int(np.count_nonzero(flat < low))
    if below <= first and last < int(np.count_nonzero(flat <= high)):
        if low == high:
            return low, low
        near = np.sort(flat[(flat >= low) & (flat <= high)])
        return near[first - below], near[last - below]
    ranks = np.partition(flat, (first, last))
    return ranks[first], ranks[last]


def above(image: FloatImage | MatLike, level: float) -> MatLike:
    """255 where the image exceeds `level`."""
    return np.greater(image, level).view(np.uint8) * np.uint8(255)


def gauss_radius(sigma: float) -> int:
    """Half the kernel OpenCV's `GaussianBlur` takes for `sigma` on float images."""
    return (round(sigma * 8 + 1) | 1) // 2


def union(a: Box | None, b: Box | None) -> Box | None:
    if a is None or b is None:
        return a or b
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    return x0, y0, max(a[0] + a[2], b[0] + b[2]) - x0, max(a[1] + a[3], b[1] + b[3]) - y0


def window(box: Box, margin: int, shape: tuple[int, ...]) -> Window:
    """`box` grown by `margin` and clipped to a frame of `shape`, its columns widened to
    multiples of 32: filters then run over each pixel in the same vector lanes as over the
    whole frame (lanes and scalar tails round differently), so their results are the same."""
    x, y, w, h = box
    x0, x1 = max(0, x - margin) // 32 * 32, min(shape[1], -(-(x + w + margin) // 32) * 32)
    return slice(max(0, y - margin), min(shape[0], y + h + margin)), slice(x0, x1)


def scalar(value: float | np.floating) -> MatLike:
    """`value` where OpenCV takes an array or a scalar (its type stubs know only arrays)."""
    return cast(MatLike, float(value))


def connected(mask: MatLike, seeds: MatLike, window: Window) -> MatLike:
    """255 in `window` where `mask` is connected (8-connected, traced in the whole frame: a
    path may leave the window) to a pixel of `seeds` (the window's, inside `mask`)."""
    count, labels = cv2.connectedComponents(mask, connectivity=8)
    labels = labels[window]
    lit = np.zeros(max(count, 256), np.uint8)
    lit[labels[seeds > 0]] = 255
    lit[0] = 0
    return cv2.LUT(labels.astype(np.uint8), lit[:256]) if count <= 256 else lit[labels]
