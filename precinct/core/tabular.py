"""Strict reader for tabular import files (CSV or XLSX).

A bad file is rejected whole: :func:`parse_table` collects every problem it can find and
raises one :class:`TableError` listing them all as ``file:row:field: message``. Nothing is
returned unless the whole file is valid, so callers never half-import a file.

Row numbers are the line numbers a user sees in a spreadsheet: the header is row 1 (if it
is on the first line) and blank lines still count.
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import openpyxl  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "SHANGHAI",
    "Column",
    "ParsedRow",
    "RowError",
    "Schema",
    "TableError",
    "parse_choice",
    "parse_date",
    "parse_datetime",
    "parse_float",
    "parse_int",
    "parse_latitude",
    "parse_list",
    "parse_longitude",
    "parse_table",
    "read_rows",
]


def _shanghai() -> tzinfo:
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:  # no tz database: China has had no DST since 1991
        return timezone(timedelta(hours=8), "Asia/Shanghai")


SHANGHAI: tzinfo = _shanghai()
"""Time zone given to naive date-times read from import files."""

MAX_EXACT_DIGITS = 15
"""Excel keeps only 15 significant digits; longer numbers (ID numbers!) are corrupted."""

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (",", ";", "\t")
_BINARY_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INTEGRAL_DECIMAL = re.compile(r"[+-]?\d+\.0*")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class RowError:
    """One problem in an import file, located as precisely as possible."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.field is not None:
            parts.append(self.field)
        return f"{':'.join(parts)}: {self.message}"


class TableError(Exception):
    """A file was rejected; ``errors`` lists every problem found, in file order."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors: list[RowError] = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)

    @property
    def count(self) -> int:
        return len(self.errors)


def _file_error(name: str, reason: str) -> TableError:
    return TableError([RowError(name, None, None, f"not a CSV or XLSX file: {reason}")])


# --------------------------------------------------------------------------- schema


def _normalize_header(text: str) -> str:
    return text.replace("\ufeff", "").strip().casefold()


@dataclass(frozen=True)
class Column:
    """A column of a schema.

    ``parse`` receives the stripped, non-empty cell text and raises ``ValueError`` (whose
    message is shown to the user) on a bad value. Empty cells are an error for required
    columns and ``None`` for optional ones, without calling ``parse``.
    """

    name: str
    parse: Callable[[str], Any]
    required: bool = True
    aliases: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header text accepted for this column, canonical name first."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Schema:
    """The columns of an import file; ``key`` columns must be unique within a file."""

    columns: tuple[Column, ...]
    key: tuple[str, ...]
    _by_header: dict[str, Column] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_header: dict[str, Column] = {}
        for column in self.columns:
            for header in column.headers:
                normalized = _normalize_header(header)
                other = by_header.get(normalized)
                if other is not None:
                    raise ValueError(
                        f"header {header!r} is used by both {other.name!r} and {column.name!r}"
                    )
                by_header[normalized] = column
        names = {column.name for column in self.columns}
        for name in self.key:
            if name not in names:
                raise ValueError(f"key column {name!r} is not in the schema")
        object.__setattr__(self, "_by_header", by_header)

    def column_for(self, header: str) -> Column | None:
        """The column a header text refers to (case-, space- and BOM-insensitive)."""
        return self._by_header.get(_normalize_header(header))


@dataclass(frozen=True)
class ParsedRow:
    """A valid data row: its spreadsheet row number and parsed values by column name."""

    row: int
    values: dict[str, Any]


# --------------------------------------------------------------------------- reading


@dataclass
class _RawTable:
    """A file split into header and data rows, plus problems found while reading it."""

    header_row: int
    header: list[str]
    rows: list[tuple[int, list[str]]]
    row_errors: dict[int, str]  # row number -> problem with the whole row
    cell_errors: dict[tuple[int, int], str]  # (row number, column index) -> problem


class _CellError(ValueError):
    """A spreadsheet cell whose value cannot be turned into trustworthy text."""


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise _CellError(f"number {value} is not a finite number")
    integral = isinstance(value, int) or value.is_integer()
    if integral and abs(value) >= 10**MAX_EXACT_DIGITS:
        shown = str(int(value))
        raise _CellError(
            f"number {shown} has more than {MAX_EXACT_DIGITS} digits, so Excel may have "
            "changed its last digits; format this column as Text and re-enter the values"
        )
    if integral:
        return str(int(value))
    return format(value, f".{MAX_EXACT_DIGITS}g")


def _cell_text(value: Any) -> str:
    """Text a user would recognise for an XLSX cell value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        return _number_text(value)
    return str(value)


def _xlsx_records(
    name: str, data: bytes
) -> tuple[list[tuple[int, list[str]]], dict[tuple[int, int], str]]:
    _check_xlsx_zip(name, data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on broken files
        raise _file_error(name, f"cannot open the XLSX workbook ({exc})") from exc
    try:
        if not workbook.worksheets:
            raise _file_error(name, "the XLSX workbook has no worksheet")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # never trust the stored size: some writers get it wrong
        records: list[tuple[int, list[str]]] = []
        cell_errors: dict[tuple[int, int], str] = {}
        for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            records.append((row_number, _xlsx_row(row_number, values, cell_errors)))
        return records, cell_errors
    finally:
        workbook.close()


def _xlsx_row(
    row_number: int, values: Sequence[Any], cell_errors: dict[tuple[int, int], str]
) -> list[str]:
    cells: list[str] = []
    for index, value in enumerate(values):
        try:
            cells.append(_cell_text(value))
        except _CellError as exc:
            cell_errors[(row_number, index)] = str(exc)
            cells.append(str(value))  # keeps the row non-blank; never parsed
    return cells


def _check_xlsx_zip(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise _file_error(name, "damaged ZIP archive") from exc
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _file_error(name, "ZIP archive that is not an XLSX workbook")


def _decode_text(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(name, "UTF-16 text is not supported; save it as CSV UTF-8")
    if b"\x00" in data:
        raise _file_error(name, "binary data (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise _file_error(name, "text is neither UTF-8 nor GB18030") from exc
    binary = _BINARY_CHAR.search(text)
    if binary is not None:
        raise _file_error(name, f"binary data (contains control character {binary.group()!r})")
    return text


def _sniff_delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_records(name: str, text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=True
    )
    records: list[tuple[int, list[str]]] = []
    while True:
        row_number = len(records) + 1
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            raise TableError([RowError(name, row_number, None, f"malformed CSV: {exc}")]) from exc
        records.append((row_number, cells))


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _load(path: Path) -> _RawTable:
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError([RowError(name, None, None, f"cannot read file: {exc.strerror}")]) from exc
    if not data:
        raise _file_error(name, "the file is empty")
    if data.startswith(_OLE_MAGIC):
        raise _file_error(name, "old Excel .xls format; save it as .xlsx or CSV UTF-8")
    cell_errors: dict[tuple[int, int], str] = {}
    if data.startswith(_ZIP_MAGIC):
        records, cell_errors = _xlsx_records(name, data)
    else:
        records = _csv_records(name, _decode_text(name, data))
    return _split_header(name, records, cell_errors)


def _split_header(
    name: str, records: list[tuple[int, list[str]]], cell_errors: dict[tuple[int, int], str]
) -> _RawTable:
    trimmed = ((number, _trim(cells)) for number, cells in records)
    non_blank = [(number, cells) for number, cells in trimmed if cells]
    if not non_blank:
        raise TableError([RowError(name, None, None, "the file has no header row")])
    header_row, header = non_blank[0]
    table = _RawTable(header_row, header, [], {}, {})
    width = len(header)
    for number, cells in non_blank[1:]:
        if len(cells) > width:
            table.row_errors[number] = (
                f"row has {len(cells)} cells but the header has only {width} columns"
            )
        table.rows.append((number, cells + [""] * (width - len(cells))))
    table.cell_errors = {
        (row, column): message
        for (row, column), message in cell_errors.items()
        if row != header_row and row not in table.row_errors
    }
    return table


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Read a CSV or XLSX file as text: ``(header, [(row number, cells), ...])``.

    The format is detected from the content, not the extension. Blank rows are skipped
    but still counted in row numbers; every data row is padded to the header's width.
    Raises :class:`TableError` for unreadable files, rows longer than the header and
    spreadsheet numbers too long to be exact.
    """
    table = _load(path)
    errors = [RowError(path.name, row, None, message) for row, message in table.row_errors.items()]
    errors += [
        RowError(path.name, row, _header_label(table.header, column), message)
        for (row, column), message in table.cell_errors.items()
    ]
    if errors:
        raise TableError(sorted(errors, key=lambda error: error.row or 0))
    return table.header, table.rows


# --------------------------------------------------------------------------- parsing


def _column_letters(index: int) -> str:
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _header_label(header: list[str], index: int) -> str:
    text = header[index].replace("\ufeff", "").strip() if index < len(header) else ""
    return text or f"column {_column_letters(index)}"


def _match_header(
    name: str, table: _RawTable, schema: Schema
) -> tuple[dict[int, Column], list[RowError]]:
    """Map header positions to schema columns; report unknown, repeated and missing ones."""
    mapping: dict[int, Column] = {}
    errors: list[RowError] = []
    expected = ", ".join(column.name for column in schema.columns)
    for index, text in enumerate(table.header):
        message = _header_problem(table, schema, mapping, index, text, expected)
        if message is not None:
            errors.append(RowError(name, table.header_row, None, message))
    found = {column.name for column in mapping.values()}
    for column in schema.columns:
        if column.required and column.name not in found:
            accepted = ", ".join(column.headers)
            message = f"missing column {column.name!r} (accepted headers: {accepted})"
            errors.append(RowError(name, table.header_row, None, message))
    return mapping, errors


def _header_problem(
    table: _RawTable,
    schema: Schema,
    mapping: dict[int, Column],
    index: int,
    text: str,
    expected: str,
) -> str | None:
    shown = text.replace("\ufeff", "").strip()
    if not shown:
        if any(cells[index].strip() for _, cells in table.rows):
            return f"column {_column_letters(index)} has data but no header"
        return None
    column = schema.column_for(text)
    if column is None:
        return f"unknown column {shown!r} (expected columns: {expected})"
    for other_index, other in mapping.items():
        if other is column:
            first = _column_letters(other_index)
            second = _column_letters(index)
            return f"column {column.name!r} appears twice (columns {first} and {second})"
    mapping[index] = column
    return None


def _parse_cell(column: Column, text: str) -> Any:
    """Parse one cell; raises ValueError with the user-facing message."""
    stripped = text.strip()
    if not stripped:
        if column.required:
            raise ValueError("a value is required")
        return None
    try:
        return column.parse(stripped)
    except ValueError as exc:
        raise ValueError(str(exc) or f"invalid value {stripped!r}") from exc


def _parse_row(
    name: str, table: _RawTable, row: int, cells: list[str], mapping: dict[int, Column]
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for index, column in sorted(mapping.items()):
        cell_problem = table.cell_errors.get((row, index))
        if cell_problem is not None:
            errors.append(RowError(name, row, column.name, cell_problem))
        else:
            try:
                values[column.name] = _parse_cell(column, cells[index])
            except ValueError as exc:
                errors.append(RowError(name, row, column.name, str(exc)))
    return values, errors


def _key_text(values: tuple[Any, ...]) -> str:
    return ", ".join(f"'{_display(value)}'" for value in values)


def _display(value: Any) -> str:
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def _check_key(
    name: str, row: int, values: dict[str, Any], schema: Schema, seen: dict[tuple[Any, ...], int]
) -> RowError | None:
    if not schema.key or any(values.get(key) is None for key in schema.key):
        return None  # missing or invalid key values are reported elsewhere
    key = tuple(_hashable(values[column]) for column in schema.key)
    first = seen.setdefault(key, row)
    if first == row:
        return None
    message = f"duplicate key {_key_text(key)} (first seen on row {first})"
    return RowError(name, row, "+".join(schema.key), message)


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    return value


def parse_table(path: Path, schema: Schema) -> list[ParsedRow]:
    """Read and validate a whole CSV or XLSX file against ``schema``.

    Every error in the file is collected (header problems, bad cells in every row,
    duplicate keys) and raised together as one :class:`TableError`; rows are only
    returned when the whole file is valid. Optional columns absent from the file are None.
    """
    name = path.name
    table = _load(path)
    mapping, errors = _match_header(name, table, schema)
    seen: dict[tuple[Any, ...], int] = {}
    rows: list[ParsedRow] = []
    for row, cells in table.rows:
        if row in table.row_errors:
            errors.append(RowError(name, row, None, table.row_errors[row]))
            continue
        values, row_errors = _parse_row(name, table, row, cells, mapping)
        errors += row_errors
        duplicate = _check_key(name, row, values, schema, seen)
        if duplicate is not None:
            errors.append(duplicate)
        for column in schema.columns:
            values.setdefault(column.name, None)
        rows.append(ParsedRow(row, values))
    if errors:
        raise TableError(errors)
    return rows


# --------------------------------------------------------------------------- value parsers

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
_DATE_FORMATS = ("%Y/%m/%d", "%Y%m%d", "%Y-%m-%d")


def parse_datetime(text: str) -> datetime:
    """ISO 8601 or ``2024-12-15 02:30`` / ``2024/12/15 02:30:00``; naive means Shanghai time."""
    value = _parse_datetime_naive_ok(text.strip())
    if value.tzinfo is None:
        return value.replace(tzinfo=SHANGHAI)
    return value


def _parse_datetime_naive_ok(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(
        f"{text!r} is not a valid date and time (expected e.g. 2024-12-15 02:30 "
        "or 2024-12-15T02:30:00+08:00)"
    )


def parse_date(text: str) -> date:
    """A calendar date: ``2024-12-15``, ``2024/12/15`` or ``20241215``."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a valid date (expected e.g. 2024-12-15)")


def parse_float(text: str) -> float:
    """A finite decimal number."""
    text = text.strip()
    try:
        if "_" in text:
            raise ValueError(text)
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def parse_int(text: str) -> int:
    """A whole number (``12``; ``12.0`` as written by some spreadsheet exports is accepted)."""
    text = text.strip()
    try:
        if "_" in text:
            raise ValueError(text)
        return int(text)
    except ValueError:
        pass
    if _INTEGRAL_DECIMAL.fullmatch(text):
        return int(text.split(".")[0])
    raise ValueError(f"{text!r} is not a whole number")


def parse_choice(*choices: str) -> Callable[[str], str]:
    """A parser accepting one of ``choices`` (case-insensitively), returned as spelled here."""
    if not choices:
        raise ValueError("parse_choice needs at least one choice")
    by_key = {choice.casefold(): choice for choice in choices}
    allowed = ", ".join(choices)

    def parse(text: str) -> str:
        choice = by_key.get(text.strip().casefold())
        if choice is None:
            raise ValueError(f"{text.strip()!r} is not one of: {allowed}")
        return choice

    return parse


def _parse_in_range(text: str, what: str, limit: float) -> float:
    try:
        value = parse_float(text)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a valid {what}") from None
    if not -limit <= value <= limit:
        raise ValueError(f"{what} {value:g} is out of range (-{limit:g} to {limit:g})")
    return value


def parse_latitude(text: str) -> float:
    """Decimal degrees between -90 and 90."""
    return _parse_in_range(text, "latitude", 90.0)


def parse_longitude(text: str) -> float:
    """Decimal degrees between -180 and 180."""
    return _parse_in_range(text, "longitude", 180.0)


def parse_list(sep: str = ";") -> Callable[[str], list[str]]:
    """A parser splitting text on ``sep`` into stripped, non-empty items."""
    if not sep:
        raise ValueError("parse_list needs a non-empty separator")

    def parse(text: str) -> list[str]:
        return [item.strip() for item in text.split(sep) if item.strip()]

    return parse
