"""The people of the story: the night's 12 car owners, the suspect, and the pools of callers,
victims and offenders the background year draws from."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from precinct.demo.common import stage_rng
from precinct.demo.geography import Spot
from precinct.demo.people import REFERENCE_DATE, Resident, is_wuhan_region

COMPOUND: Final = "紫郡兰园"
_COMPOUND_PREFIX: Final = "武汉经开区沌阳大道168号紫郡兰园"
_COMPOUND_CENTRE: Final = (30.5142, 114.1644)
NIGHT_VICTIMS: Final = 12
# A room in an urban village south-west of the scene, ~2.5 km away through the grid.
SUSPECT_HOME: Final = Spot("", "武汉经开区沌口街道新庙村二组47号302室(出租屋)", 30.4962, 114.1540)


def _age(person: Resident) -> int:
    born, today = person.birth_date, REFERENCE_DATE
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _is_suspect_profile(person: Resident) -> bool:
    return (
        person.sex == "M"
        and person.name.startswith("刘")
        and 25 <= _age(person) <= 40
        and not is_wuhan_region(person.hukou_region)
        and bool(person.phone)
    )


def _pick_suspect(rng: random.Random, residents: Sequence[Resident]) -> Resident:
    """A migrant man named 刘, 25-40, preferably living alone; he moves to a rented room."""
    eligible = [r for r in residents if _is_suspect_profile(r)]
    if not eligible:
        raise ValueError("too few residents to cast the suspect; use at least 1,000")
    households = Counter(r.address for r in residents)
    alone = [r for r in eligible if households[r.address] == 1]
    chosen = rng.choice(alone or eligible)
    return replace(chosen, address=SUSPECT_HOME.address, lat=SUSPECT_HOME.lat, lon=SUSPECT_HOME.lon)


def _compound_buildings(residents: Sequence[Resident]) -> dict[int, tuple[float, float]]:
    found = (re.search(COMPOUND + r"(\d+)栋", r.address) for r in residents)
    buildings = {int(m[1]): (r.lat, r.lon) for m, r in zip(found, residents, strict=True) if m}
    return buildings or {1: _COMPOUND_CENTRE}


def _move_to_compound(
    rng: random.Random, person: Resident, buildings: dict[int, tuple[float, float]], taken: set[str]
) -> Resident:
    while True:
        building = rng.choice(sorted(buildings))
        room = rng.randint(2, 18) * 100 + rng.randint(1, 4)
        address = f"{_COMPOUND_PREFIX}{building}栋{rng.randint(1, 2)}单元{room}室"
        if address not in taken:
            taken.add(address)
            lat, lon = buildings[building]
            return replace(person, address=address, lat=lat, lon=lon)


def _pick_victims(
    rng: random.Random, residents: Sequence[Resident], suspect: Resident
) -> list[Resident]:
    """One car owner (25-65) from each of 12 households of 紫郡兰园, topped up by movers."""
    owners = [
        r for r in residents if 25 <= _age(r) <= 65 and r.phone and r.id_number != suspect.id_number
    ]
    by_home: dict[str, Resident] = {}
    for person in sorted(owners, key=lambda r: (COMPOUND not in r.address, rng.random())):
        by_home.setdefault(person.address, person)
    chosen = list(by_home.values())[:NIGHT_VICTIMS]
    taken = {r.address for r in residents}
    buildings = _compound_buildings(residents)
    return [
        r if COMPOUND in r.address else _move_to_compound(rng, r, buildings, taken) for r in chosen
    ]


@dataclass(frozen=True)
class Cast:
    residents: list[Resident]
    victims: list[Resident]
    suspect: Resident


def choose_cast(seed: int, residents: list[Resident]) -> Cast:
    rng = stage_rng(seed, "cast")
    suspect = _pick_suspect(rng, residents)
    victims = _pick_victims(rng, residents, suspect)
    if len(victims) < NIGHT_VICTIMS:
        raise ValueError("too few residents to cast the night's 12 car owners")
    changed = {r.id_number: r for r in (suspect, *victims)}
    return Cast([changed.get(r.id_number, r) for r in residents], victims, suspect)


@dataclass(frozen=True)
class Pools:
    callers: list[Resident]  # 12+ with a phone
    victims: list[Resident]  # adults with a phone
    offenders: list[Resident]  # a small pool of repeat offenders


def choose_pools(rng: random.Random, cast: Cast) -> Pools:
    story = {cast.suspect.id_number, *(v.id_number for v in cast.victims)}
    others = [r for r in cast.residents if r.id_number not in story and r.phone]
    adults = [r for r in others if 18 <= _age(r) <= 80]
    young = [r for r in others if 18 <= _age(r) <= 50 and (r.sex == "M" or rng.random() < 0.1)]
    offenders = rng.sample(young, min(len(young), 120))
    return Pools(others, adults, offenders)
