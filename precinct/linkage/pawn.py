"""Stolen property against second-hand and pawn listings: serial numbers, then descriptions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from precinct.linkage.normalise import serial as norm_serial

MAX_DAYS: Final = timedelta(days=60)
MIN_DESCRIPTION: Final = 0.55
_LATIN = re.compile(r"[A-Za-z]+|\d+")
_GENERIC = re.compile(r"笔记本电脑|笔记本|电脑|手机|二手|九成新|成色|出售|转让|[()（）,，。\s]")


@dataclass(frozen=True)
class Stolen:
    item_id: int
    case_number: str
    description: str
    serial: str
    stolen_at: datetime


@dataclass(frozen=True)
class Listing:
    key: str  # source:row of the pawn record
    description: str
    serial: str
    listed_at: datetime | None
    shop: str = ""


@dataclass(frozen=True)
class ItemMatch:
    item: Stolen
    listing: Listing
    score: float
    reason: str


def _levenshtein1(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def description_similarity(a: str, b: str) -> float:
    """Half model tokens (ThinkPad, E14, 15 …), half character bigrams of the rest."""
    ta = {t.lower() for t in _LATIN.findall(a)}
    tb = {t.lower() for t in _LATIN.findall(b)}
    ca, cb = (
        _bigrams(_GENERIC.sub("", _LATIN.sub("", a))),
        _bigrams(_GENERIC.sub("", _LATIN.sub("", b))),
    )
    tokens = len(ta & tb) / len(ta | tb) if ta | tb else 0.0
    chars = 2 * len(ca & cb) / (len(ca) + len(cb)) if ca and cb else 0.0
    return round(0.5 * tokens + 0.5 * chars, 3)


def _serial_match(item: Stolen, listing: Listing) -> tuple[float, str] | None:
    a, b = norm_serial(item.serial), norm_serial(listing.serial)
    if len(a) < 6 or len(b) < 6:
        return None
    if a == b:
        return 1.0, f"serial {b} matches"
    if _levenshtein1(a, b):
        return 0.85, f"serial {b} is one character from {a}"
    return None


def match_one(item: Stolen, listing: Listing) -> ItemMatch | None:
    if listing.listed_at is not None and not (
        item.stolen_at - timedelta(days=1) <= listing.listed_at <= item.stolen_at + MAX_DAYS
    ):
        return None
    by_serial = _serial_match(item, listing)
    similarity = description_similarity(item.description, listing.description)
    if by_serial is not None:
        score, reason = by_serial
        return ItemMatch(item, listing, round(score + 0.1 * similarity, 3), reason)
    if similarity >= MIN_DESCRIPTION and not (item.serial and listing.serial):
        return ItemMatch(
            item, listing, round(0.6 * similarity, 3), f"description {similarity:.0%} alike"
        )
    return None


def match(items: Sequence[Stolen], listings: Sequence[Listing]) -> list[ItemMatch]:
    """Every plausible (item, listing) pair, best first; an item's serial beats descriptions."""
    found = [m for i in items for li in listings if (m := match_one(i, li)) is not None]
    return sorted(found, key=lambda m: (-m.score, m.item.item_id, m.listing.key))
