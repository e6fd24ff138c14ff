"""Normalisers: names with pinyin, ID numbers (typos kept), phones, plates, addresses, serials."""

from __future__ import annotations

import pytest

from precinct.linkage import normalise


def test_names_split_family_and_given_with_pinyin() -> None:
    parts = normalise.name_parts(" 刘 伟 ")
    assert (parts.name, parts.family, parts.given, parts.pinyin) == ("刘伟", "刘", "伟", "liuwei")
    assert normalise.name_parts("欧阳娜娜").family == "欧阳"


def test_homophones_share_pinyin_and_swapped_romanised_names_sort_alike() -> None:
    assert normalise.name_parts("李玮").pinyin == normalise.name_parts("李伟").pinyin
    swapped = normalise.name_parts("WEI LIU")
    assert (swapped.family_py, swapped.given_py) == ("wei", "liu")
    assert swapped.sorted_py == normalise.name_parts("刘伟").sorted_py


@pytest.mark.parametrize("raw", ["", "12345", "刘伟3", "Li@"])
def test_what_is_not_a_name_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="not a name"):
        normalise.name_parts(raw)


def test_id_numbers_keep_typos_as_not_valid() -> None:
    good = normalise.id_number("42011319900307001x")
    assert good.valid and good.value.endswith("X") and good.birth_date is not None
    typo = normalise.id_number("420113199003070021")
    assert not typo.valid and typo.birth_date is None
    with pytest.raises(ValueError, match="18-character"):
        normalise.id_number("4201131990")


def test_phones_plates_addresses_and_serials() -> None:
    assert normalise.phone("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ValueError):
        normalise.phone("12345")
    assert normalise.plate("鄂a·d12345") == normalise.plate("鄂AD12345")
    assert normalise.address("湖北省武汉市 武汉经开区沌阳大道168号") == "武汉经开区沌阳大道168号"
    tokens = normalise.address_tokens("武汉经开区沌口街道新庙村二组47号302室")
    assert {"新庙村", "47号", "302室"} <= set(tokens)
    assert normalise.serial("pf-3k cw lv") == "PF3KCWLV"
    assert normalise.bank_card("6222 0212 3456 7894") == "6222021234567894"
    with pytest.raises(ValueError):
        normalise.bank_card("6222021234567890")
