"""The synthetic 车谷 district: streets and cameras, officers, residents, a background year of
民生小案 with their 110 alarms, and the night of 2024-12-15 when 12 cars parked beside 紫郡兰园
had their windows smashed.

Deterministic in ``DistrictSpec.seed``: every random choice comes from a ``random.Random``
derived from it (the street grid and the cameras are fixed, like the compounds of
``precinct.demo.people``).  ``build_district`` returns the exact ground truth, including the
suspect, whom nothing in the database links to the night's case yet.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from precinct.cases.domain import RECOVERED_PROPERTY, PartyRole
from precinct.cases.figures import Figures
from precinct.cases.service import figures
from precinct.cases.store import Alarm, Case, CaseParty, PropertyItem
from precinct.core.db import Database
from precinct.demo.background import write_background
from precinct.demo.cast import Cast, choose_cast, choose_pools
from precinct.demo.common import NIGHT_START, TZ, Progress, stage_rng
from precinct.demo.geography import NEARBY_METRES, CameraSite, camera_sites, metres
from precinct.demo.night import scene, write_night
from precinct.demo.people import generate_residents
from precinct.demo.records import Context, Numbers, load_staff
from precinct.demo.registry import insert_cameras, insert_officers, insert_residents
from precinct.registry.store import Camera, Officer, Person, PersonPhone

__all__ = [
    "NEARBY_METRES",
    "TZ",
    "DistrictCounts",
    "DistrictSpec",
    "DistrictTruth",
    "build_district",
    "camera_sites",
    "report_lines",
    "scene",
    "write_truth",
]


@dataclass(frozen=True)
class DistrictSpec:
    seed: int = 20241215
    residents: int = 50_000
    background_year: int = 2024

    def __post_init__(self) -> None:
        if self.residents < 0:
            raise ValueError(f"residents must not be negative, got {self.residents}")
        if self.background_year > NIGHT_START.year:
            raise ValueError(f"background_year must be {NIGHT_START.year} or earlier")


@dataclass(frozen=True)
class DistrictCounts:
    residents: int
    phones: int
    cameras: int
    officers: int
    mentor_pairs: int
    alarms: int
    cases: int
    items: int


@dataclass(frozen=True)
class DistrictTruth:
    """What really happened, for tests and for the later video and big-data work."""

    seed: int
    background_year: int
    case_number: str  # the smashed-windows case
    night_alarm_numbers: tuple[str, ...]
    victim_id_numbers: tuple[str, ...]
    suspect_id_number: str  # not linked to the case in the database
    suspect_address: str
    scene: tuple[float, float]  # (lat, lon) of the middle of the row of cars
    camera_codes: tuple[str, ...]
    nearby_camera_codes: tuple[str, ...]  # within NEARBY_METRES of the scene
    counts: DistrictCounts


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


# --------------------------------------------------------------------------------------------
# Building it all
# --------------------------------------------------------------------------------------------


def build_district(
    db: Database, spec: DistrictSpec, progress: Progress | None = None
) -> DistrictTruth:
    """Write the whole district into an empty, migrated database and return its ground truth."""
    report = progress or _noop
    sites = camera_sites()
    with db.write() as session:
        if session.scalar(select(Camera.id).limit(1)) is not None:
            raise ValueError("the database already holds a district; build into an empty one")
        insert_cameras(session, sites)
        officers, mentor_pairs = insert_officers(session, spec.seed)
    report("cameras and officers", len(sites) + officers, len(sites) + officers)
    cast = choose_cast(spec.seed, generate_residents(spec.residents, spec.seed))
    with db.write() as session:
        ids = insert_residents(session, cast.residents, report)
    with db.write() as session:
        ctx = Context(
            stage_rng(spec.seed, "alarms"),
            ids,
            load_staff(session),
            Numbers(stage_rng(spec.seed, "numbers")),
            choose_pools(stage_rng(spec.seed, "pools"), cast),
        )
        alarms, cases, items = write_background(session, ctx, spec.background_year)
    report("background year", alarms, alarms)
    with db.write() as session:
        night_ctx = replace(ctx, rng=stage_rng(spec.seed, "night"))
        case, night_alarms = write_night(session, night_ctx, cast.victims)
    report("the night", len(night_alarms), len(night_alarms))
    counts = DistrictCounts(
        residents=len(cast.residents),
        phones=sum(1 for r in cast.residents if r.phone),
        cameras=len(sites),
        officers=officers,
        mentor_pairs=mentor_pairs,
        alarms=alarms + len(night_alarms),
        cases=cases + 1,
        items=items + len(case.items),
    )
    return _truth(spec, cast, case, night_alarms, sites, counts)


def _truth(
    spec: DistrictSpec,
    cast: Cast,
    case: Case,
    alarms: list[Alarm],
    sites: list[CameraSite],
    counts: DistrictCounts,
) -> DistrictTruth:
    lat, lon = scene()
    nearby = [s.code for s in sites if metres(lat, lon, s.lat, s.lon) <= NEARBY_METRES]
    return DistrictTruth(
        seed=spec.seed,
        background_year=spec.background_year,
        case_number=case.number,
        night_alarm_numbers=tuple(a.number for a in alarms),
        victim_id_numbers=tuple(v.id_number for v in cast.victims),
        suspect_id_number=cast.suspect.id_number,
        suspect_address=cast.suspect.address,
        scene=(lat, lon),
        camera_codes=tuple(s.code for s in sites),
        nearby_camera_codes=tuple(nearby),
        counts=counts,
    )


def write_truth(truth: DistrictTruth, folder: Path) -> Path:
    """Write ``ground_truth/district.json`` under ``folder``; returns its path."""
    path = folder / "ground_truth" / "district.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(asdict(truth), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


# --------------------------------------------------------------------------------------------
# The report: every figure is read back from the database
# --------------------------------------------------------------------------------------------


def _count(session: Session, column: Any, *where: Any) -> int:
    return int(session.scalar(select(func.count(column)).where(*where)) or 0)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


def _num(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:.1f} {unit}"


def _yuan(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def _figure_lines(title: str, fig: Figures) -> list[str]:
    dispatch, on_scene = _num(fig.median_dispatch_min, "min"), _num(fig.median_on_scene_min, "min")
    return [
        title,
        f"  alarms {fig.alarms:,}, handled {_pct(fig.alarms_handled_rate)}, "
        f"median dispatch {dispatch}, median on scene {on_scene}",
        f"  cases {fig.cases:,}, open {fig.cases_open:,}, solved {fig.cases_solved:,} "
        f"({_pct(fig.solve_rate)}), median time to solve {_num(fig.median_solve_hours, 'h')}",
        f"  property stolen {_yuan(fig.value_stolen_yuan)}, recovered "
        f"{_yuan(fig.value_recovered_yuan)} ({_pct(fig.recovery_rate)})",
    ]


def _registry_lines(session: Session) -> list[str]:
    persons, phones = _count(session, Person.id), _count(session, PersonPhone.id)
    officers = _count(session, Officer.id)
    pairs = _count(session, Officer.id, Officer.mentor_id.is_not(None))
    return [
        f"Residents: {persons:,} ({phones:,} phones)",
        f"Cameras: {_count(session, Camera.id):,}",
        f"Officers: {officers:,} ({pairs:,} mentor-apprentice pairs)",
    ]


def _case_lines(session: Session, case: Case) -> list[str]:
    victims = _count(
        session, CaseParty.id, CaseParty.case_id == case.id, CaseParty.role == PartyRole.VICTIM
    )
    items = session.execute(
        select(PropertyItem.value_yuan, PropertyItem.status).where(PropertyItem.case_id == case.id)
    ).all()
    stolen = sum((v for v, _ in items), Decimal(0))
    recovered = sum((v for v, s in items if s in RECOVERED_PROPERTY), Decimal(0))
    alarms = _count(session, Alarm.id, Alarm.case_id == case.id)
    lead = case.lead_officer.name if case.lead_officer else "none"
    return [
        f"  case {case.number} {case.title}",
        f"    status {case.status}, lead officer {lead}, alarms {alarms}, victims {victims}",
        f"    items {len(items)}, value stolen {_yuan(stolen)}, recovered {_yuan(recovered)}",
    ]


def report_lines(db: Database, truth: DistrictTruth) -> list[str]:
    """A short report of the district as it is in the database now."""
    with db.read() as session:
        case = session.scalar(select(Case).where(Case.number == truth.case_number))
        if case is None:
            raise LookupError(f"no case {truth.case_number} in the database")
        year_start = datetime(truth.background_year, 1, 1, tzinfo=TZ)
        night = case.window_start.astimezone(TZ)
        return [
            f"Demo district (seed {truth.seed})",
            *_registry_lines(session),
            *_figure_lines(f"Year {year_start:%Y} to date:", figures(session, year_start)),
            *_figure_lines(f"The night (since {night:%Y-%m-%d %H:%M}):", figures(session, night)),
            *_case_lines(session, case),
        ]
