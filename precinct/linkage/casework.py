"""Use cases of leads for a case: sightings, ranked persons behind bike trips, pawned property,
the link chart, and confirming a lead into the case."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cases import service as cases
from precinct.cases.store import Case
from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.linkage import leads as ranking
from precinct.linkage import pawn, series
from precinct.linkage.geo import Point
from precinct.linkage.sightings import add_sighting, case_sightings
from precinct.linkage.store import (
    BikeTrip,
    LeadDecision,
    LinkRecord,
    trips_between,
)

__all__ = ["add_sighting", "case_leads", "confirm_lead"]

TRIP_MARGIN: Final = timedelta(minutes=30)
_PLACE_KINDS: Final = ("rental", "hotel_stay", "registration", "person")


@dataclass
class LeadsReport:
    case_number: str
    sightings: list[ranking.Sighting]
    leads: list[ranking.Lead]
    items: list[pawn.ItemMatch] = field(default_factory=list)
    series_cases: list[series.SeriesCase] = field(default_factory=list)
    trips_considered: int = 0
    seconds: float = 0.0


def _trip(t: BikeTrip) -> ranking.Trip:
    return ranking.Trip(
        t.trip_id,
        t.account,
        t.bike_id,
        t.unlock_at,
        t.lock_at,
        Point(t.unlock_lat, t.unlock_lon),
        Point(t.lock_lat, t.lock_lon),
    )


def _scene(case: Case) -> ranking.Scene:
    where = Point(case.place.lat, case.place.lon)
    mo = f"{case.case_type} {case.title}"
    return ranking.Scene(case.number, where, case.window_start, case.window_end, mo)


def _stolen(case: Case) -> list[pawn.Stolen]:
    return [
        pawn.Stolen(i.id, case.number, i.description, i.serial, case.window_end) for i in case.items
    ]


def _listing(r: LinkRecord) -> pawn.Listing:
    d = r.detail
    return pawn.Listing(
        r.key, d.get("description", ""), d.get("serial", ""), r.at, d.get("shop", "")
    )


def item_matches(session: Session, case: Case) -> list[pawn.ItemMatch]:
    listings = [
        _listing(r) for r in session.scalars(select(LinkRecord).where(LinkRecord.kind == "pawn"))
    ]
    found = pawn.match(_stolen(case), listings)
    best: dict[int, pawn.ItemMatch] = {}
    for m in found:  # best first: keep each item's best listing
        best.setdefault(m.item.item_id, m)
    return list(best.values())


def _person_file(
    key: str, records: Sequence[LinkRecord], pawned: dict[str, list[str]]
) -> ranking.PersonFile:
    names = [r.name for r in records if r.name]
    ids = [r.id_number for r in records if r.id_number]
    places = tuple(
        ranking.Place(r.kind, r.address, Point(r.lat, r.lon))
        for r in records
        if r.kind in _PLACE_KINDS and r.lat is not None and r.lon is not None
    )
    priors = tuple(
        ranking.Prior(
            r.detail.get("case_number", ""), r.detail.get("mo", ""), r.detail.get("role", "")
        )
        for r in records
        if r.kind == "prior_record"
    )
    items = tuple(text for r in records for text in pawned.get(r.key, []))
    return ranking.PersonFile(
        key,
        max(set(names), key=names.count) if names else "",
        max(set(ids), key=ids.count) if ids else "",
        places,
        priors,
        items,
    )


def _persons(
    session: Session, accounts: set[str], pawned: dict[str, list[str]]
) -> dict[str, ranking.PersonFile]:
    owners = session.execute(
        select(LinkRecord.phone, LinkRecord.person_key).where(
            LinkRecord.phone.in_(accounts), LinkRecord.person_key != ""
        )
    ).all()
    keys = {k for _, k in owners}
    rows = session.scalars(select(LinkRecord).where(LinkRecord.person_key.in_(keys)))
    by_person: dict[str, list[LinkRecord]] = defaultdict(list)
    for r in rows:
        by_person[r.person_key].append(r)
    files = {k: _person_file(k, recs, pawned) for k, recs in by_person.items()}
    return {phone: files[key] for phone, key in owners}


def _pawned(items: Sequence[pawn.ItemMatch]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for m in items:
        out[m.listing.key].append(f"{m.item.description} at {m.listing.shop} ({m.reason})")
    return out


def case_leads(session: Session, actor: Actor, case_number: str) -> LeadsReport:
    """Rank the persons behind the bike trips that fit the case; the search is audited."""
    actor.require(Permission.CASE_VIEW)
    started = time.perf_counter()
    case = cases.view_case(session, actor, case_number)
    if case is None:
        raise LookupError(f"no case {case_number}")
    sightings = case_sightings(session, actor, case_number)
    trips = [
        _trip(t)
        for t in trips_between(
            session, case.window_start - TRIP_MARGIN, case.window_end + TRIP_MARGIN
        )
    ]
    scene = _scene(case)
    fitting = [t for t in trips if ranking.candidate(t, scene, sightings)]
    items = item_matches(session, case)
    persons = _persons(session, {t.account for t in fitting}, _pawned(items))
    leads = ranking.rank(scene, sightings, fitting, persons)
    report = LeadsReport(
        case_number, sightings, leads, items, case_series(session, actor, case), len(trips)
    )
    report.seconds = round(time.perf_counter() - started, 3)
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.SEARCH,
            "case_leads",
            case_number,
            case_number=case_number,
            detail={"leads": len(leads), "trips": len(trips)},
        ),
    )
    return report


def confirm_lead(session: Session, actor: Actor, case_number: str, person_key: str) -> LeadDecision:
    """The investigator confirms a lead: the person becomes a suspect of the case (audited)."""
    actor.require(Permission.CASE_EDIT)
    report = case_leads(session, actor, case_number)
    lead = next((x for x in report.leads if x.person_key == person_key), None)
    if lead is None:
        raise LookupError(f"{person_key} is not a lead of case {case_number}")
    decision = session.scalar(
        select(LeadDecision).where(
            LeadDecision.case_number == case_number, LeadDecision.person_key == person_key
        )
    )
    if decision is None:
        decision = LeadDecision(
            case_number=case_number, person_key=person_key, decided_by=actor.username
        )
        session.add(decision)
    decision.id_number = lead.id_number
    decision.reasons = [r.__dict__ for r in lead.reasons]
    added = bool(lead.id_number) and cases.add_suspect(session, actor, case_number, lead.id_number)
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.UPDATE,
            "case_lead",
            person_key,
            case_number=case_number,
            detail={"id_number": lead.id_number, "suspect_added": added, "score": lead.score},
        ),
    )
    return decision


def decisions(session: Session, case_number: str) -> list[LeadDecision]:
    return list(
        session.scalars(select(LeadDecision).where(LeadDecision.case_number == case_number))
    )


def pawned_by(session: Session, items: Sequence[pawn.ItemMatch]) -> dict[str, list[pawn.ItemMatch]]:
    """Item matches by the resolved person who sold the item."""
    keys = [m.listing.key for m in items]
    owners = dict(
        session.execute(
            select(LinkRecord.key, LinkRecord.person_key).where(LinkRecord.key.in_(keys))
        ).all()
    )
    out: dict[str, list[pawn.ItemMatch]] = defaultdict(list)
    for m in items:
        out[owners.get(m.listing.key, "")].append(m)
    return out


def _fact(case: Case) -> series.CaseFact:
    where = Point(case.place.lat, case.place.lon)
    return series.CaseFact(case.number, str(case.case_type), case.title, where, case.window_start)


def case_series(session: Session, actor: Actor, case: Case) -> list[series.SeriesCase]:
    """Cases of the same type near the case in space and time (串并案)."""
    same_type = cases.list_cases(
        session, actor, cases.CaseFilter(case_type=case.case_type, limit=5000)
    )
    return series.series_of(_fact(case), [_fact(c) for c in same_type])
