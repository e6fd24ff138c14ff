"""Tests for the synthetic residents and officers of the demo district."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from precinct.core.identifiers import Phone, ResidentId
from precinct.demo.people import (
    LEADER_RANKS,
    MENTEE_MAX_YEARS,
    MENTOR_MIN_YEARS,
    RANKS,
    REFERENCE_DATE,
    OfficerSpec,
    Resident,
    generate_officers,
    generate_residents,
    is_wuhan_region,
)

COMPOUND_FAMILY_NAMES = ("欧阳", "上官", "司马", "司徒", "诸葛", "皇甫", "东方", "令狐")


@pytest.fixture(scope="module")
def residents() -> list[Resident]:
    return generate_residents(20_000, seed=7)


@pytest.fixture(scope="module")
def officers() -> list[OfficerSpec]:
    return generate_officers(seed=7)


def _age(born: date) -> int:
    today = REFERENCE_DATE
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _years_before(joined: date, years: int) -> bool:
    """True when ``joined`` is at least ``years`` whole years before REFERENCE_DATE."""
    return joined <= REFERENCE_DATE.replace(year=REFERENCE_DATE.year - years)


def _family_name(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_FAMILY_NAMES else name[0]


# --- residents -----------------------------------------------------------------------------


def test_exact_count_and_edge_counts() -> None:
    assert generate_residents(0, seed=1) == []
    assert len(generate_residents(1, seed=1)) == 1
    assert len(generate_residents(1234, seed=1)) == 1234
    with pytest.raises(ValueError):
        generate_residents(-1, seed=1)


def test_same_seed_same_residents() -> None:
    assert generate_residents(500, seed=3) == generate_residents(500, seed=3)


def test_different_seed_different_residents() -> None:
    assert generate_residents(500, seed=3) != generate_residents(500, seed=4)


def test_prefix_is_stable_across_counts() -> None:
    assert generate_residents(1000, seed=5)[:300] == generate_residents(300, seed=5)


def test_ids_unique_and_valid(residents: list[Resident]) -> None:
    assert len({r.id_number for r in residents}) == len(residents)
    for resident in residents:
        parsed = ResidentId.parse(resident.id_number)
        assert parsed.value == resident.id_number
        assert parsed.birth_date == resident.birth_date
        assert parsed.sex == resident.sex
        assert parsed.region_code == resident.hukou_region


def test_phones_unique_and_valid(residents: list[Resident]) -> None:
    phones = [r.phone for r in residents if r.phone]
    assert len(set(phones)) == len(phones)
    for phone in phones:
        assert Phone.parse(phone).value == phone
        assert len(phone) == 11


def test_children_have_no_phone_and_others_do(residents: list[Resident]) -> None:
    for resident in residents:
        assert (resident.phone == "") == (_age(resident.birth_date) < 12), resident


def test_ages_between_0_and_90_mostly_working_age(residents: list[Resident]) -> None:
    ages = [_age(r.birth_date) for r in residents]
    assert min(ages) >= 0
    assert max(ages) < 90
    adults = [a for a in ages if a >= 18]
    working = sum(20 <= a < 60 for a in adults)
    assert working / len(adults) > 0.7
    assert sum(a < 12 for a in ages) / len(ages) > 0.04


def test_sexes_roughly_balanced(residents: list[Resident]) -> None:
    men = sum(r.sex == "M" for r in residents) / len(residents)
    assert 0.45 < men < 0.57
    assert {r.sex for r in residents} == {"M", "F"}


def test_name_lengths(residents: list[Resident]) -> None:
    lengths = Counter(len(r.name) for r in residents)
    assert set(lengths) <= {2, 3, 4}
    two_char_given = sum(len(r.name) - len(_family_name(r.name)) == 2 for r in residents)
    assert 0.6 < two_char_given / len(residents) < 0.8


def test_family_name_distribution(residents: list[Resident]) -> None:
    counts = Counter(_family_name(r.name) for r in residents)
    total = len(residents)
    for name in ("王", "李", "张"):
        assert 0.05 <= counts[name] / total <= 0.10, (name, counts[name])
    assert counts["刘"] > counts["黄"] > counts["罗"]
    assert len(counts) > 80
    assert sum(counts[n] for n in COMPOUND_FAMILY_NAMES) / total < 0.01


def test_about_thirty_percent_migrants(residents: list[Resident]) -> None:
    migrants = sum(not is_wuhan_region(r.hukou_region) for r in residents) / len(residents)
    assert 0.25 < migrants < 0.35
    wuhan = Counter(r.hukou_region for r in residents if is_wuhan_region(r.hukou_region))
    local_three = wuhan["420113"] + wuhan["420114"] + wuhan["420105"]
    assert local_three / sum(wuhan.values()) > 0.6
    assert all(r.id_number.startswith(r.hukou_region) for r in residents)


def test_addresses_in_district_and_shared_by_households(residents: list[Resident]) -> None:
    for resident in residents:
        assert resident.address.startswith(("武汉市汉南区", "武汉经开区")), resident.address
        assert "号" in resident.address
        assert resident.address.endswith("室")
        assert "栋" in resident.address and "单元" in resident.address
        assert abs(resident.lat - 30.497) <= 0.035
        assert abs(resident.lon - 114.165) <= 0.035
    sizes = Counter(Counter(r.address for r in residents).values())
    assert sizes[1] > 0
    assert sum(n for size, n in sizes.items() if size >= 2) > 0
    assert max(sizes) <= 5  # households of 1-5, one household per flat


def test_household_members_share_coordinates(residents: list[Resident]) -> None:
    where: dict[str, tuple[float, float]] = {}
    for resident in residents:
        spot = where.setdefault(resident.address, (resident.lat, resident.lon))
        assert spot == (resident.lat, resident.lon)


# --- officers ------------------------------------------------------------------------------


def test_officers_deterministic(officers: list[OfficerSpec]) -> None:
    assert generate_officers(seed=7) == officers
    assert generate_officers(seed=8) != officers


def test_officer_roster_shape(officers: list[OfficerSpec]) -> None:
    assert 35 <= len(officers) <= 45
    badges = [o.badge for o in officers]
    assert len(set(badges)) == len(badges)
    assert all(len(b) == 6 and b.isdigit() for b in badges)
    assert len({o.name for o in officers}) == len(officers)
    assert all(o.rank in RANKS for o in officers)
    assert all(o.joined <= REFERENCE_DATE for o in officers)
    teams = {o.team for o in officers}
    assert {"刑侦大队", "沌口派出所", "大数据实战中心", "交警大队", "户政科"} <= teams
    for team in teams:
        assert any(o.rank in LEADER_RANKS for o in officers if o.team == team), team


def test_named_investigators(officers: list[OfficerSpec]) -> None:
    by_name = {o.name: o for o in officers}
    assert by_name["周钰"].team == "刑侦大队"
    assert by_name["罗涛"].team == "刑侦大队"


def test_big_data_centre_is_young(officers: list[OfficerSpec]) -> None:
    centre = [o for o in officers if o.team == "大数据实战中心" and o.rank not in LEADER_RANKS]
    young = [o for o in centre if not _years_before(o.joined, MENTEE_MAX_YEARS)]
    assert len(young) >= len(centre) / 2


def test_young_officers_have_senior_mentor_on_same_team(officers: list[OfficerSpec]) -> None:
    by_badge = {o.badge: o for o in officers}
    young = [o for o in officers if not _years_before(o.joined, MENTEE_MAX_YEARS)]
    assert young
    for officer in young:
        assert officer.mentor_badge is not None, officer
        mentor = by_badge[officer.mentor_badge]
        assert mentor.team == officer.team
        assert _years_before(mentor.joined, MENTOR_MIN_YEARS)
        assert mentor.mentor_badge is None


def test_only_young_officers_have_mentors(officers: list[OfficerSpec]) -> None:
    for officer in officers:
        if _years_before(officer.joined, MENTEE_MAX_YEARS):
            assert officer.mentor_badge is None, officer
