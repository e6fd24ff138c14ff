"""Match texts read off frames to the fleet registry, aware of how OCR confuses characters.

Distance is an edit distance where a substitution between look-alikes (0/D/O/Q, 8/B, 1/I/T/7,
5/S, 2/Z) costs 0.3, between two province characters 0.5, anything else 1; a plate read without
its province character costs 0.5. Each text is compared with every vehicle's plate and fleet
number (q-gram filtered), giving a similarity 1 - d/2 (0 from two full edits). A vehicle's score
adds its best plate and best fleet-number similarity, so plate and fleet number cross-check each
other; frames add up their scores. The best vehicle is named only when its score is high enough
and clearly ahead of the runner-up; otherwise the answer is "no match" with the top candidates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from precinct.fleet.plates import is_province

CONFUSABLE_GROUPS: Final = ("0DOQ", "8B", "1IT7", "5S", "2Z")
_GROUP: Final = {c: g[0] for g in CONFUSABLE_GROUPS for c in g}
LOOKALIKE_COST: Final = 0.3
PROVINCE_COST: Final = 0.5
MISSING_PROVINCE_COST: Final = 0.5
ACCEPT_SCORE: Final = 1.0
ACCEPT_MARGIN: Final = 0.5
TOP: Final = 3


def fold(char: str) -> str:
    """The representative of a character's look-alike group (itself when it has none)."""
    return _GROUP.get(char, char)


def substitution_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if fold(a) == fold(b):
        return LOOKALIKE_COST
    if is_province(a) and is_province(b):
        return PROVINCE_COST
    return 1.0


def _levenshtein(a: str, b: str) -> float:
    previous = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        current = [float(i)]
        for j, cb in enumerate(b, 1):
            current.append(
                min(
                    previous[j] + 1.0,
                    current[j - 1] + 1.0,
                    previous[j - 1] + substitution_cost(ca, cb),
                )
            )
        previous = current
    return previous[-1]


def distance(read: str, truth: str) -> float:
    """Confusion-aware distance; a read that lacks the truth's province character pays 0.5."""
    full = _levenshtein(read, truth)
    if truth and is_province(truth[0]) and read and not is_province(read[0]):
        return min(full, MISSING_PROVINCE_COST + _levenshtein(read, truth[1:]))
    return full


def similarity(read: str, truth: str) -> float:
    return max(0.0, 1.0 - distance(read, truth) / 2.0)


@dataclass(frozen=True)
class Vehicle:
    """A registry entry as the matcher sees it (compact plate, compact fleet number)."""

    key: int
    plate: str
    fleet_number: str


@dataclass(frozen=True)
class Candidate:
    key: int
    plate: str
    fleet_number: str
    score: float
    plate_similarity: float
    fleet_similarity: float


@dataclass(frozen=True)
class Decision:
    """The vehicle identified, or None with the best candidates when unsure."""

    vehicle: Candidate | None
    candidates: tuple[Candidate, ...]
    reason: str

    @property
    def matched(self) -> bool:
        return self.vehicle is not None


def _bigrams(text: str) -> Counter[str]:
    folded = "".join(fold(c) for c in text)
    return Counter(folded[i : i + 2] for i in range(len(folded) - 1))


@dataclass
class Registry:
    """The vehicles, indexed by folded character bigrams for the q-gram filter."""

    vehicles: dict[int, Vehicle] = field(default_factory=dict)
    _index: dict[str, set[tuple[int, str]]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, vehicles: Iterable[Vehicle]) -> Registry:
        registry = cls()
        for vehicle in vehicles:
            registry.add(vehicle)
        return registry

    def add(self, vehicle: Vehicle) -> None:
        self.vehicles[vehicle.key] = vehicle
        for kind, text in (("plate", vehicle.plate), ("fleet", vehicle.fleet_number)):
            for gram in _bigrams(text):
                self._index[gram].add((vehicle.key, kind))

    def __len__(self) -> int:
        return len(self.vehicles)

    def near(self, text: str) -> set[tuple[int, str]]:
        """(vehicle, field) pairs that can be within two edits of ``text`` (count filter)."""
        grams = _bigrams(text)
        need = max(1, sum(grams.values()) - 5)
        hits: Counter[tuple[int, str]] = Counter()
        for gram, count in grams.items():
            for entry in self._index.get(gram, ()):
                hits[entry] += count
        return {entry for entry, n in hits.items() if n >= need}


Scores = dict[int, tuple[float, float]]


def frame_scores(registry: Registry, texts: Sequence[str]) -> Scores:
    """Per vehicle, the best plate and best fleet-number similarity over one frame's texts."""
    best: Scores = {}
    for text in texts:
        if len(text) < 4:
            continue
        for key, kind in registry.near(text):
            vehicle = registry.vehicles[key]
            plate, fleet = best.get(key, (0.0, 0.0))
            if kind == "plate":
                plate = max(plate, similarity(text, vehicle.plate))
            else:
                fleet = max(fleet, similarity(text, vehicle.fleet_number))
            best[key] = (plate, fleet)
    return best


def decide(registry: Registry, frames: Sequence[Scores]) -> Decision:
    """Votes across frames: scores add up; name a car only when clearly ahead."""
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for scores in frames:
        for key, (plate, fleet) in scores.items():
            totals[key][0] += plate
            totals[key][1] += fleet
    ranked = sorted(
        (_candidate(registry.vehicles[k], p, f) for k, (p, f) in totals.items()),
        key=lambda c: (-c.score, c.key),
    )
    top = tuple(c for c in ranked[:TOP] if c.score > 0)
    return _verdict(top)


def _candidate(vehicle: Vehicle, plate: float, fleet: float) -> Candidate:
    return Candidate(vehicle.key, vehicle.plate, vehicle.fleet_number, plate + fleet, plate, fleet)


def _verdict(top: tuple[Candidate, ...]) -> Decision:
    if not top:
        return Decision(None, top, "nothing read resembles a registered plate or fleet number")
    best = top[0]
    runner = top[1].score if len(top) > 1 else 0.0
    if best.score < ACCEPT_SCORE:
        return Decision(None, top, f"best score {best.score:.2f} is too low")
    if best.score - runner < ACCEPT_MARGIN:
        return Decision(None, top, f"ambiguous: {best.score:.2f} vs {runner:.2f}")
    return Decision(best, top, "identified")


def identify(registry: Registry, frames: Sequence[Sequence[str]]) -> Decision:
    """Identify one car from the texts of one or more frames of it."""
    return decide(registry, [frame_scores(registry, texts) for texts in frames])
