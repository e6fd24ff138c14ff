"""The light falling on a figure, estimated and divided out (pure), so the trace compares how
figures look and not how the street is lit.

Street lights differ from camera to camera and within one view: orange sodium pools under the
lamps, the city's grey glow between them. The same dark coat is "black" in one view and "brown,
yellow" in a sodium pool. The light at the figure is estimated from the crop's own border, the
ground around the figure lit by the same lamp (the per-channel median of its usable pixels:
neither near-black, where noise dominates, nor clipped, which no longer shows the light's
colour), assuming the ground is roughly grey, as asphalt and paving are. A crop is then corrected
von Kries style: each channel is scaled so that light becomes neutral grey of the same
brightness. A camera-wide estimate (grey world over all of a camera's crops) was tried and
is the wrong grain: it cannot tell a figure under a lamp from one between lamps.
"""

from __future__ import annotations

import numpy as np

from precinct.video.types import Image

DARK = 20  # pixels with every channel below this are sensor noise, not colour
CLIPPED = 250  # pixels with a channel at or above this no longer show the light's colour
MIN_PIXELS = 16  # fewer usable border pixels say nothing about the light
MAX_GAIN = 4.0  # a channel is never amplified more than this (noise in a starved channel)


def border_light(crop: Image) -> np.ndarray | None:
    """The light around the figure (B, G, R): per-channel median of the crop's usable border
    pixels, or None when too few are usable (a black or blown-out surround)."""
    px = crop.astype(np.float64)
    border = np.concatenate([px[0], px[-1], px[1:-1, 0], px[1:-1, -1]])
    brightest = border.max(axis=1)
    usable = border[(brightest >= DARK) & (brightest < CLIPPED)]
    if len(usable) < MIN_PIXELS:
        return None
    return np.asarray(np.median(usable, axis=0))


def gains(light: np.ndarray) -> np.ndarray:
    """Per-channel factors that turn `light` into neutral grey of the same brightness."""
    level = float(light.mean())
    return np.asarray(np.clip(level / np.maximum(light, 1e-6), 1.0 / MAX_GAIN, MAX_GAIN))


def neutralise(crop: Image, light: np.ndarray | None) -> Image:
    """The crop as it would look under neutral light (unchanged when the light is unknown)."""
    if light is None:
        return crop
    out = crop.astype(np.float32) * gains(light).astype(np.float32)
    return np.asarray(np.clip(out + 0.5, 0, 255), dtype=np.uint8)


def white_balanced(crop: Image) -> Image:
    """The crop corrected for the light around the figure."""
    return neutralise(crop, border_light(crop))
