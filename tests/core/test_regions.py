"""Tests for precinct.core.regions."""

from __future__ import annotations

import pytest

from precinct.core import regions
from precinct.core.regions import (
    PLATE_PROVINCES,
    PROVINCES,
    REGIONS,
    plate_province_code,
    province_name,
    region_name,
)


def test_there_are_34_province_level_codes() -> None:
    assert len(PROVINCES) == 34
    assert all(len(code) == 2 and code.isdigit() for code in PROVINCES)


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("11", "北京", "Beijing"),
        ("12", "天津", "Tianjin"),
        ("13", "河北", "Hebei"),
        ("15", "内蒙古", "Inner Mongolia"),
        ("42", "湖北", "Hubei"),
        ("50", "重庆", "Chongqing"),
        ("61", "陕西", "Shaanxi"),
        ("65", "新疆", "Xinjiang"),
        ("71", "台湾", "Taiwan"),
        ("81", "香港", "Hong Kong"),
        ("82", "澳门", "Macao"),
    ],
)
def test_province_name(code: str, zh: str, en: str) -> None:
    assert province_name(code) == zh
    assert province_name(code, "zh-CN") == zh
    assert province_name(code, "en") == en


@pytest.mark.parametrize("code", ["00", "10", "99", "83", "4", "420", ""])
def test_province_name_unknown_is_none(code: str) -> None:
    assert province_name(code) is None
    assert province_name(code, "en") is None


def test_region_name_district() -> None:
    assert region_name("420106") == "武昌区"
    assert region_name("420106", "en") == "Wuchang District"
    assert region_name("420104") == "硚口区"
    assert region_name("420112", "en") == "Dongxihu District"


def test_wuhan_has_all_thirteen_districts() -> None:
    districts = [code for code in REGIONS if code.startswith("4201") and code != "420100"]
    assert len(districts) == 13
    assert REGIONS["420100"].zh == "武汉市"


def test_region_name_prefecture_itself() -> None:
    assert region_name("420100") == "武汉市"
    assert region_name("440300", "en") == "Shenzhen"


def test_region_name_falls_back_to_prefecture() -> None:
    # 420199 is not listed, but its prefecture 420100 is.
    assert region_name("420199") == "武汉市"
    assert region_name("440305") == "深圳市"
    assert region_name("510104", "en") == "Chengdu"


def test_region_name_falls_back_to_province() -> None:
    assert region_name("420500") == "湖北"  # Yichang: prefecture not listed
    assert region_name("110102", "en") == "Beijing"  # Xicheng: neither district nor 110100


def test_region_name_listed_district_without_listed_prefecture() -> None:
    assert region_name("110101") == "东城区"
    assert region_name("310101", "en") == "Huangpu District"


@pytest.mark.parametrize(
    "code", ["990101", "000000", "4201", "4201061", "42O106", "", "４２０１０６"]
)
def test_region_name_unknown(code: str) -> None:
    assert region_name(code) == "未知地区"
    assert region_name(code, "en") == "unknown region"


def test_all_six_digit_codes_belong_to_a_known_province() -> None:
    for code in REGIONS:
        assert len(code) == 6 and code.isdigit()
        assert code[:2] in PROVINCES


def test_language_variants() -> None:
    assert province_name("42", "zh") == "湖北"
    assert province_name("42", "en-GB") == "Hubei"
    assert region_name("420102", "en-US") == "Jiang'an District"


@pytest.mark.parametrize("lang", ["fr", "zh-TW", "", "EN"])
def test_unsupported_language_raises(lang: str) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        province_name("42", lang)
    with pytest.raises(ValueError, match="unsupported language"):
        region_name("420102", lang)


def test_plate_provinces_are_the_31_mainland_ones() -> None:
    assert (
        "".join(PLATE_PROVINCES) == "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"
    )
    assert len(set(PLATE_PROVINCES.values())) == 31
    assert set(PLATE_PROVINCES.values()) == set(PROVINCES) - {"71", "81", "82"}


@pytest.mark.parametrize(
    ("abbreviation", "code"),
    [("鄂", "42"), ("京", "11"), ("沪", "31"), ("粤", "44"), ("渝", "50"), ("新", "65")],
)
def test_plate_province_code(abbreviation: str, code: str) -> None:
    assert plate_province_code(abbreviation) == code


@pytest.mark.parametrize("abbreviation", ["港", "澳", "台", "A", "", "鄂A"])
def test_plate_province_code_unknown(abbreviation: str) -> None:
    assert plate_province_code(abbreviation) is None


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        regions.PROVINCES["99"] = regions.RegionName("x", "x")  # type: ignore[index]
