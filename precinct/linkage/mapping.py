"""Declarative source mappings: which column of a file becomes which field of which record.

A mapping is a small YAML document::

    source: rentals                 # the source's name, unique in the platform
    kind: rental                    # what each row is (see KINDS)
    title: 出租屋登记
    fields:
      name:      {column: 承租人姓名, type: name, required: true}
      id_number: {column: 身份证号, type: id_number}
      phone:     {column: 联系电话, type: phone}
      address:   {column: 出租屋地址, type: address}
      at:        {column: 登记日期, type: datetime}

Every row becomes one record carrying its provenance (source, row).  Reading checks every cell
first: any bad cell makes the whole file fail with one list of ``file:row:field`` errors, so a
source is either loaded whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

import yaml

from precinct.core.tabular import (
    RowError,
    TableError,
    parse_date,
    parse_datetime,
    parse_float,
    parse_latitude,
    parse_longitude,
)
from precinct.linkage import normalise

#: Kinds of record and the fields each must map.  Persons and every event about a person carry
#: the identity fields (name, id_number, birth_date, phone, address, …); a bike trip carries an
#: account and its unlock/lock time and place.
IDENTITY_KINDS: Final = ("person", "registration", "hotel_stay", "rental", "prior_record", "pawn")
#: Kinds of the fraud-ring analysis (#6): a victim's report, bank transfers, call records with
#: the caller's location, device/IP logins of an account, an account's registration, and the
#: offenders of solved cases.
RING_KINDS: Final = (
    "fraud_report",
    "transfer",
    "call_record",
    "device_seen",
    "bank_account",
    "solved_case",
)
KINDS: Final = (*IDENTITY_KINDS, "bike_trip", *RING_KINDS)
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "fraud_report": ("report_number", "at", "victim_account", "receiving_account", "loss"),
    "transfer": ("from_account", "to_account", "at", "amount"),
    "call_record": ("caller_phone", "at", "city"),
    "device_seen": ("account", "at"),
    "bank_account": ("account",),
    "solved_case": ("case_number",),
    "bike_trip": (
        "trip_id",
        "account",
        "unlock_at",
        "lock_at",
        "unlock_lat",
        "unlock_lon",
        "lock_lat",
        "lock_lon",
    ),
    "prior_record": ("name", "case_number"),
    "pawn": ("description",),
}


def _id_number(text: str) -> str:
    return normalise.id_number(text).value


def _name(text: str) -> str:
    return normalise.name_parts(text).name


def _bank_account(text: str) -> str:
    """A bank account or card number: digits only (spaces and dashes dropped), 8 to 30 long."""
    digits = re.sub(r"[\s-]", "", text)
    if not digits.isdigit() or not 8 <= len(digits) <= 30:
        raise ValueError(f"not a bank account number: {text!r}")
    return digits


def _cents(text: str) -> int:
    """A positive amount in yuan (¥ and thousands separators allowed) as whole fen."""
    try:
        value = Decimal(text.replace(",", "").replace("¥", "").replace("元", "").strip())
    except InvalidOperation:
        raise ValueError(f"not an amount in yuan: {text!r}") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"not a positive amount in yuan: {text!r}")
    return int((value * 100).to_integral_value())


def _iso(parse: Callable[[str], Any]) -> Callable[[str], str]:
    return lambda text: parse(text).isoformat()


TYPES: Final[dict[str, Callable[[str], Any]]] = {
    "text": str.strip,
    "name": _name,
    "id_number": _id_number,
    "phone": normalise.phone,
    "plate": normalise.plate,
    "bank_card": normalise.bank_card,
    "device": normalise.serial,
    "bank_account": _bank_account,
    "money": _cents,
    "address": normalise.address,
    "serial": normalise.serial,
    "datetime": _iso(parse_datetime),
    "date": _iso(parse_date),
    "float": parse_float,
    "lat": parse_latitude,
    "lon": parse_longitude,
}
#: Fields whose type is fixed wherever they appear.
FIELD_TYPES: Final = {
    "name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "account": "phone",
    "plate": "plate",
    "address": "address",
    "serial": "serial",
    "birth_date": "date",
    "at": "datetime",
    "until": "datetime",
    "unlock_at": "datetime",
    "lock_at": "datetime",
    "lat": "lat",
    "lon": "lon",
    "unlock_lat": "lat",
    "unlock_lon": "lon",
    "lock_lat": "lat",
    "lock_lon": "lon",
    "from_account": "bank_account",
    "to_account": "bank_account",
    "victim_account": "bank_account",
    "receiving_account": "bank_account",
    "offender_account": "bank_account",
    "caller_phone": "phone",
    "callee_phone": "phone",
    "offender_phone": "phone",
    "amount": "money",
    "loss": "money",
}
#: In ring sources `account` is a bank account, elsewhere (bike trips) the user's phone.
RING_FIELD_TYPES: Final = {"account": "bank_account"}


class MappingError(ValueError):
    """The mapping document itself is wrong."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    column: str
    type: str = "text"
    required: bool = False


@dataclass(frozen=True)
class SourceMapping:
    source: str
    kind: str
    fields: tuple[FieldSpec, ...]
    title: str = ""

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class MappedRecord:
    row: int  # 1-based row of the file, header included (as spreadsheets number them)
    values: dict[str, Any] = field(default_factory=dict)


def _field_spec(name: str, raw: Any, kind: str) -> FieldSpec:
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, Mapping) or "column" not in raw:
        raise MappingError(f"field {name}: give a column (e.g. {{column: 姓名}})")
    unknown = set(raw) - {"column", "type", "required"}
    if unknown:
        raise MappingError(f"field {name}: unknown keys {', '.join(sorted(unknown))}")
    fixed = RING_FIELD_TYPES if kind in RING_KINDS else {}
    kind_type = fixed.get(name, FIELD_TYPES.get(name, "text"))
    type_ = str(raw.get("type", kind_type))
    if type_ not in TYPES:
        raise MappingError(f"field {name}: unknown type {type_} (one of {', '.join(TYPES)})")
    if (name in FIELD_TYPES or name in fixed) and type_ != kind_type:
        raise MappingError(f"field {name}: must be of type {kind_type}, not {type_}")
    required = bool(raw.get("required", name in REQUIRED.get(kind, ())))
    return FieldSpec(name, str(raw["column"]), type_, required)


def parse_mapping(doc: Any) -> SourceMapping:
    if not isinstance(doc, Mapping):
        raise MappingError("a mapping is a YAML mapping with source, kind and fields")
    for key in ("source", "kind", "fields"):
        if key not in doc:
            raise MappingError(f"missing {key}")
    kind = str(doc["kind"])
    if kind not in KINDS:
        raise MappingError(f"unknown kind {kind} (one of {', '.join(KINDS)})")
    if not isinstance(doc["fields"], Mapping) or not doc["fields"]:
        raise MappingError("fields must map field names to columns")
    fields = tuple(_field_spec(str(n), raw, kind) for n, raw in doc["fields"].items())
    missing = [n for n in REQUIRED.get(kind, ()) if n not in {f.name for f in fields}]
    if missing:
        raise MappingError(f"a {kind} mapping needs the fields {', '.join(missing)}")
    return SourceMapping(str(doc["source"]), kind, fields, str(doc.get("title", "")))


def load_mapping(path: Path) -> SourceMapping:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        return parse_mapping(doc)
    except (OSError, yaml.YAMLError, MappingError) as exc:
        raise MappingError(f"{path.name}: {exc}") from None


def _header_index(
    mapping: SourceMapping, header: list[str], file: str
) -> tuple[dict[str, int], list[RowError]]:
    where = {h.strip(): i for i, h in enumerate(header)}
    found, errors = {}, []
    for spec in mapping.fields:
        if spec.column in where:
            found[spec.name] = where[spec.column]
        elif spec.required:
            errors.append(RowError(file, 1, spec.column, "required column is missing"))
    return found, errors


def _row(
    mapping: SourceMapping, where: dict[str, int], cells: list[str], place: tuple[str, int]
) -> tuple[dict[str, Any], list[RowError]]:
    file, row = place
    values: dict[str, Any] = {}
    errors = []
    for spec in mapping.fields:
        text = cells[where[spec.name]].strip() if spec.name in where else ""
        if not text:
            if spec.required:
                errors.append(RowError(file, row, spec.column, "required value is empty"))
            continue
        try:
            values[spec.name] = TYPES[spec.type](text)
        except ValueError as exc:
            errors.append(RowError(file, row, spec.column, str(exc)))
    return values, errors


def apply_mapping(
    mapping: SourceMapping, file: str, header: list[str], rows: list[tuple[int, list[str]]]
) -> list[MappedRecord]:
    """Map every row; raises ``TableError`` with every problem if any row is bad."""
    where, errors = _header_index(mapping, header, file)
    records = []
    for number, cells in rows:
        values, row_errors = _row(mapping, where, cells, (file, number))
        errors += row_errors
        records.append(MappedRecord(number, values))
    if errors:
        raise TableError(errors)
    return records


def as_datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
