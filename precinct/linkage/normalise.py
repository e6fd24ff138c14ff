"""One normaliser per value type: names (with pinyin), ID numbers, phones, plates, addresses.

Pure functions: text in, normalised values out; ``ValueError`` with a reason when a value cannot
be read at all.  ID numbers that are well shaped but fail their check character are kept (a typo
is evidence too) and reported as not valid, so entity resolution can still weigh them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final

from pypinyin import lazy_pinyin

from precinct.core.identifiers import BankCard, IdentifierError, Phone, Plate, ResidentId

COMPOUND_FAMILY_NAMES: Final = frozenset(
    "欧阳 上官 司马 司徒 诸葛 皇甫 东方 令狐 夏侯 尉迟 公孙 慕容 长孙 宇文 端木 独孤".split()
)
_NAME_JUNK = re.compile(r"[\s·•.\-_,，、()（）]+")
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+\Z")
_ID_CANON = re.compile(r"[0-9]{17}[0-9X]\Z", re.ASCII)
_ADDRESS_UNITS = re.compile(
    r"(\d+)(号|栋|单元|室|组|层|楼)|([^\d]+?)(区|街道|村|路|大道|街|小区|园)"
)


def _ascii_fold(text: str) -> str:
    """Full-width letters and digits become ASCII (NFKC); case is folded for Latin text."""
    if unicodedata.is_normalized("NFKC", text):  # a quick check: most text already is
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


@dataclass(frozen=True)
class NameParts:
    """A person's name as written, split into family and given name, with their pinyin."""

    name: str
    family: str
    given: str
    family_py: str
    given_py: str

    @property
    def pinyin(self) -> str:
        return self.family_py + self.given_py

    @property
    def sorted_py(self) -> str:
        """Family and given pinyin in sorted order: equal for swapped names."""
        return "".join(sorted((self.family_py, self.given_py)))


def _is_latin(text: str) -> bool:
    return all(c.isascii() for c in text)


def _latin_name(text: str) -> NameParts:
    """ "LIU WEI" or "Liu, Wei" as written in hotel systems: family name first."""
    words = [w for w in re.split(r"[\s,]+", text.lower()) if w]
    family, given = words[0], "".join(words[1:])
    return NameParts(" ".join(words), family, given, family, given)


@lru_cache(maxsize=1 << 19)
def name_parts(raw: str) -> NameParts:
    """Split and romanise a name; raises ``ValueError`` for text that is not a name."""
    text = raw if _HAN_ONLY.match(raw) else _ascii_fold(raw)  # NFKC keeps these as they are
    if _is_latin(text):
        if not re.fullmatch(r"[A-Za-z][A-Za-z\s,]*", text):
            raise ValueError(f"not a name: {raw!r}")
        return _latin_name(text)
    name = _NAME_JUNK.sub("", text)
    if not name or not all("\u4e00" <= c <= "\u9fff" for c in name):
        raise ValueError(f"not a name: {raw!r}")
    cut = 2 if name[:2] in COMPOUND_FAMILY_NAMES and len(name) > 2 else 1
    family, given = name[:cut], name[cut:]
    return NameParts(name, family, given, _pinyin(family), _pinyin(given))


@lru_cache(maxsize=1 << 17)
def _pinyin(text: str) -> str:
    """Family and given names repeat far more than whole names: cache each part."""
    return "".join(lazy_pinyin(text))


@dataclass(frozen=True)
class IdNumber:
    value: str
    valid: bool  # the check character and the birth date agree

    @property
    def birth_date(self) -> date | None:
        if not self.valid:
            return None
        return ResidentId.parse(self.value).birth_date


def id_text(raw: str) -> str:
    """The 18 characters of an ID number as written (not checked); ``ValueError`` if not 18."""
    if _ID_CANON.match(raw):
        return raw
    text = _ascii_fold(raw).replace(" ", "").upper()
    if not _ID_SHAPE.match(text):
        raise ValueError(f"not an 18-character ID number: {raw!r}")
    return text


@lru_cache(maxsize=1 << 16)
def id_number(raw: str) -> IdNumber:
    """An 18-character resident ID; a failed check character is kept as not valid."""
    text = id_text(raw)
    try:
        return IdNumber(ResidentId.parse(text).value, True)
    except IdentifierError:
        return IdNumber(text, False)


def phone(raw: str) -> str:
    """An 11-digit mobile number (+86, spaces and dashes dropped)."""
    try:
        return Phone.parse(_ascii_fold(raw)).value
    except IdentifierError as exc:
        raise ValueError(str(exc)) from None


def plate(raw: str) -> str:
    try:
        return Plate.parse(_ascii_fold(raw)).compact
    except IdentifierError as exc:
        raise ValueError(str(exc)) from None


def bank_card(raw: str) -> str:
    """A 16-19 digit card number whose Luhn check digit fits."""
    try:
        return str(BankCard.parse(_ascii_fold(raw)))
    except IdentifierError as exc:
        raise ValueError(str(exc)) from None


def address(raw: str) -> str:
    """Whitespace and full-width forms removed; the 武汉市/湖北省 prefixes dropped."""
    text = re.sub(r"\s+", "", _ascii_fold(raw))
    for prefix in ("湖北省", "武汉市"):
        text = text.removeprefix(prefix)
    return text


@lru_cache(maxsize=1 << 18)
def address_tokens(text: str) -> tuple[str, ...]:
    """The parts of an address that identify a place: 新庙村, 二组, 47号, 302室 …"""
    return clean_address_tokens(address(text))


def clean_address_tokens(clean: str) -> tuple[str, ...]:
    """``address_tokens`` of an address that ``address`` has already cleaned."""
    found = []
    for number, unit, words, suffix in _ADDRESS_UNITS.findall(clean):
        found.append(number + unit if number else words + suffix)
    return tuple(found)


def serial(raw: str) -> str:
    """Serial numbers and IMEIs compared without case, spaces or dashes."""
    return re.sub(r"[\s\-_/:]+", "", _ascii_fold(raw)).upper()
