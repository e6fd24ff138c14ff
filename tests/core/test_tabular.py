"""Tests for the strict CSV/XLSX import reader."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from precinct.core.tabular import (
    SHANGHAI,
    Column,
    ParsedRow,
    RowError,
    Schema,
    TableError,
    parse_choice,
    parse_date,
    parse_datetime,
    parse_float,
    parse_int,
    parse_latitude,
    parse_list,
    parse_longitude,
    parse_table,
    read_rows,
)

# --------------------------------------------------------------------------- fixtures

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def parse_id_number(text: str) -> str:
    """A cut-down resident ID check, enough to produce realistic errors."""
    if len(text) != 18 or not text[:17].isdigit():
        raise ValueError(f"{text!r} is not an 18-character ID number")
    text = text.upper()
    expected = _CHECK_CHARS[sum(int(d) * w for d, w in zip(text[:17], _WEIGHTS, strict=True)) % 11]
    if text[17] != expected:
        raise ValueError(f"checksum character is {text[17]}, expected {expected}")
    return text


ID_A = "11010519491231002X"
ID_B = "110101199003071233"
ID_C = "440304198506153216"
BAD_CHECKSUM = "110105194912310025"

PERSONS = Schema(
    columns=(
        Column("id_number", parse_id_number, aliases=("身份证号",)),
        Column("name", str, aliases=("姓名",)),
        Column("birth_date", parse_date, required=False, aliases=("出生日期",)),
        Column("height_cm", parse_int, required=False, aliases=("身高",)),
        Column("last_seen", parse_datetime, required=False),
        Column("tags", parse_list(), required=False),
    ),
    key=("id_number",),
)


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("ignored").append(["not", "read"])
    workbook.save(path)
    return path


def errors_of(path: Path, schema: Schema = PERSONS) -> list[str]:
    with pytest.raises(TableError) as caught:
        parse_table(path, schema)
    return [str(error) for error in caught.value.errors]


# --------------------------------------------------------------------------- error types


def test_row_error_str_includes_only_known_parts() -> None:
    assert (
        str(RowError("persons.csv", 7, "id_number", "checksum character is 5, expected X"))
        == "persons.csv:7:id_number: checksum character is 5, expected X"
    )
    assert str(RowError("persons.csv", 1, None, "oops")) == "persons.csv:1: oops"
    assert (
        str(RowError("persons.csv", None, None, "not a CSV or XLSX file: empty"))
        == "persons.csv: not a CSV or XLSX file: empty"
    )


def test_table_error_lists_one_error_per_line() -> None:
    error = TableError([RowError("a.csv", 2, "x", "bad"), RowError("a.csv", 3, "y", "worse")])
    assert error.count == 2
    assert str(error) == "a.csv:2:x: bad\na.csv:3:y: worse"
    assert error.errors[1].field == "y"


# --------------------------------------------------------------------------- good files


def test_utf8_csv_parses(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "persons.csv",
        [
            ["id_number", "name", "birth_date", "height_cm", "last_seen", "tags"],
            [ID_A, "张三", "1949-12-31", "172", "2024-12-15 02:30", "theft; repeat ;"],
            [ID_B.lower(), " Li Si ", "", "", "", ""],
        ],
    )
    rows = parse_table(path, PERSONS)
    assert rows == [
        ParsedRow(
            2,
            {
                "id_number": ID_A,
                "name": "张三",
                "birth_date": date(1949, 12, 31),
                "height_cm": 172,
                "last_seen": datetime(2024, 12, 15, 2, 30, tzinfo=SHANGHAI),
                "tags": ["theft", "repeat"],
            },
        ),
        ParsedRow(
            3,
            {
                "id_number": ID_B,
                "name": "Li Si",
                "birth_date": None,
                "height_cm": None,
                "last_seen": None,
                "tags": None,
            },
        ),
    ]


def test_utf8_bom_csv_parses(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "persons.csv",
        [["id_number", "name"], [ID_A, "张三"]],
        encoding="utf-8-sig",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = parse_table(path, PERSONS)
    assert [row.values["name"] for row in rows] == ["张三"]


def test_gb18030_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "人员.csv",
        [["身份证号", "姓名", "出生日期", "身高"], [ID_A, "张三", "1949/12/31", "172"]],
        encoding="gb18030",
    )
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    rows = parse_table(path, PERSONS)
    assert rows[0].values["name"] == "张三"
    assert rows[0].values["birth_date"] == date(1949, 12, 31)
    assert rows[0].values["height_cm"] == 172


def test_gb18030_error_uses_canonical_field_name(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "人员.csv",
        [["身份证号", "姓名"], [BAD_CHECKSUM, "张三"]],
        encoding="gb18030",
    )
    assert errors_of(path) == ["人员.csv:2:id_number: checksum character is 5, expected X"]


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = write_csv(
        tmp_path / "persons.csv",
        [["id_number", "name", "tags"], [ID_A, "Zhang, San", "a;b"], [ID_B, "Li", "c"]],
        delimiter=delimiter,
    )
    rows = parse_table(path, PERSONS)
    assert [row.values["name"] for row in rows] == ["Zhang, San", "Li"]
    assert rows[0].values["tags"] == ["a", "b"]


def test_headers_are_case_space_and_bom_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text("\ufeff ID_Number ,\ufeffName\u3000, Tags\n" + f"{ID_A},Zhang,x\n")
    rows = parse_table(path, PERSONS)
    assert rows[0].values["id_number"] == ID_A
    assert rows[0].values["tags"] == ["x"]


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [["name", "id_number"], ["Zhang", ID_A]])
    (row,) = parse_table(path, PERSONS)
    assert row.values == {
        "id_number": ID_A,
        "name": "Zhang",
        "birth_date": None,
        "height_cm": None,
        "last_seen": None,
        "tags": None,
    }


def test_header_only_file_gives_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [["id_number", "name"]])
    assert parse_table(path, PERSONS) == []


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(
        "\n"  # row 1 blank: header is row 2
        "id_number,name\n"
        f"{ID_A},Zhang\n"
        "\n"
        " , \n"
        f"{BAD_CHECKSUM},Wang\n"
        ",,,\n"
        f"{ID_B},Li\n"
        "\n"
    )
    assert errors_of(path) == ["persons.csv:6:id_number: checksum character is 5, expected X"]
    path.write_text(path.read_text().replace(BAD_CHECKSUM, ID_C))
    assert [row.row for row in parse_table(path, PERSONS)] == [3, 6, 8]


def test_quoted_multiline_cell_counts_as_one_spreadsheet_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [["id_number", "name"], [ID_A, "two\nlines"], [ID_B, ""]],
    )
    assert errors_of(path) == ["p.csv:3:name: a value is required"]


def test_trailing_empty_cells_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(f"id_number,name,,\n{ID_A},Zhang,,\n{ID_B},Li\n")
    assert [row.row for row in parse_table(path, PERSONS)] == [2, 3]


# --------------------------------------------------------------------------- bad rows


def test_all_row_errors_are_collected(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "persons.csv",
        [
            ["id_number", "name", "birth_date", "height_cm"],
            [ID_A, "Zhang", "1949-12-31", "172"],
            [ID_B, "Li", "31.12.1990", "180"],
            [ID_C, "Wang", "", "tall"],
            [ID_A.replace("X", "0")[:17] + "0", "Zhao", "", ""],
            ["123", "Qian", "", ""],
            [BAD_CHECKSUM, "Sun", "", ""],
        ],
    )
    with pytest.raises(TableError) as caught:
        parse_table(path, PERSONS)
    assert caught.value.count == 5
    assert str(caught.value).splitlines() == [
        "persons.csv:3:birth_date: '31.12.1990' is not a valid date (expected e.g. 2024-12-15)",
        "persons.csv:4:height_cm: 'tall' is not a whole number",
        "persons.csv:5:id_number: checksum character is 0, expected X",
        "persons.csv:6:id_number: '123' is not an 18-character ID number",
        "persons.csv:7:id_number: checksum character is 5, expected X",
    ]


def test_several_errors_in_one_row_are_all_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [["id_number", "name", "height_cm"], ["bad", "", "x"]],
    )
    assert errors_of(path) == [
        "p.csv:2:id_number: 'bad' is not an 18-character ID number",
        "p.csv:2:name: a value is required",
        "p.csv:2:height_cm: 'x' is not a whole number",
    ]


def test_row_with_more_cells_than_header(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(f"id_number,name\n{ID_A},Zhang,extra\n{ID_B},\n")
    assert errors_of(path) == [
        "p.csv:2: row has 3 cells but the header has only 2 columns",
        "p.csv:3:name: a value is required",
    ]


def test_duplicate_key_names_the_first_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "persons.csv",
        [
            ["id_number", "name"],
            [ID_B, "Li"],
            [ID_A, "Zhang"],
            [ID_C, "Wang"],
            [ID_A.lower(), "Zhang again"],
            [ID_A, "Zhang thrice"],
        ],
    )
    assert errors_of(path) == [
        f"persons.csv:5:id_number: duplicate key '{ID_A}' (first seen on row 3)",
        f"persons.csv:6:id_number: duplicate key '{ID_A}' (first seen on row 3)",
    ]


def test_composite_key(tmp_path: Path) -> None:
    schema = Schema(
        columns=(Column("case_no", str), Column("seq", parse_int), Column("note", str, False)),
        key=("case_no", "seq"),
    )
    path = write_csv(
        tmp_path / "items.csv",
        [["case_no", "seq"], ["A1", "1"], ["A1", "2"], ["B1", "1"], ["A1", "2.0"]],
    )
    assert errors_of(path, schema) == [
        "items.csv:5:case_no+seq: duplicate key 'A1', '2' (first seen on row 3)",
    ]


def test_missing_columns_are_all_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "persons.csv", [["birth_date"], ["1990-01-01"]])
    assert errors_of(path) == [
        "persons.csv:1: missing column 'id_number' (accepted headers: id_number, 身份证号)",
        "persons.csv:1: missing column 'name' (accepted headers: name, 姓名)",
    ]


def test_unknown_columns_are_listed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "persons.csv",
        [["id_number", "nickname", "name", "Phone"], [ID_A, "Z", "Zhang", "1"]],
    )
    expected = "id_number, name, birth_date, height_cm, last_seen, tags"
    assert errors_of(path) == [
        f"persons.csv:1: unknown column 'nickname' (expected columns: {expected})",
        f"persons.csv:1: unknown column 'Phone' (expected columns: {expected})",
    ]


def test_header_problems_and_row_problems_are_reported_together(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [["id_number", "姓名", "name", "", "height_cm"], ["x", "Zhang", "Z", "data", "y"]],
    )
    assert errors_of(path) == [
        "p.csv:1: column 'name' appears twice (columns B and C)",
        "p.csv:1: column D has data but no header",
        "p.csv:2:id_number: 'x' is not an 18-character ID number",
        "p.csv:2:height_cm: 'y' is not a whole number",
    ]


def test_malformed_csv_quoting(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(f'id_number,name\n{ID_A},"Zhang"x\n')
    (message,) = errors_of(path)
    assert message.startswith("p.csv:2: malformed CSV: ")


def test_file_without_header(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("\n \n,,\n")
    assert errors_of(path) == ["p.csv: the file has no header row"]


# --------------------------------------------------------------------------- garbage


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


GARBAGE = {
    "random": bytes(range(256)) * 4 + os.urandom(512),
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    "empty": b"",
    "zip": _zip_bytes(),
    "broken-zip": b"PK\x03\x04" + b"garbage" * 10,
    "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
    "utf16": "id_number,name\n".encode("utf-16"),
    "control": b"id_number,name\n\x01\x02\x03,x\n",
    "undecodable": b"id_number,name\n\xff\xfe\xfd,\x80\x80\n",
}


@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_garbage_is_rejected_with_one_clear_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "persons.xlsx"
    path.write_bytes(GARBAGE[kind])
    for read in (lambda: parse_table(path, PERSONS), lambda: read_rows(path)):
        with pytest.raises(TableError) as caught:
            read()
        (error,) = caught.value.errors
        assert (error.file, error.row, error.field) == ("persons.xlsx", None, None)
        assert str(error).startswith("persons.xlsx: not a CSV or XLSX file: ")


def test_garbage_messages(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    assert errors_of(path) == ["x.csv: not a CSV or XLSX file: the file is empty"]
    path.write_bytes(_zip_bytes())
    assert errors_of(path) == [
        "x.csv: not a CSV or XLSX file: ZIP archive that is not an XLSX workbook"
    ]
    path.write_bytes(GARBAGE["png"])
    assert errors_of(path) == ["x.csv: not a CSV or XLSX file: binary data (contains NUL bytes)"]


def test_missing_file(tmp_path: Path) -> None:
    (message,) = errors_of(tmp_path / "nope.csv")
    assert message.startswith("nope.csv: cannot read file")


# --------------------------------------------------------------------------- xlsx


def test_xlsx_parses_with_dates_numbers_and_blank_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "persons.xlsx",
        [
            ["身份证号", "姓名", "出生日期", "身高", "last_seen"],
            [ID_A, "张三", date(1949, 12, 31), 172, datetime(2024, 12, 15, 2, 30)],
            [],
            [ID_B, "Li", datetime(1990, 3, 7), 180.0, None],
        ],
    )
    rows = parse_table(path, PERSONS)
    assert [row.row for row in rows] == [2, 4]
    assert rows[0].values["birth_date"] == date(1949, 12, 31)
    assert rows[0].values["last_seen"] == datetime(2024, 12, 15, 2, 30, tzinfo=SHANGHAI)
    assert rows[1].values["birth_date"] == date(1990, 3, 7)
    assert rows[1].values["height_cm"] == 180
    assert rows[1].values["last_seen"] is None


def test_xlsx_detected_by_content_not_extension(tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "p.xlsx", [["id_number", "name"], [ID_A, "Zhang"]])
    renamed = tmp_path / "persons.csv"
    renamed.write_bytes(source.read_bytes())
    assert parse_table(renamed, PERSONS)[0].values["name"] == "Zhang"


def test_read_rows_converts_xlsx_cells_to_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "cells.xlsx",
        [
            ["a", "b", "c", "d", "e", "f"],
            [date(2024, 12, 15), datetime(2024, 12, 15, 2, 30, 5), 42.0, 2.5, True, 10**15 - 1],
            ["only"],
        ],
    )
    header, rows = read_rows(path)
    assert header == ["a", "b", "c", "d", "e", "f"]
    assert rows == [
        (2, ["2024-12-15", "2024-12-15T02:30:05", "42", "2.5", "TRUE", "999999999999999"]),
        (3, ["only", "", "", "", "", ""]),
    ]


def test_xlsx_long_numbers_are_rejected(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "persons.xlsx",
        [
            ["id_number", "name", "height_cm"],
            [110101199003071233, "Li", 180],
            [ID_A, "Zhang", "x"],
            [4.40304198506153e17, "Wang", None],
        ],
    )
    hint = "so Excel may have changed its last digits; format this column as Text"
    assert errors_of(path) == [
        # openpyxl, like Excel, keeps only ~15 digits: the real ID ended in ...1233
        "persons.xlsx:2:id_number: number 110101199003071200 has more than 15 digits, "
        f"{hint} and re-enter the values",
        "persons.xlsx:3:height_cm: 'x' is not a whole number",
        "persons.xlsx:4:id_number: number 440304198506153024 has more than 15 digits, "
        f"{hint} and re-enter the values",
    ]
    with pytest.raises(TableError) as caught:
        read_rows(path)
    assert [(error.row, error.field) for error in caught.value.errors] == [
        (2, "id_number"),
        (4, "id_number"),
    ]


# --------------------------------------------------------------------------- read_rows


def test_read_rows_pads_short_rows_and_skips_blank_ones(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("a;b;c\n1;2\n\n;;\n4;5;6\n")
    assert read_rows(path) == (["a", "b", "c"], [(2, ["1", "2", ""]), (5, ["4", "5", "6"])])


def test_read_rows_rejects_long_rows(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("a,b\n1,2,3\n4,5\n6,7,8,9\n")
    with pytest.raises(TableError) as caught:
        read_rows(path)
    assert str(caught.value).splitlines() == [
        "p.csv:2: row has 3 cells but the header has only 2 columns",
        "p.csv:4: row has 4 cells but the header has only 2 columns",
    ]


_cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12
).filter(lambda text: bool(text.strip()))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell_text, min_size=3, max_size=3), max_size=6))
def test_csv_round_trip(tmp_path: Path, rows: list[list[str]]) -> None:
    path = write_csv(tmp_path / "round.csv", [["a", "b", "c"], *rows])
    header, read = read_rows(path)
    assert header == ["a", "b", "c"]
    assert read == [(number, row) for number, row in enumerate(rows, start=2)]


# --------------------------------------------------------------------------- schema


def test_schema_rejects_unknown_key_and_clashing_headers() -> None:
    with pytest.raises(ValueError, match="key column 'nope'"):
        Schema(columns=(Column("a", str),), key=("nope",))
    with pytest.raises(ValueError, match="used by both 'a' and 'b'"):
        Schema(columns=(Column("a", str), Column("b", str, aliases=(" A ",))), key=())


def test_parser_value_error_without_message(tmp_path: Path) -> None:
    def strict(text: str) -> str:
        raise ValueError

    schema = Schema(columns=(Column("a", strict),), key=())
    path = tmp_path / "p.csv"
    path.write_text("a\nzz\n")
    assert errors_of(path, schema) == ["p.csv:2:a: invalid value 'zz'"]


# --------------------------------------------------------------------------- value parsers

CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-15T02:30:00", datetime(2024, 12, 15, 2, 30, tzinfo=CST)),
        ("2024-12-15 02:30", datetime(2024, 12, 15, 2, 30, tzinfo=CST)),
        ("2024/12/15 02:30:00", datetime(2024, 12, 15, 2, 30, tzinfo=CST)),
        ("2024/1/5 2:30", datetime(2024, 1, 5, 2, 30, tzinfo=CST)),
        ("2024-12-15", datetime(2024, 12, 15, tzinfo=CST)),
        ("2024-12-14T18:30:00Z", datetime(2024, 12, 15, 2, 30, tzinfo=CST)),
        ("2024-12-15T02:30:00+09:00", datetime(2024, 12, 15, 1, 30, tzinfo=CST)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    value = parse_datetime(text)
    assert value.tzinfo is not None
    assert value == expected


def test_parse_datetime_naive_is_shanghai() -> None:
    value = parse_datetime("2024-12-15 02:30")
    assert value.tzinfo is SHANGHAI
    assert value.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-01 00:00", "15/12/2024 02:30"])
def test_parse_datetime_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a valid date and time"):
        parse_datetime(text)


@pytest.mark.parametrize("text", ["2024-12-15", "2024/12/15", "20241215", "2024/12/15"])
def test_parse_date(text: str) -> None:
    assert parse_date(text) == date(2024, 12, 15)


@pytest.mark.parametrize("text", ["2024-02-30", "15.12.2024", "tomorrow", "2024-12-15 02:30"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a valid date"):
        parse_date(text)


def test_parse_numbers() -> None:
    assert parse_float("3.5") == 3.5
    assert parse_float("-1e3") == -1000.0
    assert parse_int("42") == 42
    assert parse_int("-7") == -7
    assert parse_int("12.0") == 12
    for text in ("nan", "inf", "abc", "1_000", ""):
        with pytest.raises(ValueError, match="is not a"):
            parse_float(text)
    for text in ("1.5", "abc", "1e3", "1_000", ""):
        with pytest.raises(ValueError, match="is not a whole number"):
            parse_int(text)


def test_parse_choice() -> None:
    parse = parse_choice("open", "closed")
    assert parse("OPEN") == "open"
    with pytest.raises(ValueError, match="'pending' is not one of: open, closed"):
        parse("pending")
    with pytest.raises(ValueError):
        parse_choice()


def test_parse_coordinates() -> None:
    assert parse_latitude("39.9042") == 39.9042
    assert parse_longitude("-116.4074") == -116.4074
    assert parse_latitude("-90") == -90.0
    assert parse_longitude("180") == 180.0
    with pytest.raises(ValueError, match=r"latitude 91 is out of range \(-90 to 90\)"):
        parse_latitude("91")
    with pytest.raises(ValueError, match=r"longitude -180.5 is out of range \(-180 to 180\)"):
        parse_longitude("-180.5")
    with pytest.raises(ValueError, match="'north' is not a valid latitude"):
        parse_latitude("north")


def test_parse_list() -> None:
    assert parse_list()(" a; b ;;c ") == ["a", "b", "c"]
    assert parse_list("|")("x|y") == ["x", "y"]
    assert parse_list()(" ; ") == []
    with pytest.raises(ValueError):
        parse_list("")
