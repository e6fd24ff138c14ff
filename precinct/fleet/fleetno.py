"""Fleet numbers (车辆编号) printed on a robotaxi's rear, with a check character.

Scheme: a 2-letter operator code, 4 digits and a check character, written ``CG-0123-7`` on the
car and stored compact as ``CG01237``. Letters I and O are never used in the operator code. The
check character is a weighted sum of the six characters' values (digits 0-9, letters A=10 … Z=35)
with weights 7, 3, 1, 7, 3, 1, modulo 22, drawn from an alphabet without the easily confused
characters (none of 0/D/O/Q, 1/I/T/7, 2/Z, 5/S, 8/B), so any single wrong digit is caught (and
a wrong letter unless it is 22 places away), and the check character itself is hard to misread.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

CODE_LETTERS: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ"
CHECK_ALPHABET: Final = "3469ACEFGHJKLMNPRUVWXY"  # 22 characters, none of them look-alikes
WEIGHTS: Final = (7, 3, 1, 7, 3, 1)
_SEPARATORS: Final = re.compile(r"[\s\-·•.—_]")
_SHAPE: Final = re.compile(r"^[A-Z]{2}\d{4}[0-9A-Z]$")


class FleetNumberError(ValueError):
    """Text that is not a valid fleet number; the message says why."""


def _value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def check_character(body: str) -> str:
    """The check character for the 6-character body ``CG0123``."""
    if len(body) != 6 or not _SHAPE.match(body + "0"):
        raise FleetNumberError(f"fleet number body must be 2 letters and 4 digits, got {body!r}")
    total = sum(_value(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return CHECK_ALPHABET[total % len(CHECK_ALPHABET)]


def normalise(raw: str) -> str:
    """Compact uppercase text without separators ("cg-0123-7" -> "CG01237"); not validated."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return _SEPARATORS.sub("", text)


@dataclass(frozen=True)
class FleetNumber:
    """A validated fleet number: operator code, 4-digit serial, check character."""

    code: str
    serial: str
    check: str

    def __post_init__(self) -> None:
        if len(self.code) != 2 or any(c not in CODE_LETTERS for c in self.code):
            raise FleetNumberError(f"operator code must be 2 letters without I/O: {self.code!r}")
        if len(self.serial) != 4 or not self.serial.isdigit():
            raise FleetNumberError(f"serial must be 4 digits, got {self.serial!r}")
        expected = check_character(self.code + self.serial)
        if self.check != expected:
            raise FleetNumberError(
                f"check character of {self.code}{self.serial} is {expected}, got {self.check!r}"
            )

    @classmethod
    def parse(cls, raw: str) -> FleetNumber:
        text = normalise(raw)
        if len(text) != 7:
            raise FleetNumberError(f"fleet number must have 7 characters, got {len(text)}")
        return cls(text[:2], text[2:6], text[6])

    @classmethod
    def make(cls, code: str, number: int) -> FleetNumber:
        serial = f"{number:04d}"
        return cls(code, serial, check_character(code + serial))

    @property
    def compact(self) -> str:
        return f"{self.code}{self.serial}{self.check}"

    def __str__(self) -> str:
        return f"{self.code}-{self.serial}-{self.check}"


def is_valid(raw: str) -> bool:
    try:
        FleetNumber.parse(raw)
    except FleetNumberError:
        return False
    return True
