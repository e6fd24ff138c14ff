"""The big-data sources of the demo district, as the bureau receives them: shared-bike
accounts and the night's trips, hotel stays, rental registrations, prior records and a pawn and
second-hand feed, with realistic noise.  Pure: residents in, tables and their truth out.

Each table's ``truth`` holds, row by row, the ID number of the person who really made the row:
it scores entity resolution and is never loaded into the platform.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from precinct.demo.common import TZ
from precinct.demo.linkage_registers import (
    Story,
    Table,
    accounts,
    hotels,
    pawn_feed,
    priors,
    rentals,
)
from precinct.demo.linkage_trips import (
    TRIP_HEADER,
    TripRow,
    ordinary_trips,
    ride,
    suspect_trip,
)
from precinct.demo.people import Resident


def _honest_riders(
    rng: random.Random, people: Sequence[Resident], scene: tuple[float, float]
) -> list[TripRow]:
    """Night-shift workers who really did ride away from near the scene in the small hours."""
    trips = []
    for p in people:
        start = (
            round(scene[0] + rng.uniform(-0.002, 0.002), 6),
            round(scene[1] + rng.uniform(-0.002, 0.002), 6),
        )
        unlock = datetime(2024, 12, 15, rng.randint(1, 4), rng.randrange(60), tzinfo=TZ)
        unlock, lock = ride(rng, unlock, start, (p.lat, p.lon))
        trips.append(
            TripRow(
                "", p.phone, f"QJ{rng.randrange(10**8):08d}", unlock, lock, start, (p.lat, p.lon)
            )
        )
    return trips


def trips(
    rng: random.Random,
    riders: Sequence[Resident],
    story: Story,
    count: int,
    night: tuple[Sequence[Resident], tuple[float, float]],
) -> Table:
    honest, scene = night
    homes = [(p.lat, p.lon) for p in riders]
    rows = ordinary_trips(rng, count, [p.phone for p in riders], homes)
    rows += _honest_riders(rng, honest, scene)
    rows.append(suspect_trip(story.ride, story.suspect.phone, f"QJ{rng.randrange(10**8):08d}"))
    rows.sort(key=lambda r: r.unlock_at)
    rows = [
        replace(r, trip_id=f"QJ{r.unlock_at:%Y%m%d}{i:07d}") for i, r in enumerate(rows, start=1)
    ]
    t = Table("bike_trips", TRIP_HEADER)
    for r in rows:
        t.add(r.cells(), "")
    return t


@dataclass(frozen=True)
class Sizes:
    riders: int = 9000
    trips: int = 20_500
    hotel_stays: int = 3000
    rentals: int = 2500
    offenders: int = 240
    pawn: int = 400

    @classmethod
    def for_residents(cls, residents: int) -> Sizes:
        """Full sizes for the 50,000-resident district, scaled down for smaller ones."""
        f = min(1.0, residents / 50_000)
        full = cls()
        return cls(*(max(10, int(getattr(full, k) * f)) for k in full.__dataclass_fields__))


def make_sources(
    seed: int,
    residents: Sequence[Resident],
    story: Story,
    scene: tuple[float, float],
    sizes: Sizes = Sizes(),
) -> list[Table]:
    rng = random.Random(f"{seed}/linkage")
    sid = story.suspect.id_number
    adults = [
        r for r in residents if r.phone and r.id_number != sid and 1950 <= r.birth_date.year <= 2006
    ]
    riders = rng.sample(adults, min(sizes.riders, len(adults)))
    young_men = [r for r in adults if r.sex == "M" and r.birth_date.year >= 1975]
    offenders = rng.sample(young_men, min(sizes.offenders, len(young_men)))
    honest = rng.sample(riders, min(6, len(riders)))
    return [
        accounts(rng, riders, story),
        trips(rng, riders, story, sizes.trips, (honest, scene)),
        hotels(rng, adults, story, sizes.hotel_stays),
        rentals(rng, adults, story, min(sizes.rentals, len(adults) // 2)),
        priors(rng, offenders + honest[:2], story),
        pawn_feed(rng, adults, story, sizes.pawn),
    ]
