"""Case series in space-time, and stolen property against pawn listings."""

from __future__ import annotations

from datetime import datetime, timedelta

from precinct.core.tabular import SHANGHAI
from precinct.linkage.geo import Point
from precinct.linkage.pawn import Listing, Stolen, description_similarity, match
from precinct.linkage.series import CaseFact, series_of

T0 = datetime(2024, 12, 15, 3, 0, tzinfo=SHANGHAI)
HERE = Point(30.5165, 114.1655)


def _case(number: str, north_m: float, days: float, kind: str = "theft_from_vehicle") -> CaseFact:
    where = Point(HERE.lat + north_m / 111_320, HERE.lon)
    return CaseFact(number, kind, "车窗被砸车内财物被盗", where, T0 + timedelta(days=days))


def test_a_series_chains_near_cases_of_the_same_kind() -> None:
    target = _case("A0", 0, 0)
    others = [
        _case("A1", 500, -10),  # near, recent
        _case("A2", 1000, -20),  # near A1, not the target: chained
        _case("A3", 300, -2, kind="burglary"),  # other kind
        _case("A4", 5000, -1),  # far away
        _case("A5", 200, -90),  # long ago
    ]
    found = series_of(target, [target, *others])
    assert [s.case.number for s in found] == ["A2", "A1"]
    assert found[1].metres == 500 and found[1].days == -10.0


def test_serial_numbers_beat_descriptions_and_typos_are_forgiven() -> None:
    stolen = [
        Stolen(1, "A0", "联想ThinkPad E14笔记本电脑", "PF3KCWLV", T0),
        Stolen(2, "A0", "荣耀Magic6手机", "860126040942775", T0),
        Stolen(3, "A0", "飞天茅台酒2瓶", "", T0),
    ]
    listings = [
        Listing(
            "p:1", "二手 ThinkPad E14 联想笔记本", "PF3KCWVL", T0 + timedelta(hours=8), "典当行"
        ),
        Listing("p:2", "荣耀Magic6手机 九成新", "860126040900000", T0 + timedelta(hours=9)),
        Listing("p:3", "茅台 飞天 2瓶", "", T0 + timedelta(days=1)),
        Listing("p:4", "联想ThinkPad E14笔记本电脑", "PF3KCWLV", T0 - timedelta(days=30)),
    ]
    got = {(m.item.item_id, m.listing.key): m.reason for m in match(stolen, listings)}
    assert set(got) == {(1, "p:1"), (3, "p:3")}
    assert "one character" in got[1, "p:1"]
    assert description_similarity("华为Mate 60手机", "华为 Mate60 手机") > 0.3
