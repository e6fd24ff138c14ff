"""How people's details go wrong in real registers: homophone typos, romanised names written
given-name first, one wrong digit of an ID number, missing fields."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Final

from pypinyin import lazy_pinyin

from precinct.linkage.normalise import COMPOUND_FAMILY_NAMES

# Characters that sound alike and get written for one another (from the given-name pools, plus
# some common stand-ins).
_SOUNDS: Final = (
    "伟玮炜 强蔷 磊垒 军君钧 勇永 杰洁 涛滔 明鸣铭 超潮 刚钢 平萍苹 辉晖 鹏朋 华桦 飞菲"
    " 芳方 娜纳 敏民 静婧靖 丽莉利 艳燕 娟鹃 霞侠 玲琳灵 英瑛 慧惠 婷亭 雪学 晶京 倩茜"
    " 颖莹 瑶遥 怡宜 佳嘉 欣鑫新 红宏鸿 梅媚 琴勤 洁杰 兰岚 月悦 宇雨羽 浩皓昊 凯恺 健建"
    " 俊骏 帆凡 帅率 旭煦 宁凝 龙隆 林琳 阳扬洋 峰锋丰 亮靓 成诚城 志智 文雯 海 斌彬 波博"
    " 东冬 晨辰 博波 新欣 毅艺 坤昆 春纯 利力丽 国果 建剑 德得 福富 兵冰 胜圣 荣容 庆清"
    " 发 根 生升 子梓紫 轩萱宣 睿瑞锐 逸奕 泽则 然冉 航杭 熙曦 杨阳 诗思 涵寒 语雨 彤桐"
)
_HOMOPHONES: Final = {c: g.replace(c, "") for g in _SOUNDS.split() for c in g if len(g) > 1}


def split_name(name: str) -> tuple[str, str]:
    cut = 2 if name[:2] in COMPOUND_FAMILY_NAMES and len(name) > 2 else 1
    return name[:cut], name[cut:]


def homophone(rng: random.Random, name: str) -> str:
    """One given-name character replaced by one that sounds the same."""
    family, given = split_name(name)
    spots = [i for i, c in enumerate(given) if c in _HOMOPHONES]
    if not spots:
        return name
    i = rng.choice(spots)
    return family + given[:i] + rng.choice(_HOMOPHONES[given[i]]) + given[i + 1 :]


def romanised(name: str, given_first: bool) -> str:
    """ "LIU WEI" as a hotel system of foreign design writes it, sometimes given name first."""
    family, given = split_name(name)
    parts = ["".join(lazy_pinyin(family)).upper(), "".join(lazy_pinyin(given)).upper()]
    return " ".join(reversed(parts) if given_first else parts)


def id_typo(rng: random.Random, id_number: str) -> str:
    """One digit of the birth date or sequence mistyped (the check character then fails)."""
    i = rng.randrange(6, 17)
    wrong = rng.choice([d for d in "0123456789" if d != id_number[i]])
    return id_number[:i] + wrong + id_number[i + 1 :]


def phone_typo(rng: random.Random, phone: str) -> str:
    i = rng.randrange(3, 11)
    return phone[:i] + rng.choice([d for d in "0123456789" if d != phone[i]]) + phone[i + 1 :]


class Noise:
    """Seeded noise at fixed rates; each call decides for one field of one row."""

    def __init__(self, rng: random.Random, rates: dict[str, float]) -> None:
        self.rng, self.rates = rng, defaultdict(float, rates)

    def name(self, name: str) -> str:
        if self.rng.random() < self.rates["roman"]:
            return romanised(name, self.rng.random() < 0.5)
        if self.rng.random() < self.rates["homophone"]:
            return homophone(self.rng, name)
        return name

    def id_number(self, value: str) -> str:
        if self.rng.random() < self.rates["no_id"]:
            return ""
        return id_typo(self.rng, value) if self.rng.random() < self.rates["id_typo"] else value

    def phone(self, value: str) -> str:
        if not value or self.rng.random() < self.rates["no_phone"]:
            return ""
        return (
            phone_typo(self.rng, value) if self.rng.random() < self.rates["phone_typo"] else value
        )
