"""Trace across cameras (pure): which tracks on other cameras could be the same figure, and how
alike they are.

Feasibility: the time between leaving one camera and reaching the other must fit the distance
at a speed the figure's class can move (a person may take a bike, so person and cyclist are
compatible). Ranking: appearance (named dominant colours and colour histograms of the best
crops, corrected for the light around the figure, see `illuminant`), direction (does the figure
head towards the other camera, and arrive heading the same way), and timing (close to the gap
at the class's usual speed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import cv2
import numpy as np

from precinct.core.geo import LatLon, bearing_deg, distance_m
from precinct.video.features import dominant_colours
from precinct.video.illuminant import white_balanced
from precinct.video.search import angle_diff
from precinct.video.types import Image

# metres per second: slowest plausible average, usual, fastest (urban, at night)
SPEEDS = {
    "person": (0.4, 1.4, 3.5),
    "cyclist": (1.0, 4.5, 10.0),
    "vehicle": (1.5, 10.0, 25.0),
    "other": (0.4, 4.0, 25.0),
}
COMPATIBLE = {
    "person": {"person", "cyclist", "other"},
    "cyclist": {"cyclist", "person", "other"},
    "vehicle": {"vehicle", "other"},
    "other": {"person", "cyclist", "vehicle", "other"},
}
# Classes that are the same figure for ranking: a rider is often seen as a person at night, and
# a person may take a bike between cameras.
KIN = {
    "person": {"person", "cyclist"},
    "cyclist": {"person", "cyclist"},
    "vehicle": {"vehicle"},
    "other": {"other"},
}
RANK_WEIGHTS = (1.0, 0.6, 0.3)  # weight of a colour by its rank in the track's colours
SLACK_S = 10.0  # clock offsets and the time between the last box and leaving the view
HOP_M = 800.0  # e-folding distance of the nearness score
# A candidate scoring below this is not offered as "likely the same figure": feasible in time,
# but its looks, direction and timing together do not make the case for it. (On the demo night
# the suspect's true hops score 0.64–0.79; once he has left the cameras, the best remaining
# candidate scores about 0.52; a stranger in other colours heading the other way, about 0.43.)
LIKELY_SCORE = 0.55


@dataclass(frozen=True)
class Seen:
    """A track as the trace sees it: where, when, what and how it looked."""

    track_id: int
    camera: str
    at: LatLon
    start: datetime
    end: datetime
    object_class: str
    colours: tuple[str, ...]
    heading_deg: float | None  # compass direction of travel, if the camera's heading is known
    histogram: np.ndarray | None = None


@dataclass(frozen=True)
class Candidate:
    seen: Seen
    forward: bool  # after the sighting (where it went) or before (where it came from)
    distance_m: float
    gap_s: float
    score: float
    appearance: float
    direction: float
    timing: float

    @property
    def likely(self) -> bool:
        """Does the trace offer this candidate as likely the same figure?"""
        return self.score >= LIKELY_SCORE


def speeds(a: str, b: str) -> tuple[float, float, float, float]:
    """Slowest, usual-slow, usual-fast and fastest speed covering both classes. A person may
    take a (shared) bike between cameras, and night footage often shows a rider as a person,
    so a person moves at most at a bike's speed."""
    classes = {a, b} | ({"cyclist"} if "person" in (a, b) else set())
    return (
        min(SPEEDS[c][0] for c in classes),
        min(SPEEDS[c][1] for c in classes),
        max(SPEEDS[c][1] for c in classes),
        max(SPEEDS[c][2] for c in classes),
    )


def gap_of(sighting: Seen, other: Seen) -> tuple[bool, float]:
    """Direction in time and seconds between leaving one view and entering the other."""
    if other.start >= sighting.start:
        return True, (other.start - sighting.end).total_seconds()
    return False, (sighting.start - other.end).total_seconds()


def feasible(sighting: Seen, other: Seen) -> bool:
    if other.camera == sighting.camera:
        return False
    if other.object_class not in COMPATIBLE[sighting.object_class]:
        return False
    _, gap = gap_of(sighting, other)
    slow, _, _, fast = speeds(sighting.object_class, other.object_class)
    dist = distance_m(sighting.at, other.at)
    return dist / fast - SLACK_S <= gap <= dist / slow + SLACK_S


def colour_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Rank-weighted overlap of two dominant-colour lists, 0..1."""
    if not a or not b:
        return 0.0
    wa = {c: RANK_WEIGHTS[i] for i, c in enumerate(a[:3])}
    wb = {c: RANK_WEIGHTS[i] for i, c in enumerate(b[:3])}
    shared = sum(min(wa[c], wb[c]) for c in wa.keys() & wb.keys())
    return shared / min(sum(wa.values()), sum(wb.values()))


def histogram(crop: Image) -> np.ndarray:
    """Hue-saturation histogram of the crop's centre (normalised), for appearance matching."""
    h, w = crop.shape[:2]
    centre = crop[int(h * 0.1) : max(int(h * 0.9), 1), int(w * 0.2) : max(int(w * 0.8), 1)]
    hsv = cv2.cvtColor(centre, cv2.COLOR_BGR2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, [18, 8], [0, 180, 0, 256])
    return np.asarray(cv2.normalize(hist, hist).flatten(), dtype=np.float32)


def looks(crop: Image) -> tuple[tuple[str, ...], np.ndarray]:
    """Named colours and histogram of a crop after correcting it for the light around the
    figure, so a figure compares alike under a sodium lamp and under white light."""
    balanced = white_balanced(crop)
    return dominant_colours(balanced), histogram(balanced)


def appearance(a: Seen, b: Seen) -> float:
    named = colour_similarity(a.colours, b.colours)
    if a.histogram is None or b.histogram is None:
        return named
    hist = max(0.0, float(cv2.compareHist(a.histogram, b.histogram, cv2.HISTCMP_CORREL)))
    return 0.5 * named + 0.5 * hist


def _towards(heading: float | None, bearing: float) -> float:
    return 0.5 if heading is None else 1.0 - angle_diff(heading, bearing) / 180.0


def direction(sighting: Seen, other: Seen, forward: bool) -> float:
    """1 when the figure leaves heading for the other camera and arrives heading that way."""
    first, second = (sighting, other) if forward else (other, sighting)
    bearing = bearing_deg(first.at, second.at)
    return 0.5 * _towards(first.heading_deg, bearing) + 0.5 * _towards(second.heading_deg, bearing)


def timing(sighting: Seen, other: Seen, gap: float, dist: float) -> float:
    """1 when the gap is what the distance takes at the class's brisk usual speed (someone
    leaving a scene does not dawdle), falling off either side; a long gap fits anyone."""
    _, _, usual_fast, _ = speeds(sighting.object_class, other.object_class)
    expected = dist / usual_fast
    return float(np.exp(-abs(gap - expected) / max(expected, 60.0)))


def proximity(dist: float) -> float:
    """The next camera on the way is the nearest one: a far camera was reached through others."""
    return float(np.exp(-dist / HOP_M))


def score(sighting: Seen, other: Seen) -> Candidate:
    forward, gap = gap_of(sighting, other)
    dist = distance_m(sighting.at, other.at)
    looks = appearance(sighting, other)
    heads = direction(sighting, other, forward)
    fits = timing(sighting, other, gap, dist)
    same = 1.0 if {other.object_class, sighting.object_class} <= KIN[sighting.object_class] else 0.9
    total = same * (0.4 * looks + 0.15 * heads + 0.25 * fits + 0.2 * proximity(dist))
    return Candidate(other, forward, round(dist, 1), round(gap, 1), total, looks, heads, fits)


def rank(sighting: Seen, others: list[Seen]) -> list[Candidate]:
    """Feasible candidates, best first."""
    scored = [score(sighting, o) for o in others if feasible(sighting, o)]
    return sorted(scored, key=lambda c: (-c.score, c.seen.start))
