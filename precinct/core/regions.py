"""Administrative region codes (GB/T 2260) used in resident ID numbers and licence plates.

Only the 34 province-level codes are complete.  The 6-digit table is deliberately small: the
districts of Wuhan (where the bureau sits) and a handful of other large cities.  Lookups fall
back from district to prefecture to province, so an unlisted code still gets a useful name.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple


class RegionName(NamedTuple):
    """A region's name in zh-CN and in English."""

    zh: str
    en: str


UNKNOWN_REGION: Final = RegionName("未知地区", "unknown region")

PROVINCES: Final[Mapping[str, RegionName]] = MappingProxyType(
    {
        "11": RegionName("北京", "Beijing"),
        "12": RegionName("天津", "Tianjin"),
        "13": RegionName("河北", "Hebei"),
        "14": RegionName("山西", "Shanxi"),
        "15": RegionName("内蒙古", "Inner Mongolia"),
        "21": RegionName("辽宁", "Liaoning"),
        "22": RegionName("吉林", "Jilin"),
        "23": RegionName("黑龙江", "Heilongjiang"),
        "31": RegionName("上海", "Shanghai"),
        "32": RegionName("江苏", "Jiangsu"),
        "33": RegionName("浙江", "Zhejiang"),
        "34": RegionName("安徽", "Anhui"),
        "35": RegionName("福建", "Fujian"),
        "36": RegionName("江西", "Jiangxi"),
        "37": RegionName("山东", "Shandong"),
        "41": RegionName("河南", "Henan"),
        "42": RegionName("湖北", "Hubei"),
        "43": RegionName("湖南", "Hunan"),
        "44": RegionName("广东", "Guangdong"),
        "45": RegionName("广西", "Guangxi"),
        "46": RegionName("海南", "Hainan"),
        "50": RegionName("重庆", "Chongqing"),
        "51": RegionName("四川", "Sichuan"),
        "52": RegionName("贵州", "Guizhou"),
        "53": RegionName("云南", "Yunnan"),
        "54": RegionName("西藏", "Tibet"),
        "61": RegionName("陕西", "Shaanxi"),
        "62": RegionName("甘肃", "Gansu"),
        "63": RegionName("青海", "Qinghai"),
        "64": RegionName("宁夏", "Ningxia"),
        "65": RegionName("新疆", "Xinjiang"),
        "71": RegionName("台湾", "Taiwan"),
        "81": RegionName("香港", "Hong Kong"),
        "82": RegionName("澳门", "Macao"),
    }
)

# 6-digit codes: prefectures (ending in "00") and districts.
REGIONS: Final[Mapping[str, RegionName]] = MappingProxyType(
    {
        # Wuhan, Hubei
        "420100": RegionName("武汉市", "Wuhan"),
        "420102": RegionName("江岸区", "Jiang'an District"),
        "420103": RegionName("江汉区", "Jianghan District"),
        "420104": RegionName("硚口区", "Qiaokou District"),
        "420105": RegionName("汉阳区", "Hanyang District"),
        "420106": RegionName("武昌区", "Wuchang District"),
        "420107": RegionName("青山区", "Qingshan District"),
        "420111": RegionName("洪山区", "Hongshan District"),
        "420112": RegionName("东西湖区", "Dongxihu District"),
        "420113": RegionName("汉南区", "Hannan District"),
        "420114": RegionName("蔡甸区", "Caidian District"),
        "420115": RegionName("江夏区", "Jiangxia District"),
        "420116": RegionName("黄陂区", "Huangpi District"),
        "420117": RegionName("新洲区", "Xinzhou District"),
        # Other large cities
        "110101": RegionName("东城区", "Dongcheng District"),
        "110105": RegionName("朝阳区", "Chaoyang District"),
        "310101": RegionName("黄浦区", "Huangpu District"),
        "330100": RegionName("杭州市", "Hangzhou"),
        "350200": RegionName("厦门市", "Xiamen"),
        "360100": RegionName("南昌市", "Nanchang"),
        "410100": RegionName("郑州市", "Zhengzhou"),
        "430100": RegionName("长沙市", "Changsha"),
        "440100": RegionName("广州市", "Guangzhou"),
        "440300": RegionName("深圳市", "Shenzhen"),
        "510100": RegionName("成都市", "Chengdu"),
    }
)

# Licence-plate province abbreviations (mainland only) -> 2-digit province code.
PLATE_PROVINCES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15",
        "辽": "21", "吉": "22", "黑": "23",
        "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37",
        "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
        "渝": "50", "川": "51", "贵": "52", "云": "53", "藏": "54",
        "陕": "61", "甘": "62", "青": "63", "宁": "64", "新": "65",
    }
)  # fmt: skip


def _pick(name: RegionName, lang: str) -> str:
    """Return the name in ``lang``: "zh-CN"/"zh" or "en" (any "en-*" variant)."""
    if lang in ("zh-CN", "zh"):
        return name.zh
    if lang == "en" or lang.startswith("en-"):
        return name.en
    raise ValueError(f"unsupported language {lang!r}; use 'zh-CN' or 'en'")


def province_name(code2: str, lang: str = "zh-CN") -> str | None:
    """Name of the province-level region with 2-digit ``code2``, or None if unknown."""
    name = PROVINCES.get(code2)
    return None if name is None else _pick(name, lang)


def _lookup(code6: str) -> RegionName:
    if len(code6) != 6 or not code6.isascii() or not code6.isdigit():
        return UNKNOWN_REGION
    for key in (code6, code6[:4] + "00"):
        if key in REGIONS:
            return REGIONS[key]
    return PROVINCES.get(code6[:2], UNKNOWN_REGION)


def region_name(code6: str, lang: str = "zh-CN") -> str:
    """Most specific known name for a 6-digit region code.

    District if listed, else its prefecture (first 4 digits + "00"), else its province, else
    "未知地区" / "unknown region".
    """
    return _pick(_lookup(code6), lang)


def plate_province_code(abbreviation: str) -> str | None:
    """2-digit province code for a plate abbreviation such as "鄂", or None."""
    return PLATE_PROVINCES.get(abbreviation)
