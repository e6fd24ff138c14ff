"""Leads for a case: shared-bike trips that fit the sightings, and the persons behind them.

Pure: trips, sightings and what resolution knows about each account in; ranked leads with their
reasons out.  A trip fits a sighting when the rider could have been at the camera at that
moment riding at one steady, plausible speed along the street grid: from the unlock point to
the camera and from the camera to the lock point; and, when the sighting states a direction of
travel, the trip passes the camera heading that way (a trip going the opposite way does not fit,
one crossing at a right angle fits half as well).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from precinct.core.tabular import SHANGHAI
from precinct.linkage.geo import Point

SLACK: Final = timedelta(seconds=90)  # clocks of bikes and cameras disagree
MIN_SPEED, MAX_SPEED = 1.5, 9.0  # m/s for a pedal bike, stops included
DETOUR, DETOUR_M = 1.15, 120.0  # a way through the camera at most this much longer
TIME_SHARE: Final = 0.08  # of the ride's duration: how far off a steady pace may put the rider
NEAR_SCENE_M: Final = 500.0
NEAR_HOME_M: Final = 300.0
MO_SIMILAR: Final = 0.4
MIN_AGREEMENT: Final = 0.25  # heading agreement below this (more than 120° off) does not fit
LEG_M: Final = 30.0  # a leg shorter than this says nothing about the heading
BIKE_CLASSES: Final = frozenset({"", "person", "cyclist", "other"})  # what a rider is seen as
_COMPASS: Final = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
LOCAL: Final = SHANGHAI  # times in reasons are local


@dataclass(frozen=True)
class Trip:
    trip_id: str
    account: str  # the phone number the bike account is registered to
    bike_id: str
    unlock_at: datetime
    lock_at: datetime
    start: Point
    end: Point


@dataclass(frozen=True)
class Sighting:
    camera: str
    at: datetime
    where: Point
    note: str = ""
    heading_deg: float | None = None  # compass direction of travel, 0 = north, 90 = east
    object_class: str = ""  # as the video scan classified the figure; "" when typed in
    source: str = "entered"  # "entered" by hand, or "video" (a track attached to the case)


@dataclass(frozen=True)
class Scene:
    case_number: str
    where: Point
    start: datetime
    end: datetime
    mo: str  # case type and title: what the offender did


@dataclass(frozen=True)
class Place:
    kind: str  # "rental", "hotel_stay", "registration", …
    address: str
    where: Point


@dataclass(frozen=True)
class Prior:
    case_number: str
    mo: str
    role: str = ""


@dataclass(frozen=True)
class PersonFile:
    """What resolution knows about the person behind an account."""

    person_key: str
    name: str
    id_number: str
    places: tuple[Place, ...] = ()
    priors: tuple[Prior, ...] = ()
    items: tuple[str, ...] = ()  # stolen items of this case found pawned by this person


@dataclass(frozen=True)
class Reason:
    code: str  # sightings | scene | prior | home | items
    text: str
    score: float


@dataclass(frozen=True)
class Lead:
    person_key: str
    name: str
    id_number: str
    trip: Trip
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.reasons), 2)


def compass(heading_deg: float) -> str:
    return _COMPASS[round((heading_deg % 360) / 45) % 8]


def _bearing(a: Point, b: Point) -> tuple[float, float] | None:
    """Unit vector (north, east) from a to b; None when they are too close to tell."""
    north, east = a.offsets(b)
    length = math.hypot(north, east)
    return (north / length, east / length) if length >= LEG_M else None


def heading_at(trip: Trip, where: Point) -> float | None:
    """The trip's compass heading as it passes ``where``: the mean direction of the leg that
    arrives there and the leg that leaves; None when the trip barely moves."""
    legs = [v for v in (_bearing(trip.start, where), _bearing(where, trip.end)) if v]
    if not legs:
        return None
    north, east = sum(v[0] for v in legs), sum(v[1] for v in legs)
    if math.hypot(north, east) < 1e-6:  # went there and came straight back
        return None
    return math.degrees(math.atan2(east, north)) % 360


def agreement(trip: Trip, sighting: Sighting) -> float:
    """How well the trip's direction at the camera agrees with the sighting's heading: 1 the
    same way, 0.5 at a right angle, 0 the opposite way; 1 when either is unknown."""
    if sighting.heading_deg is None:
        return 1.0
    heading = heading_at(trip, sighting.where)
    if heading is None:
        return 1.0
    return (1 + math.cos(math.radians(heading - sighting.heading_deg))) / 2


def fit(trip: Trip, sighting: Sighting) -> float:
    """How well ``trip`` fits ``sighting``: 0 when it does not (wrong place, time or kind of
    figure, or heading the other way), else the heading agreement."""
    if sighting.object_class not in BIKE_CLASSES or not fits(trip, sighting):
        return 0.0
    share = agreement(trip, sighting)
    return share if share >= MIN_AGREEMENT else 0.0


def fits(trip: Trip, sighting: Sighting) -> bool:
    """Was the rider of ``trip`` at ``sighting``'s camera at its time, riding at a steady pace
    along a shortest way through the streets?  (Place and time only: see ``fit``.)"""
    d1 = trip.start.street_metres(sighting.where)
    d2 = sighting.where.street_metres(trip.end)
    direct = trip.start.street_metres(trip.end)
    if d1 + d2 > DETOUR * direct + DETOUR_M:
        return False
    duration = (trip.lock_at - trip.unlock_at).total_seconds()
    if duration <= 0 or not MIN_SPEED <= (d1 + d2) / duration <= MAX_SPEED:
        return False
    share = d1 / (d1 + d2) if d1 + d2 > 0 else 0.5
    expected = trip.unlock_at + timedelta(seconds=duration * share)
    tolerance = max(SLACK.total_seconds(), TIME_SHARE * duration)
    return abs((sighting.at - expected).total_seconds()) <= tolerance


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def mo_similarity(a: str, b: str) -> float:
    """Share of the shorter text's character bigrams found in the other: 砸车窗盗窃车内财物
    against a case title 车窗被砸、车内财物被盗 …"""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


def _hhmm(when: datetime) -> str:
    return when.astimezone(LOCAL).strftime("%H:%M")


def _seen(sighting: Sighting, share: float) -> str:
    text = f"{sighting.camera} {_hhmm(sighting.at)}"
    if sighting.heading_deg is None:
        return text
    agrees = "agrees" if share >= 0.75 else "partly agrees"
    return f"{text} heading {compass(sighting.heading_deg)} ({agrees})"


def _sighting_reason(trip: Trip, sightings: Sequence[Sighting]) -> Reason | None:
    hit = [(s, share) for s in sightings if (share := fit(trip, s)) > 0]
    if not hit:
        return None
    where = "; ".join(_seen(s, share) for s, share in hit)
    text = f"fits {len(hit)} of {len(sightings)} sightings ({where})"
    total = sum(share for _, share in hit)
    return Reason("sightings", text, round(4.0 * total / len(sightings), 2))


def _scene_reason(trip: Trip, scene: Scene) -> Reason | None:
    metres = scene.where.metres(trip.start)
    if metres > NEAR_SCENE_M or not scene.start <= trip.unlock_at <= scene.end + SLACK:
        return None
    when = _hhmm(trip.unlock_at)
    text = f"bike {trip.bike_id} unlocked {metres:.0f} m from the scene at {when}, in the window"
    return Reason("scene", text, round(2.0 * (1 - metres / NEAR_SCENE_M) + 0.5, 2))


def _person_reasons(trip: Trip, scene: Scene, person: PersonFile) -> list[Reason]:
    reasons = []
    similar = [p for p in person.priors if mo_similarity(p.mo, scene.mo) >= MO_SIMILAR]
    if similar:
        best = max(similar, key=lambda p: mo_similarity(p.mo, scene.mo))
        reasons.append(
            Reason("prior", f"prior record, similar MO: {best.mo} ({best.case_number})", 2.0)
        )
    near = [(p, p.where.metres(trip.end)) for p in person.places]
    near = [(p, m) for p, m in near if m <= NEAR_HOME_M]
    if near:
        place, metres = min(near, key=lambda pm: pm[1])
        text = f"{place.kind} {place.address} is {metres:.0f} m from where the trip ended"
        reasons.append(Reason("home", text, 1.5))
    if person.items:
        reasons.append(Reason("items", "pawned: " + "; ".join(person.items), 3.0))
    return reasons


def candidate(trip: Trip, scene: Scene, sightings: Sequence[Sighting]) -> list[Reason]:
    """The trip's own reasons (sightings, scene); empty when it does not fit the case."""
    found = [_sighting_reason(trip, sightings) if sightings else None, _scene_reason(trip, scene)]
    return [r for r in found if r is not None]


def rank(
    scene: Scene,
    sightings: Sequence[Sighting],
    trips: Sequence[Trip],
    persons: dict[str, PersonFile],
) -> list[Lead]:
    """One lead per person (their best trip), best first.  ``persons`` is keyed by account."""
    best: dict[str, Lead] = {}
    for trip in trips:
        own = candidate(trip, scene, sightings)
        if not own:
            continue
        person = persons.get(trip.account) or PersonFile(f"account:{trip.account}", "", "")
        lead = Lead(
            person.person_key,
            person.name,
            person.id_number,
            trip,
            tuple(own + _person_reasons(trip, scene, person)),
        )
        kept = best.get(lead.person_key)
        if kept is None or lead.score > kept.score:
            best[lead.person_key] = lead
    return sorted(best.values(), key=lambda lead: (-lead.score, lead.person_key))
