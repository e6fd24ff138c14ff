"""The registry of the demo district: cameras, officers and residents with their phones."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from precinct.demo.calibration import demo_calibration
from precinct.demo.common import Progress
from precinct.demo.geography import CameraSite
from precinct.demo.people import Resident, generate_officers
from precinct.registry.store import Camera, Officer, Person, PersonPhone, Place

_CHUNK: Final = 10_000


#: The resolution the demo footage is rendered at (`FootageSpec`); the video stage re-calibrates
#: the cameras it renders if it renders at another.
DEMO_RESOLUTION: Final = (960, 540)


def insert_cameras(session: Session, sites: Sequence[CameraSite]) -> None:
    for site in sites:
        place = Place(name=site.name, address=site.address, lat=site.lat, lon=site.lon)
        calibration = demo_calibration(site.code, site.metres_per_pixel, *DEMO_RESOLUTION)
        session.add(
            Camera(
                code=site.code,
                name=site.name,
                place=place,
                heading_deg=float(site.heading_deg),
                calibration=calibration,
            )
        )


def insert_officers(session: Session, seed: int) -> tuple[int, int]:
    specs = generate_officers(seed)
    rows = {
        s.badge: Officer(badge=s.badge, name=s.name, rank=s.rank, team=s.team, joined=s.joined)
        for s in specs
    }
    for spec in specs:
        if spec.mentor_badge is not None:
            rows[spec.badge].mentor = rows[spec.mentor_badge]
    session.add_all(rows.values())
    return len(specs), sum(1 for s in specs if s.mentor_badge is not None)


def _person_row(person: Resident) -> dict[str, Any]:
    return {
        "id_number": person.id_number,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "region_code": person.hukou_region,
        "address": person.address,
        "lat": person.lat,
        "lon": person.lon,
    }


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def insert_residents(
    session: Session, residents: Sequence[Resident], progress: Progress
) -> dict[str, int]:
    """Bulk-insert residents and their phones; returns ID number -> person id."""
    rows = [_person_row(r) for r in residents]
    done = 0
    for chunk in _chunks(rows):
        session.execute(insert(Person), chunk)
        done += len(chunk)
        progress("residents", done, len(rows))
    ids = {number: pid for number, pid in session.execute(select(Person.id_number, Person.id))}
    phones = [{"person_id": ids[r.id_number], "phone": r.phone} for r in residents if r.phone]
    for chunk in _chunks(phones):
        session.execute(insert(PersonPhone), chunk)
    progress("phones", len(phones), len(phones))
    return ids
