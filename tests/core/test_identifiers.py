"""Tests for precinct.core.identifiers."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from precinct.core.identifiers import (
    BankCard,
    IdentifierError,
    Phone,
    Plate,
    ResidentId,
    luhn_check_digit,
    mask_name,
    normalise_plate_text,
    resident_id_check_char,
)
from precinct.core.regions import PLATE_PROVINCES, PROVINCES, REGIONS

WELL_KNOWN_ID = "11010519491231002X"
# Worked by hand: digits 4 2 0 1 0 2 1 9 9 0 0 3 0 7 1 2 3 times weights
# 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 = 28+18+0+5+0+8+2+9+54+0+0+27+0+35+8+8+6 = 208;
# 208 mod 11 = 10 -> "10X98765432"[10] = "2".
WUHAN_ID = "420102199003071232"


def with_check(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def reason_of(excinfo: pytest.ExceptionInfo[IdentifierError]) -> str:
    return excinfo.value.reason


# --- IdentifierError -----------------------------------------------------------------------


def test_identifier_error_attributes() -> None:
    error = IdentifierError("phone", "must be 11 digits, got 10")
    assert isinstance(error, ValueError)
    assert error.kind == "phone"
    assert error.reason == "must be 11 digits, got 10"
    assert str(error) == "must be 11 digits, got 10"


def test_identifier_error_pickles() -> None:
    error = pickle.loads(pickle.dumps(IdentifierError("plate", "bad")))
    assert (error.kind, error.reason) == ("plate", "bad")


# --- resident_id_check_char ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),
        ("42010219900307123", "2"),
        # 1*7+1*9 = 16 -> 16 mod 11 = 5 -> "7"
        ("11000000000000000", "7"),
        ("00000000000000000", "1"),
    ],
)
def test_resident_id_check_char(first17: str, expected: str) -> None:
    assert resident_id_check_char(first17) == expected


@pytest.mark.parametrize("bad", ["", "1101051949123100", "110105194912310021", "1101051949123100A"])
def test_resident_id_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(IdentifierError, match="need exactly 17 digits") as excinfo:
        resident_id_check_char(bad)
    assert excinfo.value.kind == "resident_id"


def test_every_remainder_maps_to_a_distinct_check_char() -> None:
    chars = {resident_id_check_char(f"{n:017d}") for n in range(200)}
    assert chars == set("10X98765432")


# --- ResidentId: parsing and properties ----------------------------------------------------


def test_parse_well_known_id() -> None:
    rid = ResidentId.parse(WELL_KNOWN_ID)
    assert rid.value == WELL_KNOWN_ID
    assert str(rid) == WELL_KNOWN_ID
    assert rid.region_code == "110105"
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex == "F"
    assert rid.province == "北京"
    assert rid.region == "朝阳区"
    assert rid.masked == "110105********002X"


def test_parse_wuhan_id() -> None:
    rid = ResidentId.parse(WUHAN_ID)
    assert rid.birth_date == date(1990, 3, 7)
    assert rid.sex == "M"
    assert rid.province == "湖北"
    assert rid.region == "江岸区"
    assert rid.masked == "420102********1232"


@pytest.mark.parametrize(
    "raw",
    [
        "  11010519491231002x  ",
        "11010519491231002x",
        "\t11010519491231002X\n",
        "１１０１０５１９４９１２３１００２Ｘ",
    ],
)
def test_parse_accepts_whitespace_lowercase_and_fullwidth(raw: str) -> None:
    assert ResidentId.parse(raw) == ResidentId(WELL_KNOWN_ID)


def test_region_falls_back_for_unlisted_codes() -> None:
    assert ResidentId.parse(with_check("42050019850101001")).region == "湖北"
    assert ResidentId.parse(with_check("42019919850101001")).region == "武汉市"


@pytest.mark.parametrize(
    ("sequence_digit", "sex"), [("1", "M"), ("3", "M"), ("0", "F"), ("8", "F")]
)
def test_sex_from_17th_digit(sequence_digit: str, sex: str) -> None:
    rid = ResidentId.parse(with_check(f"4201061990010100{sequence_digit}"))
    assert rid.sex == sex


def test_ids_are_hashable_and_compare_by_value() -> None:
    assert len({ResidentId.parse(WELL_KNOWN_ID), ResidentId.parse(WELL_KNOWN_ID.lower())}) == 1


# --- ResidentId: rejections ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1101051949123100", "must be 18 characters, got 16"),
        ("11010519491231002", "must be 18 characters, got 17"),
        ("11010519491231002XX", "must be 18 characters, got 19"),
        ("", "must be 18 characters, got 0"),
        ("1101A519491231002X", "character 5 must be a digit, got 'A'"),
        ("11010519491231 02X", "character 15 must be a digit, got ' '"),
        ("11010519491231002Y", "last character must be a digit or X, got 'Y'"),
        (with_check("99010519491231002"), "province code 99 is unknown"),
        (with_check("83000019900101001"), "province code 83 is unknown"),
        (with_check("42010219990230001"), "birth date 19990230 is not a real date"),
        (with_check("42010219901301001"), "birth date 19901301 is not a real date"),
        (with_check("42010219000229001"), "birth date 19000229 is not a real date"),
        (with_check("42010218991231001"), "birth date 18991231 is before 1900"),
        (with_check("42010220990101001"), "birth date 20990101 is in the future"),
        ("110105194912310021", "checksum character is 1, expected X"),
        ("420102199003071235", "checksum character is 5, expected 2"),
    ],
)
def test_parse_rejections(raw: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as excinfo:
        ResidentId.parse(raw)
    assert excinfo.value.kind == "resident_id"
    assert reason_of(excinfo) == reason
    assert str(excinfo.value) == reason


def test_tomorrow_is_in_the_future() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(IdentifierError, match="is in the future"):
        ResidentId.parse(with_check(f"420102{tomorrow:%Y%m%d}001"))


def test_today_is_accepted() -> None:
    assert (
        ResidentId.parse(with_check(f"420102{date.today():%Y%m%d}001")).birth_date == date.today()
    )


def test_direct_construction_validates() -> None:
    with pytest.raises(IdentifierError, match="expected X"):
        ResidentId("110105194912310021")
    with pytest.raises(IdentifierError, match="last character"):
        ResidentId("11010519491231002x")  # the canonical value has an uppercase X


# --- ResidentId.build ----------------------------------------------------------------------


def test_build() -> None:
    assert ResidentId.build("110105", date(1949, 12, 31), 2) == ResidentId(WELL_KNOWN_ID)
    assert ResidentId.build("420102", date(1990, 3, 7), 123).value == WUHAN_ID
    assert ResidentId.build("420106", date(2000, 2, 29), 0).value.startswith("42010620000229000")
    assert ResidentId.build("420106", date(2000, 1, 1), 999).value[14:17] == "999"


@pytest.mark.parametrize(
    ("region_code", "born", "sequence", "reason"),
    [
        ("42010", date(1990, 1, 1), 1, "region code must be 6 digits, got '42010'"),
        ("42010A", date(1990, 1, 1), 1, "region code must be 6 digits, got '42010A'"),
        ("420102", date(1990, 1, 1), -1, "sequence must be between 0 and 999, got -1"),
        ("420102", date(1990, 1, 1), 1000, "sequence must be between 0 and 999, got 1000"),
        ("420102", date(1899, 12, 31), 1, "birth date 18991231 is before 1900"),
        ("420102", date(1, 1, 1), 1, "birth date 00010101 is before 1900"),
        ("420102", date(2099, 1, 1), 1, "birth date 20990101 is in the future"),
        ("990102", date(1990, 1, 1), 1, "province code 99 is unknown"),
    ],
)
def test_build_rejections(region_code: str, born: date, sequence: int, reason: str) -> None:
    with pytest.raises(IdentifierError) as excinfo:
        ResidentId.build(region_code, born, sequence)
    assert reason_of(excinfo) == reason


# --- ResidentId.age_on ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(1990, 3, 7), 0),
        (date(1991, 3, 6), 0),
        (date(1991, 3, 7), 1),
        (date(2024, 3, 6), 33),
        (date(2024, 3, 7), 34),
        (date(2024, 12, 31), 34),
    ],
)
def test_age_on(day: date, age: int) -> None:
    assert ResidentId.parse(WUHAN_ID).age_on(day) == age


def test_age_on_leap_day_birthday() -> None:
    rid = ResidentId.build("420102", date(2000, 2, 29), 1)
    assert rid.age_on(date(2001, 2, 28)) == 0
    assert rid.age_on(date(2001, 3, 1)) == 1
    assert rid.age_on(date(2004, 2, 29)) == 4


def test_age_on_before_birth_raises() -> None:
    with pytest.raises(ValueError, match="before the birth date"):
        ResidentId.parse(WUHAN_ID).age_on(date(1990, 3, 6))


# --- ResidentId: properties ----------------------------------------------------------------

region_codes = st.one_of(
    st.sampled_from(sorted(REGIONS)),
    st.builds(
        lambda province, rest: province + rest,
        st.sampled_from(sorted(PROVINCES)),
        st.text("0123456789", min_size=4, max_size=4),
    ),
)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date.today())
sequences = st.integers(min_value=0, max_value=999)
resident_ids = st.builds(ResidentId.build, region_codes, birth_dates, sequences)


@given(region_codes, birth_dates, sequences)
def test_build_round_trips_through_parse(region_code: str, born: date, sequence: int) -> None:
    rid = ResidentId.build(region_code, born, sequence)
    assert ResidentId.parse(str(rid)) == rid
    assert ResidentId.parse(f"  {rid.value.lower()} ") == rid
    assert (rid.region_code, rid.birth_date, int(rid.value[14:17])) == (region_code, born, sequence)
    assert rid.sex == ("M" if sequence % 2 else "F")
    assert rid.masked[:6] == region_code and rid.masked[-4:] == rid.value[-4:]


@given(resident_ids, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_breaks_the_checksum(rid: ResidentId, position: int, shift: int) -> None:
    digits = list(rid.value)
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = "".join(digits)
    assert resident_id_check_char(changed[:17]) != changed[17]
    with pytest.raises(IdentifierError):
        ResidentId.parse(changed)


@given(resident_ids, birth_dates)
def test_age_is_never_negative_after_birth(rid: ResidentId, day: date) -> None:
    if day >= rid.birth_date:
        assert 0 <= rid.age_on(day) <= day.year - rid.birth_date.year


# --- Phone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138-0013-8000",
        "+8613800138000",
        "0086 13800138000",
        "008613800138000",
        "86 13800138000",
        "8613800138000",
        "138 0013 8000",
        "138.0013.8000",
        "(+86) 138 0013 8000",
        "  13800138000\n",
        "＋８６ １３８００１３８０００",
    ],
)
def test_phone_parse_variants(raw: str) -> None:
    phone = Phone.parse(raw)
    assert phone.value == "13800138000"
    assert str(phone) == "13800138000"
    assert phone.e164 == "+8613800138000"
    assert phone.masked == "138****8000"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "is empty"),
        ("1380013800a", "must contain only digits, got 'a'"),
        ("138/0013/8000", "must contain only digits, got '/'"),
        ("1380013800", "must be 11 digits, got 10"),
        ("138001380001", "must be 11 digits, got 12"),
        ("23800138000", "must start with 1, got 2"),
        ("12800138000", "second digit must be 3-9, got 2"),
        ("+1 415 555 2671", "only mainland China numbers (+86) are supported"),
        ("+852 9123 4567", "only mainland China numbers (+86) are supported"),
        ("027-8888 8888", "must start with 1, got 0"),
    ],
)
def test_phone_rejections(raw: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as excinfo:
        Phone.parse(raw)
    assert excinfo.value.kind == "phone"
    assert reason_of(excinfo) == reason


def test_phone_direct_construction_validates() -> None:
    with pytest.raises(IdentifierError):
        Phone("+8613800138000")


phones = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
)


@given(
    phones,
    st.sampled_from(["", "+86", "+86 ", "+86-", "0086", "0086 ", "86", "86 ", "(+86) "]),
    st.lists(st.sampled_from(["", "", " ", "-", ".", "  "]), min_size=11, max_size=11),
    st.sampled_from(["", " ", "\t"]),
)
def test_phone_parse_ignores_formatting(
    number: str, prefix: str, separators: list[str], padding: str
) -> None:
    formatted = prefix + "".join(d + s for d, s in zip(number, separators, strict=True))
    phone = Phone.parse(padding + formatted + padding)
    assert phone.value == number
    assert Phone.parse(str(phone)) == phone
    assert Phone.parse(phone.e164) == phone
    assert phone.masked == number[:3] + "****" + number[7:]


# --- Plate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["鄂A·D12345", "鄂A D12345", "鄂AD12345", "鄂a·d12345", "鄂A•D12345", "鄂A.D12345",
     "鄂A・D12345", "鄂Ａ·Ｄ１２３４５", " 鄂A · D12345 ", "鄂A-D12345", "鄂A　D12345"],
)  # fmt: skip
def test_plate_parse_new_energy_variants(raw: str) -> None:
    plate = Plate.parse(raw)
    assert plate == Plate(province="鄂", city="A", serial="D12345", energy=True)
    assert str(plate) == "鄂A·D12345"
    assert plate.compact == "鄂AD12345"
    assert plate.kind == "new_energy"


@pytest.mark.parametrize("raw", ["鄂A-12345", "鄂A·12345", "鄂a12345", "鄂A 1234５"])
def test_plate_parse_ordinary(raw: str) -> None:
    plate = Plate.parse(raw)
    assert plate == Plate(province="鄂", city="A", serial="12345", energy=False)
    assert str(plate) == "鄂A·12345"
    assert plate.kind == "ordinary"


@pytest.mark.parametrize(
    ("raw", "serial"),
    [
        ("京N·F12345", "F12345"),  # small car, D/F + 5 digits
        ("沪A·DA1234", "DA1234"),  # small car, D/F + letter + 4 digits
        ("粤B·FZ9999", "FZ9999"),
        ("鄂A·12345D", "12345D"),  # large vehicle, 5 digits + D/F
        ("川A·00001F", "00001F"),
    ],
)
def test_plate_parse_new_energy_shapes(raw: str, serial: str) -> None:
    plate = Plate.parse(raw)
    assert plate.serial == serial
    assert plate.energy


@pytest.mark.parametrize("raw", ["鄂A·AB123", "京B·Z9X8Y", "苏E·8888Q", "鄂A·DF123"])
def test_plate_parse_ordinary_with_letters(raw: str) -> None:
    assert Plate.parse(raw).kind == "ordinary"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "too short to be a plate: ''"),
        ("鄂A", "too short to be a plate: '鄂A'"),
        ("港A·12345", "province abbreviation '港' is unknown"),
        ("AA·12345", "province abbreviation 'A' is unknown"),
        ("鄂I·12345", "city letter must not be I"),
        ("鄂O·12345", "city letter must not be O"),
        ("鄂1·12345", "city code must be a letter A-Z, got '1'"),
        ("鄂A·1234", "serial must be 5 characters (ordinary) or 6 (new-energy), got 4"),
        ("鄂A·1234567", "serial must be 5 characters (ordinary) or 6 (new-energy), got 7"),
        ("鄂A·1234O", "serial must not contain the letter O"),
        ("鄂A·I2345", "serial must not contain the letter I"),
        ("鄂A·12挂45", "serial must be digits and letters, got '挂'"),
        (
            "鄂A·A12345",
            "new-energy serial A12345 must be D/F + 5 digits, D/F + letter + 4 digits, "
            "or 5 digits + D/F",
        ),
        (
            "鄂A·D1234F",
            "new-energy serial D1234F must be D/F + 5 digits, D/F + letter + 4 digits, "
            "or 5 digits + D/F",
        ),
        (
            "鄂A·DAB123",
            "new-energy serial DAB123 must be D/F + 5 digits, D/F + letter + 4 digits, "
            "or 5 digits + D/F",
        ),
        (
            "鄂A·1234DF",
            "new-energy serial 1234DF must be D/F + 5 digits, D/F + letter + 4 digits, "
            "or 5 digits + D/F",
        ),
    ],
)
def test_plate_rejections(raw: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as excinfo:
        Plate.parse(raw)
    assert excinfo.value.kind == "plate"
    assert reason_of(excinfo) == reason


def test_plate_direct_construction_checks_energy_flag() -> None:
    with pytest.raises(IdentifierError, match="must be 6 \\(new-energy\\) characters long"):
        Plate(province="鄂", city="A", serial="12345", energy=True)
    with pytest.raises(IdentifierError, match="must be 5 \\(ordinary\\) characters long"):
        Plate(province="鄂", city="A", serial="D12345", energy=False)
    with pytest.raises(IdentifierError, match="city code"):
        Plate(province="鄂", city="a", serial="12345", energy=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("鄂a · d12345", "鄂AD12345"),
        ("鄂Ａ・ｄ１２３４５", "鄂AD12345"),
        ("鄂A-12345", "鄂A12345"),
        ("  京n.f12345\n", "京NF12345"),
        ("鄂I·0O0", "鄂I0O0"),  # not validated
        ("", ""),
    ],
)
def test_normalise_plate_text(raw: str, expected: str) -> None:
    assert normalise_plate_text(raw) == expected


plate_letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
digits = "0123456789"
ordinary_serials = st.text(plate_letters + digits, min_size=5, max_size=5)
energy_serials = st.one_of(
    st.builds(lambda m, d: m + d, st.sampled_from("DF"), st.text(digits, min_size=5, max_size=5)),
    st.builds(
        lambda m, letter, d: m + letter + d,
        st.sampled_from("DF"),
        st.sampled_from(plate_letters),
        st.text(digits, min_size=4, max_size=4),
    ),
    st.builds(lambda d, m: d + m, st.text(digits, min_size=5, max_size=5), st.sampled_from("DF")),
)
plates = st.builds(
    lambda province, city, serial: Plate(province, city, serial, energy=len(serial) == 6),
    st.sampled_from(sorted(PLATE_PROVINCES)),
    st.sampled_from(plate_letters),
    st.one_of(ordinary_serials, energy_serials),
)


@given(plates, st.sampled_from(["·", "", " ", "•", ".", "・", "-"]), st.booleans())
def test_plate_round_trips(plate: Plate, separator: str, lower: bool) -> None:
    assert Plate.parse(str(plate)) == plate
    assert Plate.parse(plate.compact) == plate
    text = f"{plate.province}{plate.city}{separator}{plate.serial}"
    assert Plate.parse(text.lower() if lower else text) == plate
    assert normalise_plate_text(str(plate)) == plate.compact
    assert plate.kind == ("new_energy" if len(plate.serial) == 6 else "ordinary")


# --- Bank card -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partial", "expected"),
    [("7992739871", "3"), ("411111111111111", "1"), ("0", "0"), ("5", "9"), ("18", "2")],
)
def test_luhn_check_digit(partial: str, expected: str) -> None:
    assert luhn_check_digit(partial) == expected


@pytest.mark.parametrize("bad", ["", "1234a", "12 34", "１２"])
def test_luhn_check_digit_rejects_non_digits(bad: str) -> None:
    with pytest.raises(IdentifierError, match="need digits") as excinfo:
        luhn_check_digit(bad)
    assert excinfo.value.kind == "bank_card"


@pytest.mark.parametrize(
    "raw", ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", " 4111111111111111 "]
)
def test_bank_card_parse(raw: str) -> None:
    card = BankCard.parse(raw)
    assert card.value == "4111111111111111"
    assert str(card) == "4111111111111111"
    assert card.masked == "4111 **** **** 1111"


def test_bank_card_19_digits() -> None:
    partial = "622202020011234567"
    card = BankCard.parse(partial + luhn_check_digit(partial))
    assert len(card.value) == 19
    assert card.masked == "6222 **** **** " + card.value[-4:]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "is empty"),
        ("4111 1111 1111 111x", "must contain only digits, got 'x'"),
        ("4111/1111/1111/1111", "must contain only digits, got '/'"),
        ("411111111111111", "must be 16 to 19 digits, got 15"),
        ("41111111111111111111", "must be 16 to 19 digits, got 20"),
        ("4111111111111112", "Luhn check digit is 2, expected 1"),
    ],
)
def test_bank_card_rejections(raw: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as excinfo:
        BankCard.parse(raw)
    assert excinfo.value.kind == "bank_card"
    assert reason_of(excinfo) == reason


card_numbers = st.builds(
    lambda partial: partial + luhn_check_digit(partial),
    st.text(digits, min_size=15, max_size=18),
)


@given(card_numbers)
def test_generated_cards_are_valid(number: str) -> None:
    assert BankCard.parse(number).value == number


@given(card_numbers, st.data())
def test_changing_one_card_digit_fails_luhn(number: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(number) - 1))
    shift = data.draw(st.integers(min_value=1, max_value=9))
    digits_ = list(number)
    digits_[position] = str((int(digits_[position]) + shift) % 10)
    with pytest.raises(IdentifierError, match="Luhn check digit"):
        BankCard.parse("".join(digits_))


# --- mask_name -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王小明", "王**"), ("李", "李"), ("", ""),
     ("  张三 ", "张*"), ("John Smith", "J*********")],
)  # fmt: skip
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@given(st.text(min_size=1).map(str.strip).filter(bool))
def test_mask_name_keeps_length_and_first_char(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0]
    assert set(masked[1:]) <= {"*"}
