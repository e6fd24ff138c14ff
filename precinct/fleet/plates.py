"""Plate rules for text read off a camera frame: a province character, a city letter and a serial
of 5 characters (blue/yellow) or 6 (green new-energy), never I or O in the serial.

OCR text is cleaned with those rules (separators dropped, I→1 and O→0 in the serial) and kept
even when the province character was not read; `core.identifiers.Plate` does the validation.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final

from precinct.core.identifiers import IdentifierError, Plate, normalise_plate_text
from precinct.core.regions import PLATE_PROVINCES

_SERIAL_FIXES: Final = str.maketrans({"I": "1", "O": "0"})
_CITY_FIXES: Final = str.maketrans({"0": "D", "8": "B", "1": "T", "5": "S", "2": "Z"})


def is_province(char: str) -> bool:
    return char in PLATE_PROVINCES


def is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class PlateRead:
    """Plate text as read: compact (``鄂AD10001``, or ``AD10001`` without the province)."""

    text: str
    valid: bool

    @property
    def has_province(self) -> bool:
        return bool(self.text) and is_province(self.text[0])

    def display(self) -> str:
        if self.has_province and len(self.text) > 2:
            return f"{self.text[:2]}·{self.text[2:]}"
        return self.text


def _clean(raw: str) -> str:
    text = normalise_plate_text(unicodedata.normalize("NFKC", raw))
    return "".join(c for c in text if is_ascii_alnum(c) or is_province(c))


def _fix(city: str, serial: str) -> tuple[str, str]:
    return city.translate(_CITY_FIXES), serial.upper().translate(_SERIAL_FIXES)


def read_plate(raw: str) -> PlateRead | None:
    """Apply the plate rules to OCR text; None when it cannot be a plate (wrong length or shape).

    A province character is kept when read; 6 or 7 ASCII characters without one are kept as a
    plate whose province was missed (the matcher charges for that).
    """
    text = _clean(raw)
    province = ""
    if text and is_province(text[0]):
        province, text = text[0], text[1:]
    if any(is_province(c) for c in text) or len(text) not in (6, 7):
        return None
    city, serial = _fix(text[0], text[1:])
    if not city.isalpha() or sum(c.isdigit() for c in serial) < 3:
        return None
    compact = province + city + serial
    return PlateRead(compact, _valid(compact) if province else False)


def _valid(compact: str) -> bool:
    try:
        Plate.parse(compact)
    except IdentifierError:
        return False
    return True
