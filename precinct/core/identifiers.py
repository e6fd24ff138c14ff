"""Parsing, validation and masking of personal identifiers.

Resident ID numbers (居民身份证号), mobile phone numbers, licence plates and bank card numbers.
Every value object validates itself on construction, so an instance is always well formed;
``parse`` additionally accepts the loose forms people and OCR actually produce.  Failures raise
:class:`IdentifierError` with an English, specific ``reason``.

Pure functions only: no database, web or file access.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from precinct.core import regions

RESIDENT_ID: Final = "resident_id"
PHONE: Final = "phone"
PLATE: Final = "plate"
BANK_CARD: Final = "bank_card"


class IdentifierError(ValueError):
    """An identifier failed validation. ``kind`` names the identifier type, ``reason`` says why."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason

    def __str__(self) -> str:
        return self.reason

    def __reduce__(self) -> tuple[type[IdentifierError], tuple[str, str]]:
        return (type(self), (self.kind, self.reason))


def _is_digits(text: str) -> bool:
    """True for a non-empty string of ASCII digits only (``str.isdigit`` accepts "①", "٣")."""
    return text.isascii() and text.isdigit()


# --- Resident ID ---------------------------------------------------------------------------

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS: Final = "10X98765432"
_EARLIEST_BIRTH: Final = date(1900, 1, 1)


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a resident ID."""
    if len(first17) != 17 or not _is_digits(first17):
        raise IdentifierError(RESIDENT_ID, f"need exactly 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _id_fail(reason: str) -> IdentifierError:
    return IdentifierError(RESIDENT_ID, reason)


def _check_id_shape(value: str) -> None:
    if len(value) != 18:
        raise _id_fail(f"must be 18 characters, got {len(value)}")
    for position, char in enumerate(value[:17], start=1):
        if not _is_digits(char):
            raise _id_fail(f"character {position} must be a digit, got {char!r}")
    if not (_is_digits(value[17]) or value[17] == "X"):
        raise _id_fail(f"last character must be a digit or X, got {value[17]!r}")
    if regions.province_name(value[:2]) is None:
        raise _id_fail(f"province code {value[:2]} is unknown")


def _parse_birth_date(text: str) -> date:
    try:
        born = datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise _id_fail(f"birth date {text} is not a real date") from None
    _check_birth_range(born)
    return born


def _yyyymmdd(day: date) -> str:
    # strftime("%Y") does not zero-pad years before 1000 on every platform.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _check_birth_range(born: date) -> None:
    if born < _EARLIEST_BIRTH:
        raise _id_fail(f"birth date {_yyyymmdd(born)} is before 1900")
    if born > date.today():
        raise _id_fail(f"birth date {_yyyymmdd(born)} is in the future")


def _check_id_checksum(value: str) -> None:
    expected = resident_id_check_char(value[:17])
    if value[17] != expected:
        raise _id_fail(f"checksum character is {value[17]}, expected {expected}")


@dataclass(frozen=True)
class ResidentId:
    """An 18-character resident ID number (居民身份证号), with an uppercase X check character."""

    value: str

    def __post_init__(self) -> None:
        _check_id_shape(self.value)
        _parse_birth_date(self.value[6:14])
        _check_id_checksum(self.value)

    @classmethod
    def parse(cls, raw: str) -> ResidentId:
        """Parse user input; accepts surrounding whitespace, lowercase x, full-width forms."""
        return cls(unicodedata.normalize("NFKC", raw).strip().upper())

    @classmethod
    def build(cls, region_code: str, birth_date: date, sequence: int) -> ResidentId:
        """Assemble an ID from its parts, computing the check character."""
        if len(region_code) != 6 or not _is_digits(region_code):
            raise _id_fail(f"region code must be 6 digits, got {region_code!r}")
        if not 0 <= sequence <= 999:
            raise _id_fail(f"sequence must be between 0 and 999, got {sequence}")
        _check_birth_range(birth_date)
        first17 = f"{region_code}{_yyyymmdd(birth_date)}{sequence:03d}"
        return cls(first17 + resident_id_check_char(first17))

    def __str__(self) -> str:
        return self.value

    @property
    def region_code(self) -> str:
        return self.value[:6]

    @property
    def birth_date(self) -> date:
        return datetime.strptime(self.value[6:14], "%Y%m%d").date()

    @property
    def sex(self) -> Literal["M", "F"]:
        return "M" if int(self.value[16]) % 2 == 1 else "F"

    @property
    def province(self) -> str | None:
        """zh-CN province name."""
        return regions.province_name(self.value[:2])

    @property
    def region(self) -> str:
        """zh-CN name of the most specific known region."""
        return regions.region_name(self.region_code)

    @property
    def masked(self) -> str:
        return f"{self.value[:6]}********{self.value[-4:]}"

    def age_on(self, day: date) -> int:
        """Age in completed years on ``day``."""
        born = self.birth_date
        if day < born:
            raise ValueError(f"{day.isoformat()} is before the birth date {born.isoformat()}")
        before_birthday = (day.month, day.day) < (born.month, born.day)
        return day.year - born.year - int(before_birthday)


# --- Mobile phone --------------------------------------------------------------------------

_PHONE_SEPARATORS: Final = re.compile(r"[\s\-.()]")


def _phone_fail(reason: str) -> IdentifierError:
    return IdentifierError(PHONE, reason)


def _strip_country_code(text: str) -> str:
    if text.startswith("+"):
        if not text.startswith("+86"):
            raise _phone_fail("only mainland China numbers (+86) are supported")
        return text[3:]
    if len(text) == 15 and text.startswith("0086"):
        return text[4:]
    if len(text) == 13 and text.startswith("86"):
        return text[2:]
    return text


def _check_phone(value: str) -> None:
    if not _is_digits(value):
        bad = next((c for c in value if not _is_digits(c)), "")
        raise _phone_fail(f"must contain only digits, got {bad!r}" if bad else "is empty")
    if len(value) != 11:
        raise _phone_fail(f"must be 11 digits, got {len(value)}")
    if value[0] != "1":
        raise _phone_fail(f"must start with 1, got {value[0]}")
    if value[1] not in "3456789":
        raise _phone_fail(f"second digit must be 3-9, got {value[1]}")


@dataclass(frozen=True)
class Phone:
    """An 11-digit mainland China mobile number, without country code."""

    value: str

    def __post_init__(self) -> None:
        _check_phone(self.value)

    @classmethod
    def parse(cls, raw: str) -> Phone:
        """Accepts +86 / 0086 / 86 prefixes, spaces, dashes, dots and parentheses."""
        compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
        return cls(_strip_country_code(compact))

    def __str__(self) -> str:
        return self.value

    @property
    def e164(self) -> str:
        return f"+86{self.value}"

    @property
    def masked(self) -> str:
        return f"{self.value[:3]}****{self.value[7:]}"


# --- Licence plate -------------------------------------------------------------------------

# Separators seen between the city letter and the serial: middle dots of various kinds,
# full stop, hyphen.  NFKC has already mapped full-width forms to these.
_PLATE_SEPARATORS: Final = frozenset("·•.・‧∙-")
_PLATE_LETTERS: Final = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")  # no I, no O
_PLATE_SERIAL_CHARS: Final = _PLATE_LETTERS | frozenset("0123456789")
_ENERGY_MARKS: Final = frozenset("DF")
PlateKind = Literal["new_energy", "ordinary"]


def normalise_plate_text(raw: str) -> str:
    """Compact uppercase plate text ("鄂a · d12345" -> "鄂AD12345"), without validating it."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(c for c in text if not c.isspace() and c not in _PLATE_SEPARATORS)


def _plate_fail(reason: str) -> IdentifierError:
    return IdentifierError(PLATE, reason)


def _is_small_energy_serial(serial: str) -> bool:
    if serial[0] not in _ENERGY_MARKS:
        return False
    rest = serial[1:]
    return _is_digits(rest) or (rest[0] in _PLATE_LETTERS and _is_digits(rest[1:]))


def _is_large_energy_serial(serial: str) -> bool:
    return serial[-1] in _ENERGY_MARKS and _is_digits(serial[:-1])


def _is_energy_serial(serial: str) -> bool:
    return _is_small_energy_serial(serial) or _is_large_energy_serial(serial)


def _check_serial(serial: str) -> None:
    if len(serial) not in (5, 6):
        raise _plate_fail(
            f"serial must be 5 characters (ordinary) or 6 (new-energy), got {len(serial)}"
        )
    for char in serial:
        if char in "IO":
            raise _plate_fail(f"serial must not contain the letter {char}")
        if char not in _PLATE_SERIAL_CHARS:
            raise _plate_fail(f"serial must be digits and letters, got {char!r}")
    if len(serial) == 6 and not _is_energy_serial(serial):
        raise _plate_fail(
            f"new-energy serial {serial} must be D/F + 5 digits, D/F + letter + 4 digits, "
            "or 5 digits + D/F"
        )


def _check_plate(province: str, city: str, serial: str, energy: bool) -> None:
    if regions.plate_province_code(province) is None:
        raise _plate_fail(f"province abbreviation {province!r} is unknown")
    if city in ("I", "O"):
        raise _plate_fail(f"city letter must not be {city}")
    if city not in _PLATE_LETTERS:
        raise _plate_fail(f"city code must be a letter A-Z, got {city!r}")
    _check_serial(serial)
    if energy != (len(serial) == 6):
        expected = "6 (new-energy)" if energy else "5 (ordinary)"
        raise _plate_fail(f"serial {serial} must be {expected} characters long")


@dataclass(frozen=True)
class Plate:
    """A mainland licence plate: province character, city letter and serial."""

    province: str
    city: str
    serial: str
    energy: bool

    def __post_init__(self) -> None:
        _check_plate(self.province, self.city, self.serial, self.energy)

    @classmethod
    def parse(cls, raw: str) -> Plate:
        """Parse "鄂A·D12345", "鄂a d12345", "鄂A-12345", full-width forms and the like."""
        text = normalise_plate_text(raw)
        if len(text) < 3:
            raise _plate_fail(f"too short to be a plate: {text!r}")
        serial = text[2:]
        return cls(province=text[0], city=text[1], serial=serial, energy=len(serial) == 6)

    def __str__(self) -> str:
        return f"{self.province}{self.city}·{self.serial}"

    @property
    def compact(self) -> str:
        return f"{self.province}{self.city}{self.serial}"

    @property
    def kind(self) -> PlateKind:
        return "new_energy" if self.energy else "ordinary"


# --- Bank card -----------------------------------------------------------------------------

_CARD_SEPARATORS: Final = re.compile(r"[\s\-]")


def _card_fail(reason: str) -> IdentifierError:
    return IdentifierError(BANK_CARD, reason)


def luhn_check_digit(partial: str) -> str:
    """Luhn check digit to append to ``partial`` (the card number without its last digit)."""
    if not _is_digits(partial):
        raise _card_fail(f"need digits to compute a Luhn check digit, got {partial!r}")
    total = 0
    for index, char in enumerate(reversed(partial)):
        digit = int(char)
        if index % 2 == 0:  # these positions are doubled once the check digit is appended
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str(-total % 10)


def _check_card(value: str) -> None:
    if not _is_digits(value):
        bad = next((c for c in value if not _is_digits(c)), "")
        raise _card_fail(f"must contain only digits, got {bad!r}" if bad else "is empty")
    if not 16 <= len(value) <= 19:
        raise _card_fail(f"must be 16 to 19 digits, got {len(value)}")
    expected = luhn_check_digit(value[:-1])
    if value[-1] != expected:
        raise _card_fail(f"Luhn check digit is {value[-1]}, expected {expected}")


@dataclass(frozen=True)
class BankCard:
    """A 16-19 digit bank card number with a valid Luhn check digit."""

    value: str

    def __post_init__(self) -> None:
        _check_card(self.value)

    @classmethod
    def parse(cls, raw: str) -> BankCard:
        """Accepts spaces and dashes between digit groups, and full-width digits."""
        return cls(_CARD_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)))

    def __str__(self) -> str:
        return self.value

    @property
    def masked(self) -> str:
        return f"{self.value[:4]} **** **** {self.value[-4:]}"


# --- Names ---------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """Keep the first character and star the rest: "张三" -> "张*", "欧阳娜娜" -> "欧***"."""
    stripped = name.strip()
    return stripped[:1] + "*" * max(len(stripped) - 1, 0)
