"""Leads: trips that fit sightings (pure), and a small generated district with a known suspect."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from precinct.cases.domain import PartyRole
from precinct.cases.store import Case
from precinct.core.access import Actor
from precinct.core.audit import AuditEntry
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.core.tabular import SHANGHAI
from precinct.linkage import casework
from precinct.linkage.geo import Point
from precinct.linkage.leads import Scene, Sighting, Trip, fits, mo_similarity, rank
from precinct.linkage.store import sightings_of
from precinct.video import trace_service
from tests.linkage.conftest import District

T0 = datetime(2024, 12, 15, 1, 36, tzinfo=SHANGHAI)
START, END = Point(30.5167, 114.1651), Point(30.4962, 114.1540)
INVESTIGATOR = Actor("zhouyu", Role.INVESTIGATOR)


def _trip(
    minutes: float, start: Point = START, end: Point = END, account: str = "13800000000"
) -> Trip:
    return Trip("t", account, "b", T0, T0 + timedelta(minutes=minutes), start, end)


def test_a_steady_ride_fits_the_camera_on_its_way_at_the_right_time() -> None:
    west = Point(START.lat, 114.1570)
    share = START.street_metres(west) / (START.street_metres(west) + west.street_metres(END))
    seen = Sighting("C02", T0 + timedelta(minutes=10 * share), west)
    assert fits(_trip(10), seen)
    assert not fits(_trip(10), Sighting("C02", seen.at + timedelta(minutes=4), west))
    assert not fits(_trip(10, end=Point(30.5300, 114.1800)), seen)  # rode the other way


def test_similar_methods_are_recognised() -> None:
    title = "theft_from_vehicle 紫郡兰园东北侧路边12辆汽车被砸车窗盗窃案"
    assert mo_similarity("砸车窗盗窃车内财物", title) >= 0.4
    assert mo_similarity("电信网络诈骗", title) < 0.4


def test_rank_orders_by_stated_reasons() -> None:
    scene = Scene("A1", START, T0 - timedelta(hours=1), T0 + timedelta(hours=2), "砸车窗盗窃")
    near, far = _trip(10, account="1"), _trip(10, start=Point(30.50, 114.17), account="2")
    leads = rank(scene, [], [far, near], {})
    assert [x.trip.account for x in leads] == ["1"]
    assert leads[0].reasons[0].code == "scene"


def test_the_true_suspect_ranks_first_with_reasons(district: District) -> None:
    stage = district.stage
    assert stage.suspect_rank == 1
    top = stage.leads.leads[0]
    codes = {r.code for r in top.reasons}
    assert {"sightings", "scene", "prior", "home", "items"} <= codes
    assert all(s.heading_deg is not None for s in stage.leads.sightings)
    seen = next(r for r in top.reasons if r.code == "sightings")
    assert seen.text.count("(agrees)") == len(stage.leads.sightings)  # rode the sighted way
    assert top.score > stage.leads.leads[1].score
    assert stage.leads.items, "the stolen items sold to the pawn shops are matched"
    assert all(m.listing.key.startswith("pawn_listings:") for m in stage.leads.items)


def test_the_sightings_are_the_route_followed_on_video(
    district: District, district_db: Database
) -> None:
    stage, number = district.stage, district.truth.case_number
    tracks = district.suspect_tracks
    with district_db.read() as session:
        attached = trace_service.case_leads(session, INVESTIGATOR, number)
        assert [(x.kind, x.track_ids) for x in attached] == [("route", tracks)]
        assert sightings_of(session, number) == []  # nothing typed in from the truth
    assert [s.source for s in stage.leads.sightings] == ["video"] * len(tracks)
    assert f"{len(tracks)} of {len(tracks)} tracks show the suspect" in "\n".join(stage.route)


def test_confirming_a_lead_adds_the_suspect_and_audits(
    district: District, district_db: Database
) -> None:
    number = district.truth.case_number
    with district_db.write() as session:
        report = casework.case_leads(session, INVESTIGATOR, number)
        casework.confirm_lead(session, INVESTIGATOR, number, report.leads[0].person_key)
    with district_db.read() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        suspects = [p.person.id_number for p in case.parties if p.role == PartyRole.SUSPECT]
        assert suspects == [district.truth.suspect_id_number]
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.subject_type == "case_lead")
        ).one()
        assert entry.case_number == number and entry.actor == "zhouyu"
